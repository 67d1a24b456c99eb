"""The whole path, end to end, through the CLI and real processes: record from the
file-backed microphone, read a notice with the TTS, build a programme, approve it,
schedule it a few seconds ahead, publish, deliver, and the receivers play it at the right
second; the audio captured from their output is exactly the programme's media."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import soundfile as sf

from studio.library import ClipLibrary
from studio.paths import StudioPaths
from studio.storage.database import connect
from tests.support.cli import microphone, run, run_input
from tests.support.receiver import Receiver
from tests.support.tools import require_tool


def test_record_tts_programme_approve_schedule_publish_play(tmp_path, data_dir):
    require_tool("espeak-ng")
    microphone(4.0, seed=9)
    recorded = run(data_dir, "record", "--device", "testmic", "--seconds", "2", "--title", "Lời chào").stdout.strip()
    spoken = run(data_dir, "tts", "say", "Mời bà con đến nhà văn hóa lúc 8h.", "--voice", "aav/vi").stdout.strip()
    run_input(data_dir, "matkhau-quantri\n", "users", "add", "quantri", "--role", "admin", "--password-stdin")
    run_input(data_dir, "matkhau-chutich\nmatkhau-quantri\n", "users", "add", "chutich", "--role", "approver",
              "--by", "quantri", "--password-stdin")
    run(data_dir, "zones", "add", "Thôn 1")
    programme = run(data_dir, "programmes", "create", "Bản tin", "--item", recorded, "--item", spoken,
                    "--gap", "0.5").stdout.strip()
    run(data_dir, "programmes", "submit", programme)
    run_input(data_dir, "matkhau-chutich\n", "programmes", "approve", programme, "--user", "chutich",
              "--password-stdin")
    receivers = [Receiver(tmp_path / f"rx{n}").start() for n in range(2)]
    try:
        for receiver in receivers:
            run(data_dir, "receivers", "add", receiver.url, "--code", receiver.code, "--zone", "Thôn 1")
        at = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None, microsecond=0) + timedelta(seconds=20)
        run(data_dir, "schedule", "add", programme, "--zone", "Thôn 1", "--at", at.isoformat(), "--hard")
        assert "2 receivers, 2 items" in run(data_dir, "publish", "--days", "2").stdout
        run(data_dir, "deliver", "--until-idle", "--timeout", "60")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all((r.folder / "playlog.jsonl").exists() for r in receivers):
            time.sleep(0.2)
        for receiver in receivers:
            (entry,) = [json.loads(line) for line in (receiver.folder / "playlog.jsonl").read_text().splitlines()]
            assert entry["outcome"] == "played"
            # not early; how late a hard start is on an idle machine: python -m benchmarks.receiver
            assert datetime.fromisoformat(entry["started"]) >= datetime.fromisoformat(entry["scheduled"])
        # what came out of each receiver's own output device is the programme's media, back to
        # back, from its first sample (a hard start is never cut short at its head)
        paths = StudioPaths.at(data_dir)
        store = ClipLibrary(paths, connect(paths.database)).store
        for receiver in receivers:
            manifest = json.loads((receiver.folder / "manifest.json").read_text())
            expected = np.concatenate([sf.read(str(store.path_for(sha)), dtype="float32")[0]
                                       for sha in manifest["items"][0]["media"]])
            written = receiver.sound.played()
            lead = int(np.flatnonzero(np.abs(written) > 1e-4)[0])
            first = int(np.flatnonzero(np.abs(expected) > 1e-4)[0])
            got = written[lead - first: lead - first + len(expected)]
            assert len(got) == len(expected)
            np.testing.assert_allclose(got, expected, atol=1e-5)
    finally:
        for receiver in receivers:
            receiver.kill()
