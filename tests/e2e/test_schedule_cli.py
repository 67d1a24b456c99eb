"""Accounts, zones, programmes, approval and the schedule through `radio-studio`."""

from __future__ import annotations

import json

from studio.audio import synthetic
from tests.support.cli import run, run_input
from tests.support.tools import write_audio


def test_from_clips_to_an_approved_checked_schedule(tmp_path, data_dir):
    clips = [run(data_dir, "import", str(write_audio(tmp_path / f"tin{n}.wav", synthetic.speech_like(8.0, seed=n),
                                                     subtype="PCM_16"))).stdout.strip() for n in range(2)]
    run_input(data_dir, "matkhau-quantri\n", "users", "add", "quantri", "--role", "admin", "--password-stdin")
    run_input(data_dir, "matkhau-chutich\nmatkhau-quantri\n", "users", "add", "chutich", "--role", "approver",
              "--by", "quantri", "--password-stdin")
    run_input(data_dir, "matkhau-bientap\nsai-mat-khau\n", "users", "add", "bientap", "--role", "editor",
              "--by", "quantri", "--password-stdin", expect=1)

    run(data_dir, "zones", "add", "Thôn 1", "--window", "2-6@05:30-06:30", "--window", "17:00-18:00",
        "--max-sessions", "2", "--max-minutes", "15", "--no-weekends")
    run(data_dir, "zones", "add", "Làng Kon Klor", "--language", "bahnar", "--kind", "village")
    listing = run(data_dir, "zones").stdout
    assert "2-6@05:30-06:30 17:00-18:00 / Thôn 1" in listing and "bahnar" in listing  # the days, as typed
    assert "not HH:MM" in run(data_dir, "zones", "add", "Thôn 2", "--window", "sáng sớm", expect=1).stderr
    assert "already exists" in run(data_dir, "zones", "add", "Thôn 1", expect=1).stderr

    programme = run(data_dir, "programmes", "create", "Bản tin sáng", "--item", clips[0], "--item",
                    "jingle:chuong-bao", "--item", f"{clips[1]},bahnar={clips[0]}", "--intro", "chuong-mo-dau"
                    ).stdout.strip()
    assert "draft" in run(data_dir, "programmes").stdout
    slot = run(data_dir, "schedule", "add", programme, "--zone", "Thôn 1", "--zone", "Làng Kon Klor",
               "--at", "2026-12-01T05:45", "--rrule", "FREQ=DAILY;COUNT=7", "--except", "2026-12-03").stdout.strip()
    run(data_dir, "schedule", "add", programme, "--zone", "Thôn 1", "--at", "2026-12-01T21:00", "--priority",
        "emergency", "--hard")

    plan = json.loads(run(data_dir, "schedule", "plan", "--from", "2026-12-01", "--to", "2026-12-07",
                          "--json").stdout)
    kinds = sorted({w["kind"] for w in plan["warnings"]})
    assert kinds == ["emergency without approval", "not approved", "weekend"]
    assert len(plan["occurrences"]) == 6 * 2 + 1
    first = plan["occurrences"][0]
    assert first["start"] == "2026-12-01T05:45:00+07:00" and first["language"] in ("vi", "bahnar")

    run(data_dir, "programmes", "submit", programme)
    run_input(data_dir, "sai-mat-khau\n", "programmes", "approve", programme, "--user", "chutich",
              "--password-stdin", expect=1)
    approved = run_input(data_dir, "matkhau-chutich\n", "programmes", "approve", programme, "--user", "chutich",
                         "--password-stdin", "--comment", "Đồng ý phát")
    assert "approved by chutich" in approved.stdout
    shown = run(data_dir, "programmes", "show", programme).stdout
    assert "[approved]" in shown and "chutich: approve" in shown and "duration (bahnar)" in shown

    text = run(data_dir, "schedule", "plan", "--from", "2026-12-01", "--to", "2026-12-07").stdout
    assert "not approved" not in text and "weekend" in text and "13 occurrences" in text

    # An edit to a clip it plays returns the approved programme to draft.
    run(data_dir, "edit", clips[0], "--gain", "-2")
    assert "not approved" in run(data_dir, "schedule", "plan", "--from", "2026-12-01", "--to", "2026-12-01").stdout
    assert "draft" in run(data_dir, "programmes").stdout

    run(data_dir, "schedule", "move", slot, "--at", "2026-12-01T17:10")
    moved = run(data_dir, "schedule", "plan", "--from", "2026-12-01", "--to", "2026-12-02").stdout
    assert "2026-12-01 17:10:00" in moved
    ics = tmp_path / "lich.ics"
    run(data_dir, "schedule", "ics", "--out", str(ics))
    content = ics.read_text(encoding="utf-8")
    assert content.count("BEGIN:VEVENT") == 2 and "RRULE:FREQ=DAILY;COUNT=7" in content
    assert "no zone Thôn 9" in run(data_dir, "schedule", "add", programme, "--zone", "Thôn 9", "--at",
                                   "2026-12-01T06:00", expect=1).stderr
    assert "rrule" in run(data_dir, "schedule", "add", programme, "--zone", "Thôn 1", "--at", "2026-12-01T06:00",
                          "--rrule", "FREQ=SOMETIMES", expect=1).stderr
    run(data_dir, "schedule", "plan", "--from", "2026-12-07", "--to", "2026-12-01", expect=1)
