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


def make_certificates(folder: Path, ca: tuple[Path, Path] | None = None, name: str = "broker") -> dict[str, Path]:
    """A CA (unless given as (crt, key)) and a broker certificate it signs for 127.0.0.1 and
    localhost, made with the openssl tool."""
    import subprocess

    from tests.support.tools import require_tool

    openssl = require_tool("openssl")
    folder.mkdir(parents=True, exist_ok=True)

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], check=True, capture_output=True, timeout=60)

    if ca is None:
        ca = folder / "ca.crt", folder / "ca.key"
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=CRS test CA",
            "-keyout", str(ca[1]), "-out", str(ca[0]))
    crt, key, csr, ext = (folder / f"{name}.{x}" for x in ("crt", "key", "csr", "ext"))
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(csr))
    ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run("x509", "-req", "-in", str(csr), "-CA", str(ca[0]), "-CAkey", str(ca[1]), "-CAcreateserial", "-days", "30",
        "-extfile", str(ext), "-out", str(crt))
    return {"ca": ca[0], "ca_key": ca[1], "cert": crt, "key": key}


class RunningBroker:
    def __init__(self, folder: Path, host: str = "127.0.0.1", port: int | None = None,
                 tls: dict[str, Path] | None = None) -> None:
        self.folder, self.host, self.port = folder, host, port or free_port()
        self.tls_port = free_port() if tls else None
        self.tls = tls
        self.process = BrokerProcess(folder, self._settings())
        self.account: BrokerAccount | None = None

    def _settings(self) -> BrokerSettings:
        if self.tls is None:
            return BrokerSettings(self.host, self.port)
        return BrokerSettings(self.host, self.port, self.tls_port, self.tls["cert"], self.tls["key"])

    @property
    def tls_url(self) -> str:
        return f"mqtts://{self.host}:{self.tls_port}"

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

    def restart(self, tls: dict[str, Path] | None = None) -> None:
        """Stopped and started again on the same ports (with `tls`: another certificate)."""
        self.stop()
        self.tls = tls or self.tls
        self.process = BrokerProcess(self.folder, self._settings())
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
