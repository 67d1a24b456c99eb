"""A relay programme through the real publish compiler (real SQLite, real render), on a
fixed clock: approved and scheduled, it becomes a manifest item of kind "stream" with its
URL, its duration, the render target as its loudness, and its backup (the chime) as media;
the receiver's manifest check accepts the queued manifest."""

from __future__ import annotations

from datetime import datetime

from crs_protocol import check_manifest

from studio.accounts.store import Accounts, Role
from studio.audio.settings import RenderSettings
from studio.clock import VIETNAM, ManualClock
from studio.fleet.publish import compile_publish
from studio.programmes.model import Spec, parse_items
from studio.programmes.render import render_all
from studio.programmes.workflow import Programmes
from studio.schedule.slots import Slots
from studio.schedule.zones import Policy, ZoneKind, Zones

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=VIETNAM)
SETTINGS = RenderSettings().cache_fields()
URL = "http://radio.example.vn/vov1.mp3"


def test_a_scheduled_relay_is_published_as_a_stream_item(library):
    library.clock = ManualClock(NOW)
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    approver = accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    programmes = Programmes(library, accounts)
    programme = programmes.create("Tiếp sóng VOV1", Spec(parse_items([f"stream:{URL}"], 1800)), admin)
    programmes.submit(programme.id, admin, render_all(programmes), SETTINGS)
    programmes.approve(programme.id, approver, render_all(programmes), SETTINGS)
    zone = Zones(library.conn, accounts).add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy())
    library.conn.execute("INSERT INTO receivers (receiver_id, name, address, zone_id, paired_at) VALUES (?,?,?,?,?)",
                         ("rx-1", "Loa", "http://127.0.0.1:9", zone.id, "2026-11-01T00:00:00.000+00:00"))
    Slots(library.conn, accounts).add(programme.id, [zone.id], datetime(2026, 12, 1, 17, 0), admin)
    compiled = compile_publish(library, days=2)
    ((_, items),) = compiled.items.items()
    (item,) = items
    assert {k: item[k] for k in ("kind", "url", "duration_s", "loudness_lufs")} == {
        "kind": "stream", "url": URL, "duration_s": 1800.0, "loudness_lufs": -16.0}
    assert len(item["media"]) == 1  # the backup chime
    assert item["start"] == "2026-12-01T17:00:00+07:00"
    check_manifest({"version": 1, "receiver_id": "rx-1", "items": items})
