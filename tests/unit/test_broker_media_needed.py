"""Which media a broker must keep (studio.fleet.mqtt_media.needed_media), on a real studio
database: the newest non-superseded delivery of each receiver on that broker, and the clip
of an emergency still pending for one of them; nothing of a receiver on another broker or
over HTTP, of a superseded delivery, or of an emergency already reached."""

from __future__ import annotations

import json

from studio.fleet.mqtt_media import needed_media
from studio.fleet.repository import FleetRepository


def test_needed_media_is_each_receivers_desired_manifest_and_pending_emergencies(library):
    conn, repository = library.conn, FleetRepository(library.conn, library.clock)
    conn.execute("PRAGMA foreign_keys=OFF")  # rows of the tables the query reads, without clips and zones
    zone_id = 1
    for rid, address in (("a1", "mqtt://broker-a:1883/a1"), ("a2", "mqtt://broker-a:1883/a2"),
                         ("b1", "mqtt://broker-b:1883/b1"), ("h1", "http://192.168.1.20:8750")):
        repository.add_receiver(rid, rid, address, zone_id)
    ids = {row["receiver_id"]: row["id"] for row in conn.execute("SELECT id, receiver_id FROM receivers")}
    publish = conn.execute("INSERT INTO publishes (created_at, created_by, first_day, last_day) "
                           "VALUES ('2026-12-01', 't', '2026-12-01', '2026-12-01')").lastrowid

    def delivery(receiver: str, version: int, media: list[str], state: str) -> None:
        conn.execute("INSERT INTO deliveries (receiver, publish_id, version, manifest_json, media_json, state, "
                     "created_at) VALUES (?,?,?,?,?,?, '2026-12-01')",
                     (ids[receiver], publish, version, "{}", json.dumps(media), state))

    delivery("a1", 1, ["old"], "delivered")
    delivery("a1", 2, ["new1", "shared"], "pending")  # the newest: what a1 must get
    delivery("a1", 3, ["dropped"], "superseded")
    delivery("a2", 1, ["kept2", "shared"], "delivered")
    delivery("b1", 1, ["other-broker"], "pending")
    delivery("h1", 1, ["over-http"], "pending")
    clip = 1
    for n, (receiver, state) in enumerate((("a2", "pending"), ("a1", "reached"), ("b1", "pending"))):
        emergency = conn.execute(
            "INSERT INTO emergencies (clip_id, media_sha256, zones_json, declared_by, created_at, valid_until, "
            "item_id) VALUES (?,?,?,?,?,?,?)", (clip, f"alarm-{receiver}-{state}", "[]", "t", "now", "later",
                                                f"e{n}")).lastrowid
        conn.execute("INSERT INTO emergency_targets (emergency_id, receiver, state, updated_at) VALUES (?,?,?,?)",
                     (emergency, ids[receiver], state, "now"))
    assert needed_media(conn, "broker-a:1883") == {"new1", "shared", "kept2", "alarm-a2-pending"}
    assert needed_media(conn, "broker-b:1883") == {"other-broker", "alarm-b1-pending"}
    assert needed_media(conn, "nobody:1883") == set()
