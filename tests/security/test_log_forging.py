"""Without any key: the logs. Before, `%0A` in a request path wrote forged lines into the
receiver's log ("PAIRING CODE: 13371337", "paired with studio"), 1,500 long-path requests
rotated the whole log away, and every bare TCP connect logged a 451-character warning. Now
untrusted text is escaped, security events go to their own bounded log, rate-limited per
source, and a bare connect logs nothing."""

from __future__ import annotations

import re
import time

from crs_receiver.security_log import FILE_BACKUPS, FILE_BYTES, PER_SOURCE

from tests.security.hostile import connect, head, paired, request, response

STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ")


def log_lines(folder) -> list[str]:
    return [line for path in sorted((folder / "logs").glob("*.log*"))
            for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_newline_in_a_path_forges_no_line(tmp_path):
    receiver, client = paired(tmp_path)
    try:
        forged = "/v1/status%0A2026-12-02%2001:02:03,456%20WARNING%20PAIRING%20CODE:%2013371337%0Dpaired%20with%20studio"
        assert request(receiver.port, "GET", forged)[0] in (401, 404)
        assert request(receiver.port, "GET", "/v1/%1b[2Jx%E2%80%A8y")[0] == 404
        time.sleep(0.3)
        lines = log_lines(receiver.folder)
        assert any("13371337" in line for line in lines)  # logged, as one line
        for line in lines:
            assert STAMP.match(line), line  # every line is a log record's own: none was forged
            assert "\x1b" not in line and "\u2028" not in line
    finally:
        receiver.kill()


def test_a_flood_of_long_paths_does_not_rotate_the_log_away(tmp_path):
    receiver, client = paired(tmp_path)
    try:
        first = (receiver.folder / "logs" / "receiver.log").read_text(encoding="utf-8").splitlines()[0]
        with connect(receiver.port) as sock:  # one keep-alive connection, 1,500 requests
            for n in range(1500):
                sock.sendall(head("GET", f"/v1/{n}-" + "x" * 4000))
                assert response(sock)[0] == 404
        for n in range(3):
            assert request(receiver.port, "GET", "/v1/" + "y" * 4000, source=f"127.0.0.{3 + n}")[0] == 404
        time.sleep(0.3)
        logs = receiver.folder / "logs"
        assert (logs / "receiver.log").read_text(encoding="utf-8").splitlines()[0] == first
        assert not (logs / "receiver.log.1").exists()
        security = [line for line in log_lines(receiver.folder) if " 127.0.0.2: " in line]
        assert len(security) <= PER_SOURCE + 1, len(security)
        assert all(len(line) < 400 for line in security)
        assert sum(p.stat().st_size for p in logs.glob("security.log*")) <= FILE_BYTES * (FILE_BACKUPS + 1)
        assert client.status()["receiver_id"] == client.receiver_id
    finally:
        receiver.kill()


def test_a_bare_connect_logs_nothing(tmp_path):
    receiver, client = paired(tmp_path)
    try:
        time.sleep(0.3)
        before = log_lines(receiver.folder)
        for n in range(30):
            connect(receiver.port, source=f"127.0.0.{2 + n % 3}").close()
        assert client.status()["receiver_id"] == client.receiver_id
        time.sleep(0.3)
        assert log_lines(receiver.folder) == before
    finally:
        receiver.kill()
