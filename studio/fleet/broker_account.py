"""Where receivers reached through a broker are, and the studio's own account on that broker.

A receiver's address says its transport: `http://HOST:PORT` (protocol v1 over HTTP) or
`mqtt://HOST:PORT/RID` / `mqtts://HOST:PORT/RID` (the same protocol through an MQTT 5
broker). The studio's account on a broker (`studio.broker.BrokerAccount`: the
dynamic-security admin, which may also publish and read every `crs/v1/` topic) is written
by `radio-studio broker serve` into `<data>/broker/admin.json` for the studio's own
Mosquitto, or by `radio-studio broker connect` for a province's broker into
`<data>/broker-accounts.json` (mode 0600), one entry per `host:port`.

Pure values and small file reads: any thread.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from studio.broker.config import BrokerAccount, load_admin
from studio.errors import InvalidBrokerAddress, NoBrokerAccount
from studio.storage.durable import atomic_write_bytes

ACCOUNTS_FILE = "broker-accounts.json"
SCHEMES = ("mqtt", "mqtts")
DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool
    receiver_id: str  # "" for the broker itself

    @property
    def broker(self) -> str:
        """The broker's name in the database and in the accounts file: host:port."""
        return f"{self.host}:{self.port}"


def is_broker_address(address: str) -> bool:
    return urlsplit(address).scheme.lower() in SCHEMES


def parse_broker_address(address: str, need_receiver: bool = False) -> BrokerAddress:
    """`mqtt://HOST:PORT/RID` (RID only when `need_receiver`); InvalidBrokerAddress otherwise."""
    parts = urlsplit(address.strip())
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or not parts.hostname:
        raise InvalidBrokerAddress(address, "expected mqtt://HOST:PORT/RECEIVER_ID")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise InvalidBrokerAddress(address, "the port is not a number") from None
    receiver_id = parts.path.strip("/")
    if need_receiver and not receiver_id:
        raise InvalidBrokerAddress(address, "the receiver id is missing (mqtt://HOST:PORT/RECEIVER_ID)")
    if "/" in receiver_id or "+" in receiver_id or "#" in receiver_id or len(receiver_id) > 64:
        raise InvalidBrokerAddress(address, "a receiver id is one topic level (no / + #), at most 64 characters")
    return BrokerAddress(parts.hostname, port, scheme == "mqtts", receiver_id)


def broker_name(account: BrokerAccount) -> str:
    return f"{account.host}:{account.port}"


def _file(data_dir: Path) -> Path:
    return Path(data_dir) / ACCOUNTS_FILE


def load_accounts(data_dir: Path) -> dict[str, BrokerAccount]:
    try:
        raw = json.loads(_file(data_dir).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    accounts = {}
    for name, value in raw.items() if isinstance(raw, dict) else ():
        try:
            accounts[name] = BrokerAccount(**value)
        except TypeError:
            continue
    return accounts


def save_account(data_dir: Path, account: BrokerAccount) -> Path:
    """Add or replace the account for its host:port (file mode 0600)."""
    accounts = load_accounts(data_dir)
    accounts[broker_name(account)] = account
    path = _file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, json.dumps({k: asdict(v) for k, v in accounts.items()}, indent=1).encode())
    os.chmod(path, 0o600)
    return path


def account_for(data_dir: Path, address: BrokerAddress) -> BrokerAccount:
    """The studio's account on the broker of `address`; NoBrokerAccount if none was set up.
    A broker named by another host spelling of the same port (localhost / 127.0.0.1) is
    found too when only one account has that port."""
    accounts = load_accounts(data_dir)
    served = load_admin(Path(data_dir) / "broker")  # `broker serve`'s own Mosquitto
    if served is not None:
        accounts.setdefault(broker_name(served), served)
    found = accounts.get(address.broker)
    if found is None:
        same_port = [a for a in accounts.values() if a.port == address.port]
        loopback = {"localhost", "127.0.0.1", "::1"}
        if len(same_port) == 1 and {same_port[0].host, address.host} <= loopback:
            found = same_port[0]
    if found is None:
        raise NoBrokerAccount(address.broker)
    return found
