"""`radio-studio receivers volume|stop|resync NAME` against a real receiver process: each
prints its result, changes what the receiver does (read from its own folder and speaker),
and is in the audit log under the operator who ran it, failures included."""

from __future__ import annotations

import getpass
import hashlib
import json
import time

from studio.accounts.store import Accounts
from studio.audio import synthetic
from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from studio.library import ClipLibrary
from studio.paths import StudioPaths
from studio.storage.database import connect
from tests.support.cli import run
from tests.support.outage import HeldSpeaker
from tests.support.receiver import Receiver
from tests.support.tools import write_audio


def audit(data_dir) -> list:
    conn = connect(StudioPaths.at(data_dir).database)
    try:
        return [e for e in Accounts(conn).history() if e.object_kind == "receiver"]
    finally:
        conn.close()


def test_volume_stop_resync_print_their_result_and_are_audited(tmp_path, data_dir):
    receiver = Receiver(tmp_path / "rx0").start()
    try:
        run(data_dir, "zones", "add", "Thôn 1")
        run(data_dir, "receivers", "add", receiver.url, "--code", receiver.code, "--zone", "Thôn 1",
            "--name", "Loa chợ")
        table = run(data_dir, "receivers").stdout
        assert "Loa chợ" in table and "online" in table

        assert run(data_dir, "receivers", "volume", "Loa chợ", "40").stdout.strip() == "Loa chợ: volume 40 %"
        assert json.loads((receiver.folder / "volume.json").read_text()) == {"volume": 40}

        assert run(data_dir, "receivers", "stop", "Loa chợ").stdout.strip() == "Loa chợ: nothing was playing"
        paths = StudioPaths.at(data_dir)
        key = StudioKey(paths.keys_dir)
        library = ClipLibrary(paths, connect(paths.database))
        rid = library.conn.execute("SELECT receiver_id FROM receivers").fetchone()[0]
        client = ReceiverClient(receiver.url, key, rid)
        path = write_audio(tmp_path / "long.wav", synthetic.sine(3.0, 440.0), subtype="PCM_16")
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        client.upload(path, sha)
        speaker = HeldSpeaker(receiver.sound.speaker)  # it stays "now playing" until released
        item = client.play_now([sha])["item"]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (client.status()["now_playing"] or {}).get("item"):
            time.sleep(0.05)
        assert run(data_dir, "receivers", "stop", "Loa chợ").stdout.strip() == f"Loa chợ: stopped {item}"
        speaker.release()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and client.status()["now_playing"] is not None:
            time.sleep(0.05)
        while time.monotonic() < deadline and not client.playlog():  # written just after now_playing clears
            time.sleep(0.05)
        assert [e["outcome"] for e in client.playlog()] == ["interrupted"]

        assert run(data_dir, "receivers", "resync", "Loa chợ").stdout.strip() == "Loa chợ: nothing published yet"
        run(data_dir, "publish", "--days", "2")
        assert run(data_dir, "receivers", "resync", "Loa chợ").stdout.strip() == "Loa chợ: holds schedule 1"
        assert json.loads((receiver.folder / "manifest.json").read_text())["version"] == 1

        receiver.kill()
        failed = run(data_dir, "receivers", "volume", "Loa chợ", "70", expect=1)
        assert "unreachable" in failed.stderr
        assert "not delivered yet" in run(data_dir, "receivers", "resync", "Loa chợ", expect=1).stderr
        library.conn.close()
    finally:
        receiver.kill()

    entries = audit(data_dir)
    who = f"cli:{getpass.getuser()}"
    assert [(e.action, e.detail["outcome"]) for e in entries] == [
        ("receiver-volume", "ok"), ("receiver-stop", "ok"), ("receiver-stop", "ok"), ("receiver-resync", "ok"),
        ("receiver-resync", "ok"), ("receiver-volume", "failed"), ("receiver-resync", "ok")]
    assert {e.username for e in entries} == {who}
    assert entries[0].detail["volume"] == 40 and entries[5].detail["volume"] == 70
