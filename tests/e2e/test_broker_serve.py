"""`radio-studio broker serve` as the officer runs it: Mosquitto with the project's
configuration, listening; the studio of the same data folder finds the admin account, also
when the broker keeps its own folder elsewhere (`broker serve --data-dir B`); SIGTERM
stops it cleanly (exit 0), with its retained state saved."""

from __future__ import annotations

import signal
import subprocess
import sys

from studio.broker.process import port_open
from studio.fleet.broker_account import account_for, parse_broker_address
from tests.support.receiver import free_port
from tests.support.tools import require_tool, wait_for


def test_broker_serve_with_its_own_folder_is_found_by_the_studio_and_stops_cleanly(tmp_path):
    require_tool("mosquitto")
    port = free_port()
    data, folder = tmp_path / "data", tmp_path / "elsewhere" / "broker"
    proc = subprocess.Popen([sys.executable, "-m", "studio", "--data-dir", str(data), "broker", "serve",
                             "--data-dir", str(folder), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == f"broker listening on mqtt://127.0.0.1:{port}", (line, proc.stderr.read())
        assert (folder / "admin.json").is_file()
        account = wait_for(lambda: account_for(data, parse_broker_address(f"mqtt://127.0.0.1:{port}")), 10,
                           "admin account")
        assert account.port == port
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0  # stopped cleanly, also when the signal came while it started
        assert "Traceback" not in proc.stderr.read()
        assert not port_open("127.0.0.1", port)  # and Mosquitto with it
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

