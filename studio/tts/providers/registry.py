"""From the studio's data folder to usable engines: one `CloudEngine` per provider the
officer has set a key for, and the engine a voice id names (`fpt:banmai` -> FPT.AI).
Thread-safe: builds new objects each call.
"""

from __future__ import annotations

from pathlib import Path

from studio.errors import UnknownProvider
from studio.tts.providers.adapters import ADAPTERS, adapter_for
from studio.tts.providers.cloud_engine import CloudEngine
from studio.tts.providers.keys import KeyStore


def cloud_engine(data_dir: Path, provider: str, store: KeyStore | None = None) -> CloudEngine:
    store = store or KeyStore(data_dir)
    config = store.config(provider)
    adapter = adapter_for(provider)
    base_url = config.effective_url() if config is not None else adapter.default_url
    return CloudEngine(adapter, lambda: store.get(provider), base_url)


def configured_engines(data_dir: Path, store: KeyStore | None = None) -> list[CloudEngine]:
    store = store or KeyStore(data_dir)
    return [cloud_engine(data_dir, c.provider, store) for c in store.configs()]


def provider_of_voice(voice: str) -> str | None:
    """The provider a voice id belongs to (`zalo:2` -> "zalo"), None for a local voice."""
    prefix, sep, _ = voice.partition(":")
    return prefix if sep and prefix in ADAPTERS else None


def is_provider(name: str | None) -> bool:
    return name in ADAPTERS


def require_provider(name: str) -> str:
    if name not in ADAPTERS:
        raise UnknownProvider(name)
    return name
