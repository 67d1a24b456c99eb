"""The officer's API keys for the speech platforms, entered once.

A key goes to the operating system's keyring (Windows Credential Locker, macOS Keychain,
Secret Service) through `keyring`; where no keyring backend exists (a headless Linux
box, CI) it goes to `provider-keys.json` in the data folder, created 0600. Which providers
are set up, where each key is kept, and any base-URL override are in the non-secret
`tts-providers.json` beside it. The base URL can also be overridden by the environment
(`CRS_TTS_URL_FPT`, `CRS_TTS_URL_VIETTEL`, `CRS_TTS_URL_ZALO`), which the tests use to
point the adapters at loopback servers.

Threading: a lock guards the two files within a process; every write is atomic.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from studio.errors import ProviderKeyMissing, StorageError
from studio.storage.durable import atomic_write_bytes
from studio.tts.providers.adapters import ADAPTERS, adapter_for

log = logging.getLogger(__name__)

CONFIG_FILE = "tts-providers.json"
KEY_FILE = "provider-keys.json"


class KeyPlace(Enum):
    KEYRING = "keyring"
    FILE = "file"


@dataclass(frozen=True)
class ProviderConfig:
    provider: str
    place: KeyPlace
    base_url: str  # "" = the adapter's published address (or the environment's override)

    def effective_url(self) -> str:
        override = os.environ.get(f"CRS_TTS_URL_{self.provider.upper()}", "")
        return override or self.base_url or adapter_for(self.provider).default_url


def usable_keyring():
    """The keyring backend when a real one exists, else None (keyring's `fail` and `null`
    backends, or a chainer with nothing to chain, have priority <= 0)."""
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception as exc:  # a broken keyring install must not stop the studio
        log.warning("keyring unavailable: %s", exc)
        return None
    try:
        return backend if backend.priority > 0 else None
    except Exception:
        return None


class KeyStore:
    def __init__(self, data_dir: Path, backend=None, use_keyring: bool = True) -> None:
        self.data_dir = Path(data_dir)
        # The OS keyring is looked up on first use, not here: finding it can take a while (and
        # the window makes this store on its UI thread to list the configured providers).
        self._given_backend, self._use_keyring = backend, use_keyring
        # One keyring entry per data folder: two studios (or tests) on a machine stay apart.
        digest = hashlib.sha256(str(self.data_dir.resolve()).encode("utf-8")).hexdigest()[:12]
        self.service = f"CommuneRadioStudio/{digest}"
        self._lock = threading.Lock()

    @functools.cached_property
    def _backend(self):
        if self._given_backend is not None:
            return self._given_backend
        return usable_keyring() if self._use_keyring else None

    @property
    def config_path(self) -> Path:
        return self.data_dir / CONFIG_FILE

    @property
    def key_path(self) -> Path:
        return self.data_dir / KEY_FILE

    def configs(self) -> list[ProviderConfig]:
        data = self._read(self.config_path)
        found = []
        for provider, entry in data.items():
            if provider in ADAPTERS and isinstance(entry, dict):
                try:
                    found.append(ProviderConfig(provider, KeyPlace(entry.get("place", "file")),
                                                str(entry.get("base_url", ""))))
                except ValueError:
                    continue
        return sorted(found, key=lambda c: list(ADAPTERS).index(c.provider))

    def config(self, provider: str) -> ProviderConfig | None:
        adapter_for(provider)  # UnknownProvider for a typo
        return next((c for c in self.configs() if c.provider == provider), None)

    def set(self, provider: str, key: str, base_url: str | None = None) -> ProviderConfig:
        adapter_for(provider)
        key = key.strip()
        if not key:
            raise ProviderKeyMissing(provider)
        with self._lock:
            place = KeyPlace.FILE
            if self._backend is not None:
                try:
                    self._backend.set_password(self.service, provider, key)
                    place = KeyPlace.KEYRING
                except Exception as exc:  # locked or refused keyring: fall back to the file
                    log.warning("keyring refused the %s key (%s); keeping it in %s", provider, exc, KEY_FILE)
            keys = self._read(self.key_path)
            if place is KeyPlace.FILE:
                keys[provider] = key
            else:
                keys.pop(provider, None)
            self._write_keys(keys)
            data = self._read(self.config_path)
            previous = data.get(provider, {}) if isinstance(data.get(provider), dict) else {}
            data[provider] = {"place": place.value,
                              "base_url": previous.get("base_url", "") if base_url is None else base_url}
            self._write(self.config_path, data, private=False)
        return ProviderConfig(provider, place, data[provider]["base_url"])

    def get(self, provider: str) -> str:
        config = self.config(provider)
        if config is None:
            raise ProviderKeyMissing(provider)
        key = None
        if config.place is KeyPlace.KEYRING and self._backend is not None:
            try:
                key = self._backend.get_password(self.service, provider)
            except Exception as exc:
                log.warning("keyring could not give the %s key: %s", provider, exc)
        elif config.place is KeyPlace.FILE:
            key = self._read(self.key_path).get(provider)
        if not key:
            raise ProviderKeyMissing(provider)
        return str(key)

    def remove(self, provider: str) -> bool:
        config = self.config(provider)
        if config is None:
            return False
        with self._lock:
            if config.place is KeyPlace.KEYRING and self._backend is not None:
                try:
                    self._backend.delete_password(self.service, provider)
                except Exception as exc:
                    log.warning("keyring could not delete the %s key: %s", provider, exc)
            keys = self._read(self.key_path)
            if keys.pop(provider, None) is not None or self.key_path.exists():
                self._write_keys(keys)
            data = self._read(self.config_path)
            data.pop(provider, None)
            self._write(self.config_path, data, private=False)
        return True

    def _write_keys(self, keys: dict) -> None:
        if keys or self.key_path.exists():
            self._write(self.key_path, keys, private=True)

    @staticmethod
    def _read(path: Path) -> dict:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("%s is unreadable (%s); treating it as empty", path, exc)
            return {}
        return data if isinstance(data, dict) else {}

    @classmethod
    def _write(cls, path: Path, data: dict, private: bool) -> None:
        """Replace `path` atomically; the file is born 0600 (mkstemp), never widened. A file
        that cannot be read is not overwritten: it is kept beside as `NAME.damaged-STAMP`
        (the keys of other platforms in it stay recoverable) and the loss is logged."""
        if path.exists() and not cls._readable(path):
            aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d%H%M%S')}")
            try:
                os.replace(path, aside)
            except OSError as exc:
                raise StorageError(path, exc.strerror or str(exc)) from exc
            log.error("%s could not be read; kept as %s, a new one is written", path, aside)
        atomic_write_bytes(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
        if private:
            os.chmod(path, 0o600)

    @staticmethod
    def _readable(path: Path) -> bool:
        try:
            return isinstance(json.loads(path.read_text(encoding="utf-8")), dict)
        except (OSError, ValueError):
            return False
