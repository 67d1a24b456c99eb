"""Reports from what really played: four real receivers on loopback play a short scheduled
programme — one normally, one interrupted by an emergency play-now, one down through its
time (missed), one with its media corrupted on its card (failed) — and the statistics of
the day are exactly what their own play logs say; the CLI writes the same figures."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.audio.settings import OutputFormat, RenderSettings
from studio.fleet.client import ReceiverClient
from studio.fleet.delivery import deliver_until_idle, pull_playlog
from studio.fleet.keys import StudioKey
from studio.fleet.publish import publish
from studio.fleet.status import check_status
from studio.library import now_utc
from studio.programmes.model import Item, Spec
from studio.programmes.render import render_all
from studio.programmes.workflow import Programmes
from studio.rendering import Renderer
from studio.reports.statistics import Scope, compute
from studio.schedule.slots import Slots, StartMode
from studio.schedule.zones import Policy, ZoneKind, Zones
from tests.support.cli import run
from tests.support.receiver import Receiver, playlog_of
from tests.support.tools import wait_for, write_audio

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def fleet(library, tmp_path):
    receivers = [Receiver(tmp_path / name).start() for name in ("normal", "emergency", "down", "corrupt")]
    yield dict(zip(("normal", "emergency", "down", "corrupt"), receivers))
    for receiver in receivers:
        receiver.kill()


def seconds(entry: dict) -> float:
    if not entry.get("started"):
        return 0.0
    return (datetime.fromisoformat(entry["ended"]) - datetime.fromisoformat(entry["started"])).total_seconds()


def test_statistics_match_what_the_receivers_played(library, tmp_path, fleet, data_dir):
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    approver = accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    clip = library.import_file(write_audio(tmp_path / "tin.wav", synthetic.speech_like(40.0, seed=3),
                                           subtype="PCM_16")).clip.id
    alarm = library.import_file(write_audio(tmp_path / "bao-dong.wav", synthetic.speech_like(1.5, seed=4),
                                            subtype="PCM_16")).clip.id
    programmes = Programmes(library, accounts)
    programme = programmes.create("Tiêm chủng mở rộng", Spec((Item(clip=clip),)), admin)
    health = library.conn.execute("SELECT id FROM programme_categories WHERE name = 'Y tế'").fetchone()[0]
    library.conn.execute("UPDATE programmes SET category_id = ? WHERE id = ?", (health, programme.id))
    render = render_all(programmes)
    programmes.submit(programme.id, admin, render, RenderSettings().cache_fields())
    programmes.approve(programme.id, approver, render, RenderSettings().cache_fields())
    village = Zones(library.conn, accounts).add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy())
    key = StudioKey(library.paths.keys_dir)
    for name, receiver in fleet.items():
        paired = ReceiverClient(receiver.url, key).pair(receiver.code, "UBND xã")
        library.conn.execute("INSERT INTO receivers (receiver_id, name, address, zone_id, paired_at) VALUES (?,?,?,?,?)",
                             (paired["receiver_id"], name, receiver.url, village.id, now_utc()))
    rows = {row["name"]: row for row in library.conn.execute("SELECT * FROM receivers")}
    start = datetime.now(VIETNAM).replace(tzinfo=None, microsecond=0) + timedelta(seconds=20)
    Slots(library.conn, accounts).add(programme.id, [village.id], start, admin, start_mode=StartMode.HARD)
    assert publish(library, "test", days=2).items == 4
    assert deliver_until_idle(library, key, timeout_s=30) == 0
    for row in rows.values():
        assert check_status(library, key, row, (2.0, 3.0))
    # the card of one receiver went bad: its copy of the programme cannot be decoded
    (item,) = json.loads((fleet["corrupt"].folder / "manifest.json").read_text())["items"]
    for sha in item["media"]:
        (fleet["corrupt"].folder / "media" / sha).write_bytes(b"\x00garbage" * 4000)
    # one receiver is down through the programme's time
    fleet["down"].kill()
    assert not check_status(library, key, rows["down"], (0.5, 1.0))
    # an emergency interrupts the programme on another
    emergency = ReceiverClient(fleet["emergency"].url, key, rows["emergency"]["receiver_id"])
    result = Renderer(library).render_clip(alarm, OutputFormat.OPUS, RenderSettings())
    emergency.upload(result.media_path, result.output_sha256)
    wait_for(lambda: (emergency.status().get("now_playing") or {}).get("item") == item["id"], 60,
             "programme playing")
    # (the file-backed test speakers take samples faster than real time: no waiting here)
    emergency.play_now([result.output_sha256])
    end = datetime.fromisoformat(item["start"]) + timedelta(seconds=item["duration_s"] + 1)
    wait_for(lambda: datetime.now(VIETNAM) > end and len(playlog_of(fleet["normal"])) == 1
             and len(playlog_of(fleet["emergency"])) == 2 and len(playlog_of(fleet["corrupt"])) == 1, 60, "play logs")
    fleet["down"].start()  # back after the programme's time: it logs it missed
    wait_for(lambda: len(playlog_of(fleet["down"])) == 1, 30, "missed entry")
    assert check_status(library, key, rows["down"], (2.0, 3.0))
    for row in rows.values():
        pull_playlog(library, key, library.conn.execute("SELECT * FROM receivers WHERE id = ?",
                                                        (row["id"],)).fetchone())

    logs = {name: playlog_of(receiver) for name, receiver in fleet.items()}
    assert [e["outcome"] for e in logs["normal"]] == ["played"]
    assert [e["outcome"] for e in logs["emergency"]] == ["interrupted", "played"]
    assert [e["outcome"] for e in logs["down"]] == ["missed"]
    assert [e["outcome"] for e in logs["corrupt"]] == ["failed"]

    today = datetime.now(VIETNAM).date()
    now = library.clock.utc_now()
    report = compute(library.conn, Scope(today, today), now)
    programme_hours = max(round(seconds(e), 3) for log in logs.values() for e in log if e["item"] == item["id"])
    emergency_hours = round(seconds(logs["emergency"][1]), 3)
    assert report.sessions == 2 and report.emergencies == 1
    assert report.hours == pytest.approx((programme_hours + emergency_hours) / 3600, abs=1e-9)
    assert report.speaker_hours == pytest.approx(
        sum(round(seconds(e), 3) for log in logs.values() for e in log) / 3600, abs=1e-9)
    assert (report.planned, report.played) == (4, 1)
    assert report.differences == {"interrupted": 1, "missed": 1, "failed": 1}
    assert report.hours_by_month_category == {(today.strftime("%Y-%m"), "Y tế"):
                                              pytest.approx(programme_hours / 3600, abs=1e-9),
                                              (today.strftime("%Y-%m"), ""):
                                              pytest.approx(emergency_hours / 3600, abs=1e-9)}
    assert [(f.receiver, f.outcome, f.reason) for f in report.faults] == [("corrupt", "failed", "corrupt")]  # the reason: its file no longer had its SHA-256
    availability = {r.name: r.availability for r in report.receivers}
    assert availability["normal"] == availability["emergency"] == availability["corrupt"] == 1.0
    # online from pairing, offline when it did not answer, online again: the share of the day so far
    first_at, down_at, back_at = [datetime.fromisoformat(r[0]) for r in library.conn.execute(
        "SELECT at FROM receiver_availability WHERE receiver = ? ORDER BY at", (rows["down"]["id"],))]
    online = (down_at - first_at) + (now - back_at)
    assert availability["down"] == pytest.approx(online / (now - first_at), abs=1e-9)
    assert availability["down"] < 1

    # the CLI says the same, in the documented JSON
    out = tmp_path / "bao-cao.json"
    printed = run(data_dir, "report", "--from", today.isoformat(), "--to", today.isoformat(), "--zone", "Thôn 1",
                  "--out", str(out)).stdout
    assert "2 sessions" in printed and "planned 4, played 1" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["planned_vs_played"]["differences"] == {"failed": 1, "interrupted": 1, "missed": 1}
    assert data["totals"]["sessions"] == 2 and data["totals"]["emergencies"] == 1
    assert 0 < [r for r in data["receivers"] if r["name"] == "down"][0]["availability"] < 1
    pdf = tmp_path / "nam.pdf"
    assert "2 sessions" in run(data_dir, "report", "yearly", "--year", str(today.year), "--out", str(pdf)).stdout
    assert pdf.read_bytes().startswith(b"%PDF")
