"""A publish shows what it changes before it changes anything (issue 14, defect 1): a
fade-in edit returns a programme to draft, and the next publish would empty the villages'
schedules. Through the CLI and real receivers on loopback: it names the programme and why,
exits 1 and queues nothing; with --yes it queues. The preview's numbers (added, removed,
kept, minutes) are checked against the manifests the receivers really hold."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.audio.edits import EditList
from studio.audio.settings import RenderSettings
from studio.fleet.client import ReceiverClient
from studio.fleet.delivery import deliver_until_idle
from studio.fleet.keys import StudioKey
from studio.fleet.publish import publish
from studio.fleet.publish_preview import Removal, preview_publish
from studio.fleet.repository import FleetRepository
from studio.library import now_utc
from studio.programmes.approval_status import Why
from studio.programmes.model import Item, Spec
from studio.programmes.render import render_all
from studio.programmes.workflow import Programmes
from studio.schedule.slots import Slots
from studio.schedule.zones import Policy, ZoneKind, Zones
from tests.support.cli import run, run_input
from tests.support.receiver import Receiver
from tests.support.tools import write_audio


def _soon(hours: float) -> datetime:
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None, second=0, microsecond=0) + timedelta(
        hours=hours)


@pytest.fixture
def fleet(tmp_path):
    receivers = [Receiver(tmp_path / f"rx{n}").start() for n in range(3)]
    yield receivers
    for receiver in receivers:
        receiver.kill()


def test_cli_refuses_a_publish_that_removes_broadcasts_and_says_why(tmp_path, data_dir, fleet):
    clip = run(data_dir, "import", str(write_audio(tmp_path / "tiem.wav", synthetic.speech_like(3.0, seed=4),
                                                   subtype="PCM_16")), "--title", "Thông báo tiêm chủng"
               ).stdout.strip()
    run_input(data_dir, "matkhau-quantri\n", "users", "add", "quantri", "--role", "admin", "--password-stdin")
    run_input(data_dir, "matkhau-chutich\nmatkhau-quantri\n", "users", "add", "chutich", "--role", "approver",
              "--by", "quantri", "--password-stdin")
    run(data_dir, "zones", "add", "Thôn 1")
    programme = run(data_dir, "programmes", "create", "Bản tin sáng", "--item", clip).stdout.strip()
    run(data_dir, "programmes", "submit", programme)
    run_input(data_dir, "matkhau-chutich\n", "programmes", "approve", programme, "--user", "chutich",
              "--password-stdin")
    for receiver in fleet[:2]:
        run(data_dir, "receivers", "add", receiver.url, "--code", receiver.code, "--zone", "Thôn 1")
    run(data_dir, "schedule", "add", programme, "--zone", "Thôn 1", "--at", _soon(1).isoformat(), "--rrule",
        "FREQ=DAILY;COUNT=2")
    first = run(data_dir, "publish", "--days", "3")  # nothing held yet: nothing removed
    assert "2 receivers, 4 items" in first.stdout and "+2 (" in first.stdout
    run(data_dir, "deliver", "--until-idle", "--timeout", "60")

    edited = run(data_dir, "edit", clip, "--fade-in", "0.5")  # returns the programme to draft (correct), and says so
    assert 'need approval again before they are broadcast: "Bản tin sáng"' in edited.stderr
    assert "draft" in run(data_dir, "programmes").stdout
    refused = run(data_dir, "publish", "--days", "3", expect=1)
    assert "Bản tin sáng" in refused.stdout and "Thông báo tiêm chủng" in refused.stdout
    assert "not approved again after clip" in refused.stdout and "-2 (" in refused.stdout
    assert "--yes" in refused.stderr and "nothing queued" in refused.stderr
    assert "0 pending" in run(data_dir, "outbox").stdout
    for receiver in fleet[:2]:  # the loudspeakers keep their schedule
        assert len(json.loads((receiver.folder / "manifest.json").read_text())["items"]) == 2

    forced = run(data_dir, "publish", "--days", "3", "--yes")
    assert "2 receivers, 0 items" in forced.stdout
    assert "2 pending" in run(data_dir, "outbox").stdout
    with sqlite3.connect(data_dir / "studio.db") as conn:  # who confirmed the removal, and what it removed
        (detail,) = [json.loads(r[0]) for r in conn.execute(
            "SELECT detail_json FROM audit_log WHERE action = 'publish-removing'")]
    assert [(r["why"], r["occurrences"]) for r in detail["removed"]] == [("clip edited", 2)]


def test_preview_counts_against_what_the_receivers_hold(library, tmp_path, fleet):
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    approver = accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    programmes = Programmes(library, accounts)
    settings = RenderSettings().cache_fields()

    def approved_programme(title: str, seconds: float, seed: int, clip_title: str):
        clip = library.import_file(write_audio(tmp_path / f"{seed}.wav", synthetic.speech_like(seconds, seed=seed),
                                               subtype="PCM_16")).clip.id
        library.rename(clip, clip_title)
        programme = programmes.create(title, Spec((Item(clip=clip),)), admin)
        programmes.submit(programme.id, admin, render_all(programmes), settings)
        programmes.approve(programme.id, approver, render_all(programmes), settings)
        return programme.id, clip

    news, _ = approved_programme("Bản tin sáng", 3.0, 1, "Tin thời sự")
    notice, notice_clip = approved_programme("Thông báo", 6.0, 2, "Thông báo tiêm chủng")
    zones = Zones(library.conn, accounts)
    village = zones.add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy())
    hamlet = zones.add("Thôn 2", admin, ZoneKind.VILLAGE, "vi", Policy())
    slots = Slots(library.conn, accounts)
    slots.add(news, [village.id], _soon(1), admin, "FREQ=DAILY;COUNT=2")
    slots.add(notice, [village.id, hamlet.id], _soon(2), admin, "FREQ=DAILY;COUNT=2")
    key = StudioKey(library.paths.keys_dir)
    for receiver, zone in zip(fleet, (village, village, hamlet)):
        paired = ReceiverClient(receiver.url, key).pair(receiver.code, "UBND xã")
        library.conn.execute("INSERT INTO receivers (receiver_id, name, address, zone_id, paired_at) VALUES (?,?,?,?,?)",
                             (paired["receiver_id"], receiver.folder.name, receiver.url, zone.id, now_utc()))
    publish(library, "test", days=3)
    assert deliver_until_idle(library, key, timeout_s=60) == 0
    held = {r.folder.name: json.loads((r.folder / "manifest.json").read_text()) for r in fleet}

    library.set_edits(notice_clip, EditList(fade_in=0.5))  # "Thông báo" returns to draft
    extra, _ = approved_programme("Nhạc", 4.0, 3, "Bài hát")
    slots.add(extra, [village.id], _soon(3), admin)
    preview = preview_publish(library, days=3)

    def minutes(items) -> float:
        return round(sum(i["duration_s"] for i in items) / 60, 3)

    by_name = {change.name: change for change in preview.receivers}
    for name in ("rx0", "rx1"):
        change = by_name[name]
        kept = [i for i in held[name]["items"] if i["id"].startswith(f"s1-z{village.id}-")]
        removed = [i for i in held[name]["items"] if i["id"].startswith(f"s2-z{village.id}-")]
        assert len(kept) == 2 and len(removed) == 2
        assert (change.kept.occurrences, change.removed.occurrences, change.added.occurrences) == (2, 2, 1)
        assert change.kept.minutes == pytest.approx(minutes(kept)) == pytest.approx(2 * 3.0 / 60, abs=0.002)
        assert change.removed.minutes == pytest.approx(minutes(removed)) == pytest.approx(2 * 6.0 / 60, abs=0.002)
        assert change.added.minutes == pytest.approx(4.0 / 60, abs=0.002)
        assert change.held_version == held[name]["version"]
    lone = by_name["rx2"]
    assert (lone.kept.occurrences, lone.removed.occurrences, lone.added.occurrences) == (0, 2, 0)
    assert lone.removed.minutes == pytest.approx(minutes(held["rx2"]["items"]))

    assert preview.needs_confirmation
    assert [(g.zone, g.title, g.reason, g.why, g.occurrences) for g in preview.removed] == [
        ("Thôn 1", "Thông báo", Removal.NOT_APPROVED, Why.CLIP_EDITED, 2),
        ("Thôn 2", "Thông báo", Removal.NOT_APPROVED, Why.CLIP_EDITED, 2)]
    assert [c.title for c in preview.removed[0].clips] == ["Thông báo tiêm chủng"]
    # Thôn 2 hears nothing in the next 24 h any more; Thôn 1 still has "Bản tin sáng"
    assert [(z.zone, z.occurrences_before) for z in preview.silent_zones] == [("Thôn 2", 1)]
    # a preview queues nothing
    assert FleetRepository(library.conn).pending() == []

    library.delete(notice_clip)  # the trash is a reason of its own
    trashed = preview_publish(library, days=3)
    assert {(g.why, tuple(c.title for c in g.clips)) for g in trashed.removed} == {
        (Why.CLIP_TRASHED, ("Thông báo tiêm chủng",))}
