"""Issue 15, item 15: a device that claims the `receiver_id` of a receiver already paired
(a cloned SD card, or an impostor) is refused when paired, naming both addresses, and the
real receiver's row keeps its address. Two real receivers on loopback; the second's data
folder carries the first's identity in `receiver.json` and `receiver.json.bak`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from studio.paths import StudioPaths
from studio.storage.database import connect
from tests.support.cli import run
from tests.support.receiver import Receiver


def test_a_second_device_claiming_a_paired_id_is_refused_and_the_row_kept(tmp_path, data_dir):
    run(data_dir, "zones", "add", "Thôn 1")
    real = Receiver(tmp_path / "real").start()
    impostor_dir = tmp_path / "impostor"
    impostor_dir.mkdir()
    identity = json.loads((real.folder / "receiver.json").read_text())
    for name in ("receiver.json", "receiver.json.bak"):
        shutil.copy(real.folder / "receiver.json", impostor_dir / name)
    impostor = Receiver(impostor_dir)
    try:
        run(data_dir, "receivers", "add", real.url, "--code", real.code, "--zone", "Thôn 1", "--name", "Loa 1")
        impostor.start()
        refused = run(data_dir, "receivers", "add", impostor.url, "--code", impostor.code, "--zone", "Thôn 1",
                      expect=1)
        assert identity["id"] in refused.stderr
        assert real.url in refused.stderr and impostor.url in refused.stderr
        conn = connect(StudioPaths.at(data_dir).database)
        rows = conn.execute("SELECT receiver_id, address FROM receivers").fetchall()
        assert [(r["receiver_id"], r["address"]) for r in rows] == [(identity["id"], real.url)]
        # the officer says the receiver moved: reset at the device, then --replace repoints it
        impostor.kill()
        subprocess.run([sys.executable, "-m", "crs_receiver", "reset-pairing", "--data-dir", str(impostor_dir)],
                       check=True, capture_output=True, timeout=60)
        impostor.start()
        run(data_dir, "receivers", "add", impostor.url, "--code", impostor.code, "--zone", "Thôn 1", "--replace")
        rows = conn.execute("SELECT receiver_id, address FROM receivers").fetchall()
        assert [(r["receiver_id"], r["address"]) for r in rows] == [(identity["id"], impostor.url)]
    finally:
        real.kill()
        impostor.kill()
