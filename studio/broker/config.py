"""The project's Mosquitto 2 configuration: where things live in a broker folder, the
studio's admin account, and the files Mosquitto reads (docs/broker.md).

A broker folder holds:
- `mosquitto.conf`: listener(s), persistence, the dynamic-security plugin, no anonymous;
- `dynamic-security.json`: the plugin's accounts and roles (created once with the studio's
  admin account; Mosquitto rewrites it as accounts change);
- `admin.json` (0600): the studio's admin username and password, and where the broker listens
  (lost, while `dynamic-security.json` is not: the admin gets a new password in it, every
  receiver's account is kept, and the file as it was is copied to `.bak-N` first);
- `data/`: Mosquitto's persistence (retained manifests and media, queued messages);
- `mosquitto.log`.

Everything here is plain file work; it runs in the caller's thread.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import json
import os
import secrets
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from crs_protocol.mqtt import PREFIX

from studio.errors import BrokerNotInstalled, StorageError
from studio.storage.durable import atomic_write_bytes

ADMIN_USER = "crs-studio"
ADMIN_ROLE = "crs-studio"
DYNSEC_ITERATIONS = 101
PLUGIN_NAME = "mosquitto_dynamic_security.so"
PLUGIN_DIRS = ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib/arm-linux-gnueabihf",
               "/usr/lib/mosquitto", "/usr/local/lib", "/usr/lib", "/opt/homebrew/lib", "/usr/local/opt/mosquitto/lib")
BINARY_DIRS = ("/usr/sbin", "/usr/local/sbin", "/opt/homebrew/sbin", "/usr/local/opt/mosquitto/sbin")


@dataclass(frozen=True)
class BrokerAccount:
    """How the studio reaches a broker as its administrator (also a province's remote one)."""

    host: str
    port: int
    username: str
    password: str
    tls: bool = False
    ca_file: str | None = None

    @property
    def url(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


@dataclass(frozen=True)
class BrokerSettings:
    """What `radio-studio broker serve` runs: a plain listener and, with a certificate, a TLS one."""

    host: str = "127.0.0.1"
    port: int = 1883
    tls_port: int | None = None
    certfile: Path | None = None
    keyfile: Path | None = None


def find_mosquitto() -> Path:
    """The `mosquitto` program (Debian puts it in /usr/sbin, often not on a user's PATH)."""
    found = os.environ.get("CRS_MOSQUITTO") or shutil.which("mosquitto")
    if not found:
        found = next((str(Path(d) / "mosquitto") for d in BINARY_DIRS if (Path(d) / "mosquitto").is_file()), None)
    if not found:
        raise BrokerNotInstalled("mosquitto", "install the Debian package 'mosquitto'")
    return Path(found)


def find_dynsec_plugin() -> Path:
    """The dynamic-security plugin that ships with Mosquitto 2."""
    env = os.environ.get("CRS_MOSQUITTO_DYNSEC")
    candidates = [Path(env)] if env else [Path(d) / PLUGIN_NAME for d in PLUGIN_DIRS]
    for path in candidates:
        if path.is_file():
            return path
    raise BrokerNotInstalled(PLUGIN_NAME, "Mosquitto 2 with its dynamic-security plugin is needed")


def _hash(password: str) -> dict:
    """A dynamic-security password entry: PBKDF2-SHA512 as Mosquitto itself writes it."""
    salt = secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, DYNSEC_ITERATIONS)
    return {"password": base64.b64encode(digest).decode(), "salt": base64.b64encode(salt).decode(),
            "iterations": DYNSEC_ITERATIONS}


def studio_role_acls() -> list[dict]:
    """The studio's role: everything under crs/v1/ and the dynamic-security control topic."""
    acls = []
    for topic in (f"{PREFIX}/#", "$CONTROL/dynamic-security/#"):
        for kind in ("publishClientSend", "publishClientReceive", "subscribePattern", "unsubscribePattern"):
            acls.append({"acltype": kind, "topic": topic, "allow": True})
    return acls


def initial_dynsec(password: str) -> dict:
    """The plugin's first configuration: the studio's admin account, deny by default (a
    receiver reads only what its role lets it; nobody receives what they did not subscribe)."""
    return {
        "clients": [{"username": ADMIN_USER, "textName": "Commune Radio Studio", **_hash(password),
                     "roles": [{"rolename": ADMIN_ROLE}]}],
        "roles": [{"rolename": ADMIN_ROLE, "acls": studio_role_acls()}],
        "defaultACLAccess": {"publishClientSend": False, "publishClientReceive": False, "subscribe": False,
                             "unsubscribe": True},
    }


def _write_private(path: Path, data: bytes) -> None:
    try:
        atomic_write_bytes(path, data)
        os.chmod(path, 0o600)
    except OSError as exc:
        raise StorageError(path, exc.strerror or str(exc)) from exc


def mosquitto_conf(folder: Path, settings: BrokerSettings, plugin: Path) -> str:
    folder = folder.resolve()
    lines = [
        "# Written by `radio-studio broker serve`; see docs/broker.md. Rewritten at every start.",
        "per_listener_settings false",
        "allow_anonymous false",
        "persistence true",
        f"persistence_location {folder / 'data'}/",
        "autosave_interval 30",
        # what is queued for a persistent session (the studio's: play logs while it is off), bounded;
        # receivers connect with a clean session and have nothing queued
        "max_queued_messages 1000",
        "persistent_client_expiration 30d",
        "log_dest stdout",
        "log_type error",
        "log_type warning",
        "log_type notice",
        "log_type information",
        "log_timestamp_format %Y-%m-%dT%H:%M:%S",
        f"plugin {plugin}",
        f"plugin_opt_config_file {folder / 'dynamic-security.json'}",
        f"listener {settings.port} {settings.host}",
        "protocol mqtt",
    ]
    if os.name != "nt" and os.geteuid() == 0:
        lines.insert(2, f"user {getpass.getuser()}")  # as root Mosquitto would switch to 'mosquitto'
    if settings.tls_port is not None:
        if settings.certfile is None or settings.keyfile is None:
            raise ValueError("a TLS listener needs a certificate and its key")
        lines += [f"listener {settings.tls_port} {settings.host}", "protocol mqtt",
                  f"certfile {Path(settings.certfile).resolve()}", f"keyfile {Path(settings.keyfile).resolve()}"]
    return "\n".join(lines) + "\n"


def prepare(folder: Path, settings: BrokerSettings) -> tuple[Path, BrokerAccount]:
    """Write the broker folder's files (the accounts only the first time); returns the config
    file and the studio's admin account on the plain listener."""
    folder = Path(folder)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    plugin = find_dynsec_plugin()
    dynsec = folder / "dynamic-security.json"
    account = load_admin(folder)
    if not dynsec.is_file():
        password = account.password if account is not None else secrets.token_urlsafe(24)
        _write_private(dynsec, json.dumps(initial_dynsec(password), indent=1).encode())
        account = BrokerAccount(settings.host, settings.port, ADMIN_USER, password)
    elif account is None:  # the admin file lost, the accounts not: a new admin password, every receiver kept
        account = BrokerAccount(settings.host, settings.port, ADMIN_USER, secrets.token_urlsafe(24))
        reset_admin(dynsec, account.password)
    account = BrokerAccount(settings.host, settings.port, account.username, account.password)
    save_admin(folder, account)
    conf = folder / "mosquitto.conf"
    _write_private(conf, mosquitto_conf(folder, settings, plugin).encode())
    return conf, account


def reset_admin(dynsec: Path, password: str) -> Path:
    """Give the studio's admin client in an existing dynamic-security file a new password
    (adding it, and its role, if missing), leaving every other account as it is; the file
    as it was is copied first to `dynamic-security.json.bak-N` (returned)."""
    try:
        original = dynsec.read_bytes()
        data = json.loads(original)
    except OSError as exc:
        raise StorageError(dynsec, exc.strerror or str(exc)) from exc
    except ValueError as exc:
        raise StorageError(dynsec, f"not a dynamic-security file: {exc}") from exc
    if not isinstance(data, dict):
        raise StorageError(dynsec, "not a dynamic-security file")
    n = 1
    while (backup := dynsec.with_name(f"{dynsec.name}.bak-{n}")).exists():
        n += 1
    _write_private(backup, original)
    clients = [c for c in data.get("clients", []) if not (isinstance(c, dict) and c.get("username") == ADMIN_USER)]
    clients.append({"username": ADMIN_USER, "textName": "Commune Radio Studio", **_hash(password),
                    "roles": [{"rolename": ADMIN_ROLE}]})
    roles = [r for r in data.get("roles", []) if not (isinstance(r, dict) and r.get("rolename") == ADMIN_ROLE)]
    roles.append({"rolename": ADMIN_ROLE, "acls": studio_role_acls()})
    data.update(clients=clients, roles=roles)
    data.setdefault("defaultACLAccess", initial_dynsec(password)["defaultACLAccess"])
    _write_private(dynsec, json.dumps(data, indent=1).encode())
    return backup


def save_admin(folder: Path, account: BrokerAccount) -> Path:
    """The admin account, readable by the studio's user only."""
    path = Path(folder) / "admin.json"
    _write_private(path, json.dumps(asdict(account), indent=1).encode())
    return path


def load_admin(folder: Path) -> BrokerAccount | None:
    path = Path(folder) / "admin.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return BrokerAccount(str(data["host"]), int(data["port"]), str(data["username"]), str(data["password"]),
                             bool(data.get("tls", False)), data.get("ca_file"))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as exc:
        raise StorageError(path, f"not a broker account file: {exc}") from exc
