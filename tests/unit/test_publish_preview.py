"""The publish preview's reasons, on a fixed clock (the receivers' side is covered by
tests/e2e/test_publish_preview.py): a publish that changes nothing asks nothing; a removed
slot, a shorter publish, an edited, rejected or waiting programme each say so; the
programmes a clip change would send back to draft are the approved ones still matching."""

from __future__ import annotations

from datetime import datetime

import pytest

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.audio.edits import EditList
from studio.audio.settings import RenderSettings
from studio.clock import VIETNAM, ManualClock
from studio.fleet.publish import publish
from studio.fleet.publish_preview import Removal, preview_publish
from studio.fleet.repository import FleetRepository
from studio.programmes.approval_status import Why, needing_approval_again, why_not_approved
from studio.programmes.model import Item, Spec
from studio.programmes.render import render_all
from studio.programmes.workflow import Programmes
from studio.schedule.slots import Slots
from studio.schedule.zones import Policy, ZoneKind, Zones
from tests.support.tools import write_audio

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=VIETNAM)
SETTINGS = RenderSettings().cache_fields()


@pytest.fixture
def studio(library, tmp_path):
    library.clock = ManualClock(NOW)
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    approver = accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    programmes = Programmes(library, accounts)
    clip = library.import_file(write_audio(tmp_path / "tin.wav", synthetic.speech_like(2.0, seed=3),
                                           subtype="PCM_16")).clip.id
    programme = programmes.create("Bản tin sáng", Spec((Item(clip=clip),)), admin)
    programmes.submit(programme.id, admin, render_all(programmes), SETTINGS)
    programmes.approve(programme.id, approver, render_all(programmes), SETTINGS)
    zone = Zones(library.conn, accounts).add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy())
    library.conn.execute("INSERT INTO receivers (receiver_id, name, address, zone_id, paired_at) VALUES (?,?,?,?,?)",
                         ("rx-1", "Loa", "http://127.0.0.1:9", zone.id, "2026-11-01T00:00:00.000+00:00"))
    slot = Slots(library.conn, accounts).add(programme.id, [zone.id], datetime(2026, 12, 1, 17, 0), admin,
                                             "FREQ=DAILY")
    result = publish(library, "test", days=3)  # 17:00 on 1, 2 and 3 December
    repository = FleetRepository(library.conn, library.clock)
    (delivery,) = repository.pending()
    repository.mark_delivered(delivery["id"], delivery["receiver"], result.publish_id, 0)
    return library, accounts, admin, approver, programmes, programme, clip, slot


def test_nothing_changed_asks_nothing(studio):
    library, *_ = studio
    preview = preview_publish(library, days=3)
    (change,) = preview.receivers
    assert (change.added.occurrences, change.removed.occurrences, change.kept.occurrences) == (0, 0, 3)
    assert change.kept.minutes == pytest.approx(3 * 2.0 / 60, abs=0.002)
    assert not preview.needs_confirmation


def test_a_shorter_publish_and_a_removed_slot_say_so(studio):
    library, accounts, admin, *_, slot = studio
    shorter = preview_publish(library, days=2)
    assert [(g.reason, g.occurrences, g.title) for g in shorter.removed] == [(Removal.BEYOND_DAYS, 1, "Bản tin sáng")]
    Slots(library.conn, accounts).remove(slot.id, admin)
    gone = preview_publish(library, days=3)
    assert [(g.reason, g.occurrences) for g in gone.removed] == [(Removal.UNSCHEDULED, 3)]
    assert [z.zone for z in gone.silent_zones] == ["Thôn 1"]


def test_each_lost_approval_says_why(studio):
    library, accounts, admin, approver, programmes, programme, clip, _ = studio
    assert why_not_approved(programmes, programmes.get(programme.id), SETTINGS) is None
    assert [p.title for p in needing_approval_again(programmes, clip, SETTINGS)] == ["Bản tin sáng"]

    programmes.update(programme.id, admin, title="Bản tin sáng nay")
    edited = preview_publish(library, days=3)
    assert [(g.reason, g.why) for g in edited.removed] == [(Removal.NOT_APPROVED, Why.PROGRAMME_EDITED)]
    assert needing_approval_again(programmes, clip, SETTINGS) == []  # already needs approval again

    programmes.submit(programme.id, admin, render_all(programmes), SETTINGS)
    assert why_not_approved(programmes, programmes.get(programme.id), SETTINGS).why is Why.AWAITING_APPROVAL
    library.set_edits(clip, EditList(gain_db=-2.0))  # changed while it waits
    waiting = why_not_approved(programmes, programmes.get(programme.id), SETTINGS)
    assert waiting.why is Why.CLIP_EDITED and [c.id for c in waiting.clips] == [clip]
    programmes.revalidate(programme.id, SETTINGS)
    programmes.submit(programme.id, admin, render_all(programmes), SETTINGS)
    programmes.reject(programme.id, approver, "Đọc lại đoạn cuối")
    assert why_not_approved(programmes, programmes.get(programme.id), SETTINGS).why is Why.REJECTED

    fresh = programmes.create("Thông báo mới", Spec((Item(clip=clip),)), admin)
    assert why_not_approved(programmes, fresh, SETTINGS).why is Why.NEVER_APPROVED
