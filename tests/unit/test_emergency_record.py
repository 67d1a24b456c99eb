"""The emergency record and its rules, without a network: who may send one, how long it
stays valid, what a receiver's state reads as once it has expired, and a publish that
sends an unapproved emergency slot saying in the audit log who decided it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.clock import ManualClock
from studio.errors import AccessDenied, InvalidPreference, NoReceivers, ReasonRequired
from studio.fleet.emergency import Authority, Emergencies, TargetState, authorize
from studio.fleet.publish import publish
from studio.library import now_utc
from studio.programmes.model import Item, Spec
from studio.programmes.workflow import Programmes
from studio.schedule.slots import Priority, Slots, StartMode
from studio.schedule.zones import Policy, ZoneKind, Zones
from tests.support.tools import write_audio


@pytest.fixture
def accounts(library):
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    accounts.add("bientap", "matkhau-bientap", Role.EDITOR, by=admin)
    return accounts


def test_an_approver_alone_an_editor_only_with_a_reason(accounts):
    assert authorize(accounts, "chutich", "matkhau-chutich", None) == Authority("chutich", "chutich", None)
    assert authorize(accounts, "bientap", "matkhau-bientap", " lũ quét ") == Authority("bientap", None, "lũ quét")
    with pytest.raises(ReasonRequired):
        authorize(accounts, "bientap", "matkhau-bientap", "   ")
    with pytest.raises(AccessDenied):
        authorize(accounts, "chutich", "sai", None)


def _receiver(library, name: str, zone_id: int) -> int:
    return library.conn.execute(
        "INSERT INTO receivers (receiver_id, name, address, zone_id, paired_at) VALUES (?,?,?,?,?)",
        (f"id-{name}", name, "http://127.0.0.1:9", zone_id, now_utc())).lastrowid


def test_validity_bounds_no_receivers_and_expiry_read_from_the_record(library, accounts):
    zone = Zones(library.conn, accounts).add("Thôn 1", accounts.get("quantri"), ZoneKind.VILLAGE, "vi", Policy())
    clock = ManualClock(datetime(2026, 12, 2, 4, 0, tzinfo=UTC))
    emergencies = Emergencies(library.conn, clock)
    who = Authority("chutich", "chutich", None)
    with pytest.raises(NoReceivers):
        emergencies.create(1, "a" * 64, ["Thôn 1"], [], who)
    receiver = _receiver(library, "Loa 1", zone.id)
    for bad in (0, -5, 24 * 60 + 1):
        with pytest.raises(InvalidPreference):
            emergencies.create(1, "a" * 64, ["Thôn 1"], [receiver], who, valid_min=bad)
    library.conn.execute("PRAGMA foreign_keys=OFF")  # no clip needed for the record's rules
    emergency = emergencies.create(1, "a" * 64, ["Thôn 1"], [receiver], who, valid_min=10)
    assert emergency.valid_until == "2026-12-02T04:10:00.000+00:00"
    assert emergencies.waiting_receivers() == {receiver}
    clock.advance(10 * 60)
    assert [t.state for t in emergencies.targets(emergency.id)] == [TargetState.EXPIRED]  # read as expired
    assert emergencies.waiting_receivers() == set() and emergencies.pending_for(receiver) == []
    assert emergencies.expire_due() == [(emergency.id, receiver, "Loa 1")]  # and written, once
    assert emergencies.expire_due() == []
    assert [a.action for a in accounts.history("emergency", emergency.id)] == ["emergency", "emergency-expired"]


def test_publishing_an_unapproved_emergency_slot_records_who_decided_it(library, accounts, tmp_path):
    editor = accounts.get("bientap")
    clip = library.import_file(write_audio(tmp_path / "lu.wav", synthetic.speech_like(2.0, seed=4),
                                           subtype="PCM_16")).clip.id
    programme = Programmes(library, accounts).create("Cảnh báo lũ", Spec((Item(clip=clip),)), editor)
    zone = Zones(library.conn, accounts).add("Thôn 1", editor, ZoneKind.VILLAGE, "vi", Policy())
    _receiver(library, "Loa 1", zone.id)
    start = library.clock.local_now().replace(microsecond=0) + timedelta(hours=1)
    slot = Slots(library.conn, accounts).add(programme.id, [zone.id], start, editor, priority=Priority.EMERGENCY,
                                             start_mode=StartMode.HARD)
    result = publish(library, "cli:canbo", days=2)
    assert result.items == 1  # sent although not approved (Thông tư 39)
    (entry,) = [a for a in accounts.history("slot", slot.id) if a.action == "publish-unapproved-emergency"]
    assert entry.username == "cli:canbo"
    assert entry.detail == {"publish": result.publish_id, "programme": programme.id, "scheduled_by": "bientap"}
