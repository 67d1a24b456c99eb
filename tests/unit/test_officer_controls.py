"""What the window's everyday controls ask of the core, on a real SQLite database:
accounts managed by an admin (role, password, disable; the last admin stays), a slot edited
as a whole or one occurrence left out, a zone edited or deleted — each in the audit log."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from studio.accounts.store import Accounts, Role
from studio.errors import AccessDenied, LastAdmin, ZoneInUse
from studio.programmes.model import Item, Spec
from studio.programmes.workflow import Programmes
from studio.schedule.planner import expand
from studio.schedule.slots import Priority, Slots, StartMode
from studio.schedule.zones import Policy, ZoneKind, Zones, parse_window


def test_an_admin_manages_accounts_and_the_last_admin_stays(library):
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    editor = accounts.add("bientap", "matkhau-bientap", Role.EDITOR, by=admin)
    with pytest.raises(AccessDenied):
        accounts.set_role("bientap", Role.ADMIN, by=editor)
    assert accounts.set_role("bientap", Role.APPROVER, by=admin).role is Role.APPROVER
    accounts.set_password("bientap", "mat-khau-moi", by=admin)
    with pytest.raises(AccessDenied):
        accounts.authenticate("bientap", "matkhau-bientap")
    assert accounts.authenticate("bientap", "mat-khau-moi").username == "bientap"
    accounts.set_disabled("bientap", True, by=admin)
    with pytest.raises(AccessDenied):
        accounts.authenticate("bientap", "mat-khau-moi")
    assert accounts.set_disabled("bientap", False, by=admin).disabled is False
    with pytest.raises(LastAdmin):
        accounts.set_disabled("quantri", True, by=admin)
    with pytest.raises(LastAdmin):
        accounts.set_role("quantri", Role.EDITOR, by=admin)
    actions = [e.action for e in accounts.history("user", editor.id)]
    assert actions == ["set-role", "reset-password", "disable-user", "enable-user"]
    assert all(e.username == "quantri" for e in accounts.history("user", editor.id))


def test_a_slot_is_edited_whole_and_one_occurrence_left_out(library, tmp_path, speech_wav):
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    clip = library.import_file(speech_wav).clip.id
    programmes = Programmes(library)
    first = programmes.create("Bản tin", Spec((Item(clip=clip),)), admin)
    second = programmes.create("Thông báo", Spec((Item(clip=clip),)), admin)
    zones = Zones(library.conn)
    one, two = zones.add("Thôn 1", admin).id, zones.add("Thôn 2", admin).id
    slots = Slots(library.conn)
    slot = slots.add(first.id, [one], datetime(2026, 11, 30, 6, 0), admin, "FREQ=DAILY;COUNT=7")
    edited = slots.update(slot.id, admin, second.id, [one, two], datetime(2026, 11, 30, 17, 0), "FREQ=DAILY;COUNT=3",
                          Priority.PRIORITY, StartMode.HARD, 10.0, 2)
    assert (edited.programme_id, edited.zone_ids, edited.start, edited.priority, edited.start_mode,
            edited.length_min, edited.sequence) == (second.id, (one, two), datetime(2026, 11, 30, 17, 0),
                                                    Priority.PRIORITY, StartMode.HARD, 10.0, 2)
    skipped = slots.skip(slot.id, datetime(2026, 12, 1, 17, 0), admin)
    assert expand(skipped, date(2026, 11, 30), date(2026, 12, 6), {}) == [
        datetime(2026, 11, 30, 17, 0), datetime(2026, 12, 2, 17, 0)]
    history = accounts.history("slot", slot.id)
    assert [e.action for e in history] == ["add-slot", "update-slot", "skip-occurrence"]
    assert history[1].detail["from"]["programme"] == first.id and history[1].detail["to"]["zones"] == [one, two]


def test_a_zone_is_edited_and_only_an_unused_one_deleted(library, speech_wav):
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    zones = Zones(library.conn)
    zone = zones.add("Thôn 1", admin)
    rules = Policy((parse_window("2-6@05:30-06:30"),), max_sessions_per_day=2, weekends=False)
    changed = zones.update(zone.id, admin, "Thôn Một", ZoneKind.RESIDENTIAL_GROUP, "bahnar", rules)
    assert (changed.name, changed.kind, changed.language, changed.policy) == (
        "Thôn Một", ZoneKind.RESIDENTIAL_GROUP, "bahnar", rules)
    clip = library.import_file(speech_wav).clip.id
    programme = Programmes(library).create("Bản tin", Spec((Item(clip=clip),)), admin)
    slots = Slots(library.conn)
    slot = slots.add(programme.id, [zone.id], datetime(2026, 11, 30, 6, 0), admin)
    with pytest.raises(ZoneInUse) as raised:
        zones.remove(zone.id, admin)
    assert raised.value.slots == 1 and raised.value.receivers == 0
    slots.remove(slot.id, admin)
    zones.remove(zone.id, admin)
    assert zones.all() == []
    assert [e.action for e in accounts.history("zone", zone.id)] == ["add-zone", "update-zone", "remove-zone"]
