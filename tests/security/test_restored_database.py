"""Issue 15, item 16: the studio database restored from a backup must not number new
publishes below what a receiver holds, nor record as delivered what the receiver refused.
A real receiver on loopback; the backup and the restore are SQLite's own backup API on the
studio's live connection."""

from __future__ import annotations

import json
import sqlite3

from studio.accounts.store import Accounts, Role
from studio.fleet.client import ReceiverClient
from studio.fleet.delivery import deliver_until_idle, pending
from studio.fleet.keys import StudioKey
from studio.fleet.publish import publish
from studio.fleet.repository import FleetRepository
from studio.fleet.status import check_status
from studio.library import now_utc
from studio.schedule.zones import Zones
from tests.support.receiver import Receiver


def _held(receiver: Receiver) -> int:
    return json.loads((receiver.folder / "manifest.json").read_text())["version"]


def test_publishes_after_a_restore_stay_above_what_the_receiver_holds(library, tmp_path):
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    zone = Zones(library.conn, accounts).add("Thôn 1", admin)
    receiver = Receiver(tmp_path / "rx").start()
    try:
        key = StudioKey(library.paths.keys_dir)
        paired = ReceiverClient(receiver.url, key).pair(receiver.code, "UBND xã")
        library.conn.execute("INSERT INTO receivers (receiver_id, name, address, zone_id, paired_at) "
                             "VALUES (?,?,?,?,?)", (paired["receiver_id"], "Loa 1", receiver.url, zone.id, now_utc()))
        assert publish(library, "test", days=1).publish_id == 1
        assert deliver_until_idle(library, key, timeout_s=30) == 0
        backup = sqlite3.connect(tmp_path / "backup.db")
        library.conn.backup(backup)  # the officer's backup, taken at version 1
        assert publish(library, "test", days=1).publish_id == 2
        assert deliver_until_idle(library, key, timeout_s=30) == 0 and _held(receiver) == 2

        backup.backup(library.conn)  # restored: the studio believes the receiver holds 1
        (row,) = FleetRepository(library.conn, library.clock).receivers()
        assert row["delivered_version"] == 1
        # the status watcher asked it meanwhile: the next publish is numbered above it
        assert check_status(library, key, row)
        assert publish(library, "test", days=1).publish_id == 3
        assert deliver_until_idle(library, key, timeout_s=30) == 0 and _held(receiver) == 3

        backup.backup(library.conn)  # restored again, and published before anyone asked
        assert publish(library, "test", days=1).publish_id == 2  # the studio knows no better yet
        assert deliver_until_idle(library, key, timeout_s=30) == 0
        assert not pending(library.conn)
        # the delivery was numbered above what the receiver held, and the receiver took it
        delivered = library.conn.execute("SELECT version, state FROM deliveries ORDER BY id DESC LIMIT 1").fetchone()
        assert tuple(delivered) == (4, "delivered") and _held(receiver) == 4
        assert publish(library, "test", days=1).publish_id == 5
    finally:
        receiver.kill()


def test_a_stale_manifest_refusal_for_a_version_the_studio_never_sent_is_an_error(library, tmp_path,
                                                                                  monkeypatch):
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    zone = Zones(library.conn, accounts).add("Thôn 1", admin)
    receiver = Receiver(tmp_path / "rx").start()
    try:
        key = StudioKey(library.paths.keys_dir)
        paired = ReceiverClient(receiver.url, key).pair(receiver.code, "UBND xã")
        library.conn.execute("INSERT INTO receivers (receiver_id, name, address, zone_id, paired_at) "
                             "VALUES (?,?,?,?,?)", (paired["receiver_id"], "Loa 1", receiver.url, zone.id, now_utc()))
        put = ReceiverClient.put_manifest

        def overtaken(client, manifest):  # someone else puts version 50 between status and PUT
            monkeypatch.setattr(ReceiverClient, "put_manifest", put)
            put(client, {**manifest, "version": 50})
            return put(client, manifest)

        monkeypatch.setattr(ReceiverClient, "put_manifest", overtaken)
        publish(library, "test", days=1)
        assert deliver_until_idle(library, key, timeout_s=0.5) == 1
        (waiting,) = pending(library.conn)
        assert waiting["attempts"] == 1 and "stale-manifest" in waiting["last_error"]
        (row,) = FleetRepository(library.conn, library.clock).receivers()
        assert json.loads(row["problem_json"])["code"] == "stale-manifest"  # what the officer sees
        FleetRepository(library.conn, library.clock).retry_now()
        assert deliver_until_idle(library, key, timeout_s=30) == 0 and _held(receiver) == 51
    finally:
        receiver.kill()
