"""The project's real Mosquitto broker (studio/broker/) on a free loopback port, for tests.

`RunningBroker` starts it in a folder of the test's own (`tmp_path/broker`) and can stop,
kill -9 and restart it on the same port, keeping its persistence (a broker restart
mid-transfer). The `broker` fixture yields one and stops it after the test; tests that
need Mosquitto are skipped where it is not installed. `admin()` opens a BrokerAdmin with
the studio's admin account. Test thread only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.broker import BrokerAccount, BrokerAdmin, BrokerProcess, BrokerSettings
from studio.broker.config import find_dynsec_plugin, find_mosquitto
from studio.errors import BrokerNotInstalled
from tests.support.receiver import free_port


def mosquitto_missing() -> str | None:
    """Why the broker cannot run here, or None."""
    try:
        find_mosquitto()
        find_dynsec_plugin()
    except BrokerNotInstalled as exc:
        return exc.describe()
    return None


class RunningBroker:
    def __init__(self, folder: Path, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.folder, self.host, self.port = folder, host, port or free_port()
        self.process = BrokerProcess(folder, BrokerSettings(host, self.port))
        self.account: BrokerAccount | None = None

    @property
    def url(self) -> str:
        return f"mqtt://{self.host}:{self.port}"

    @property
    def username(self) -> str:
        return self.account.username

    @property
    def password(self) -> str:
        return self.account.password

    def start(self) -> RunningBroker:
        self.account = self.process.start()
        return self

    def stop(self) -> None:
        self.process.stop()

    def kill(self) -> None:
        self.process.kill()

    def restart(self) -> None:
        self.stop()
        self.process = BrokerProcess(self.folder, BrokerSettings(self.host, self.port))
        self.start()

    def admin(self) -> BrokerAdmin:
        return BrokerAdmin.for_account(self.account)


@pytest.fixture
def broker(tmp_path: Path):
    """A running project broker: `.host`, `.port`, `.url`, `.account` (the studio's admin
    username/password), `.admin()`, `.stop()`, `.kill()`, `.restart()`."""
    missing = mosquitto_missing()
    if missing:
        pytest.skip(missing)
    running = RunningBroker(tmp_path / "broker").start()
    yield running
    running.stop()
