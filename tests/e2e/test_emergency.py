"""Emergencies through real receivers on loopback: the CLI returns at once whatever is
offline and says who is pending; a receiver back within the validity plays it at once
(sound on its device, the emergency in its play log); one back after valid-until does not,
and the record says expired. Sign-in rules: an approver alone, an editor only with a reason."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.audio.settings import OutputFormat
from studio.fleet.client import ReceiverClient
from studio.fleet.delivery import Delivery
from studio.fleet.emergency import Emergencies, TargetState
from studio.fleet.fleet import pair_receiver
from studio.fleet.keys import StudioKey
from studio.library import ClipLibrary
from studio.rendering import Renderer
from studio.schedule.zones import Policy, ZoneKind, Zones
from studio.storage.database import connect
from tests.support import cli
from tests.support.receiver import Receiver
from tests.support.tools import write_audio


def wait_for(predicate, timeout: float, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


@pytest.fixture
def zone_of_three(library, tmp_path):
    """Three paired receivers in "Thôn 1" and a 2-second clip rendered for broadcast."""
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    accounts.add("bientap", "matkhau-bientap", Role.EDITOR, by=admin)
    Zones(library.conn, accounts).add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy())
    receivers = [Receiver(tmp_path / f"rx{n}").start() for n in range(3)]
    key = StudioKey(library.paths.keys_dir)
    for n, receiver in enumerate(receivers):
        pair_receiver(library, key, receiver.url, receiver.code, "Thôn 1", f"Loa {n}")
    clip = library.import_file(write_audio(tmp_path / "bao-bao.wav", synthetic.speech_like(2.0, seed=3),
                                           subtype="PCM_16"), title="Báo bão").clip.id
    Renderer(library).render_clip(clip, OutputFormat.OPUS)  # as after the officer listened to it
    yield receivers, clip, key
    for receiver in receivers:
        receiver.kill()


def played_emergency(receiver: Receiver, key: StudioKey, item_id: str) -> bool:
    client = ReceiverClient(receiver.url, key, timeout=(1.0, 5.0))
    client.identify()
    return any(e["item"] == item_id and e["outcome"] == "played" and e["level_dbfs"] > -60
               for e in client.playlog())


def test_cli_returns_at_once_and_late_receivers_play_only_while_valid(library, data_dir, zone_of_three):
    (online, back_in_time, back_too_late), clip, key = zone_of_three
    back_in_time.kill()
    back_too_late.kill()

    started = time.monotonic()
    proc = cli.run(data_dir, "emergency", str(clip), "--zone", "Thôn 1", "--valid-min", "0.25",
                   "--reason", "bão số 9")
    elapsed = time.monotonic() - started
    # it does not wait for the offline ones (serial sends with 5 s connect timeouts took
    # over 10 s here); the 2 s target itself is measured by benchmarks.emergency, not here
    assert elapsed < 8.0, proc.stdout
    assert "Loa 0: reached" in proc.stdout
    assert "Loa 1: pending (offline" in proc.stdout and "Loa 2: pending (offline" in proc.stdout
    assert "playing on 1 of 3 receivers; 2 pending" in proc.stdout

    (emergency,) = Emergencies(library.conn, library.clock).latest()
    assert emergency.declared_by.startswith("cli:") and emergency.reason == "bão số 9"
    assert wait_for(lambda: online.sound.played_bytes() > 0, 5)
    assert wait_for(lambda: played_emergency(online, key, emergency.item_id), 10)

    paths = library.paths
    engine = Delivery(lambda: ClipLibrary(paths, connect(paths.database)), key, poll_s=0.2)
    engine.start()
    try:
        back_in_time.start()
        came_back = time.monotonic()
        assert wait_for(lambda: back_in_time.sound.played_bytes() > 0, 5)
        assert time.monotonic() - came_back < 8.0  # at once, not at a next sweep (2 s: the benchmark)
        assert wait_for(lambda: played_emergency(back_in_time, key, emergency.item_id), 10)

        assert wait_for(lambda: not emergency.valid_at(library.clock.stamp()), 20)
        back_too_late.start()
        states = lambda: {t.name: t.state for t in Emergencies(library.conn, library.clock).targets(emergency.id)}  # noqa: E731
        assert wait_for(lambda: states()["Loa 2"] is TargetState.EXPIRED, 5)
        time.sleep(2.0)  # the engine's retries had every chance: nothing may sound
        assert back_too_late.sound.played_bytes() == 0
    finally:
        engine.stop()
    row = library.conn.execute("SELECT state FROM emergency_targets WHERE receiver = "
                               "(SELECT id FROM receivers WHERE name = 'Loa 2')").fetchone()
    assert row["state"] == "expired"  # written, not only read as expired
    assert states() == {"Loa 0": TargetState.REACHED, "Loa 1": TargetState.REACHED, "Loa 2": TargetState.EXPIRED}
    actions = [(a.action, a.detail.get("receiver")) for a in Accounts(library.conn).history("emergency",
                                                                                             emergency.id)]
    assert ("emergency-reached", "Loa 1") in actions and ("emergency-expired", "Loa 2") in actions


def test_sign_in_rules_and_the_audit_log(library, data_dir, zone_of_three):
    _receivers, clip, _key = zone_of_three
    refused = cli.run_input(data_dir, "matkhau-bientap\n", "emergency", str(clip), "--zone", "Thôn 1", "--user",
                            "bientap", "--password-stdin", expect=1)
    assert "must give a reason" in refused.stderr
    cli.run_input(data_dir, "sai-mat-khau\n", "emergency", str(clip), "--zone", "Thôn 1", "--user", "chutich",
                  "--password-stdin", expect=1)
    assert Emergencies(library.conn, library.clock).latest() == []

    cli.run_input(data_dir, "matkhau-bientap\n", "emergency", str(clip), "--zone", "Thôn 1", "--user", "bientap",
                  "--password-stdin", "--reason", "cháy rừng")
    cli.run_input(data_dir, "matkhau-chutich\n", "emergency", str(clip), "--zone", "Thôn 1", "--user", "chutich",
                  "--password-stdin")
    approver_sent, editor_sent = Emergencies(library.conn, library.clock).latest()
    assert (editor_sent.declared_by, editor_sent.approved_by, editor_sent.reason) == ("bientap", None, "cháy rừng")
    assert (approver_sent.declared_by, approver_sent.approved_by) == ("chutich", "chutich")
    audit = {(a.username, a.action, a.detail.get("reason")) for a in Accounts(library.conn).history()
             if a.action == "emergency"}
    assert audit == {("bientap", "emergency", "cháy rừng"), ("chutich", "emergency", None)}


def test_a_receiver_refuses_a_play_now_past_its_validity(zone_of_three):
    (receiver, _b, _c), _clip, key = zone_of_three
    client = ReceiverClient(receiver.url, key)
    client.identify()
    from studio.errors import ReceiverError

    with pytest.raises(ReceiverError) as refused:
        client.play_now(["0" * 64], item_id="em-old", valid_until="2020-01-01T00:00:00+00:00")
    assert (refused.value.status, refused.value.code) == (410, "expired")


def test_the_clip_goes_in_one_request_and_a_partial_upload_is_resumed(library, zone_of_three):
    (receiver, _b, _c), clip, key = zone_of_three
    media = Renderer(library).render_clip(clip, OutputFormat.OPUS)
    client = ReceiverClient(receiver.url, key)
    client.identify()
    data = media.media_path.read_bytes()
    client._request("PATCH", f"/v1/media/{media.output_sha256}", data[:1000], {
        "Content-Type": "application/offset+octet-stream", "Tus-Resumable": "1.0.0", "Upload-Offset": "0",
        "Upload-Length": str(len(data))})  # a try cut off after 1000 bytes
    assert client.held(media.output_sha256) == (1000, False)
    client.send_whole(media.media_path, media.output_sha256)  # offset-mismatch: resumes from 1000
    assert client.held(media.output_sha256) == (len(data), True)
    client.send_whole(media.media_path, media.output_sha256)  # held in full: nothing to do
    assert (receiver.folder / "media" / media.output_sha256).read_bytes() == data


def test_a_repeated_play_now_with_the_same_id_does_not_start_it_again(library, zone_of_three):
    (receiver, _b, _c), clip, key = zone_of_three
    media = Renderer(library).render_clip(clip, OutputFormat.OPUS)
    client = ReceiverClient(receiver.url, key)
    client.identify()
    client.send_whole(media.media_path, media.output_sha256)
    first = client.play_now([media.output_sha256], item_id="em-lost-answer")
    again = client.play_now([media.output_sha256], item_id="em-lost-answer")  # the studio retries
    assert (first["already"], again["already"]) == (False, True)
    assert wait_for(lambda: played_emergency(receiver, key, "em-lost-answer"), 10)
    assert client.play_now([media.output_sha256], item_id="em-lost-answer")["already"]  # after it played too
    assert [e["item"] for e in client.playlog()].count("em-lost-answer") == 1


def test_a_receiver_coming_back_gets_the_emergency_before_its_schedule(library, zone_of_three, tmp_path):
    from studio.clock import parse_stamp
    from studio.fleet.emergency import declare, operator_authority
    from studio.fleet.repository import FleetRepository, NewDelivery

    (receiver, _b, _c), clip, key = zone_of_three
    receiver.kill()
    other = library.import_file(write_audio(tmp_path / "nhac.wav", synthetic.speech_like(30.0, seed=8),
                                            subtype="PCM_16")).clip.id
    scheduled = Renderer(library).render_clip(other, OutputFormat.OPUS)
    repository = FleetRepository(library.conn, library.clock)
    row = next(r for r in repository.receivers() if r["name"] == "Loa 0")
    tomorrow = (library.clock.now().replace(microsecond=0) + timedelta(days=1)).isoformat()
    repository.queue_publish("test", "2026-12-02", "2026-12-02", {}, lambda version: [NewDelivery(
        row["id"], {"version": version, "receiver_id": row["receiver_id"], "items": [
            {"id": "mai", "start": tomorrow, "media": [scheduled.output_sha256], "duration_s": 30.0}]},
        [scheduled.output_sha256], scheduled.media_path.stat().st_size)])
    emergency = declare(library, clip, ["Thôn 1"], operator_authority("cli:test", None), 5)

    paths = library.paths
    engine = Delivery(lambda: ClipLibrary(paths, connect(paths.database)), key, poll_s=0.2)
    engine.start()
    try:
        receiver.start()
        assert wait_for(lambda: not repository.pending(row["id"]), 15)
    finally:
        engine.stop()
    (target,) = [t for t in Emergencies(library.conn, library.clock).targets(emergency.id) if t.name == "Loa 0"]
    delivered = library.conn.execute("SELECT delivered_at FROM deliveries WHERE receiver = ?", (row["id"],)
                                     ).fetchone()[0]
    assert target.state is TargetState.REACHED
    assert parse_stamp(target.reached_at) <= parse_stamp(delivered)


def test_radio_studio_deliver_brings_a_pending_emergency_to_a_receiver_back_online(library, data_dir,
                                                                                     zone_of_three):
    (first, second, third), clip, key = zone_of_three
    second.kill()
    proc = cli.run(data_dir, "emergency", str(clip), "--zone", "Thôn 1")
    assert "Loa 1: pending (offline" in proc.stdout
    (emergency,) = Emergencies(library.conn, library.clock).latest()
    second.start()
    cli.run(data_dir, "deliver", "--until-idle", "--timeout", "30")
    assert wait_for(lambda: played_emergency(second, key, emergency.item_id), 10)
    assert {t.state for t in Emergencies(library.conn, library.clock).targets(emergency.id)} == {
        TargetState.REACHED}
    listing = cli.run(data_dir, "emergencies", str(emergency.id)).stdout
    assert "3/3 reached" in listing and "Loa 1: reached" in listing
