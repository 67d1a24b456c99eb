"""What the media clean-up keeps: a clip's original, an approved render, each receiver's
newest delivered manifest and any pending one, a valid emergency, the archive's files; an
older delivered manifest and a plain cache go, with their `renders` rows, and a file
written a moment ago stays. The archive's release removes only what nothing else names."""

from __future__ import annotations

import json
import os
import time

from studio.storage.database import connect
from studio.storage.media_store import MediaStore
from studio.storage.media_sweep import media_in_use, release, sweep

STAMP = "2026-03-01T00:00:00.000+00:00"


def blob(store: MediaStore, tmp_path, name: str, old: bool = True) -> str:
    source = tmp_path / f"{name}.bin"
    source.write_bytes(name.encode() * 100)
    sha, _ = store.put_file(source)
    if old:
        hours_ago = time.time() - 7200
        os.utime(store.path_for(sha), (hours_ago, hours_ago))
    return sha


def test_sweep_keeps_what_is_needed_and_removes_the_rest(tmp_path):
    conn = connect(tmp_path / "studio.db")
    store = MediaStore(tmp_path / "media")
    s = {name: blob(store, tmp_path, name) for name in (
        "original", "approved", "old-manifest", "new-manifest", "pending", "emergency", "archived", "cache")}
    young = blob(store, tmp_path, "young", old=False)
    conn.execute("INSERT INTO clips (title, source_sha256, source_name, format, subtype, sample_rate, channels, "
                 "frames, created_at) VALUES ('c', ?, 'c.wav', 'wav', 'PCM_16', 48000, 1, 1, ?)",
                 (s["original"], STAMP))
    conn.execute("INSERT INTO programmes (title, spec_json, state, audio_json, created_at, updated_at) "
                 "VALUES ('p', '{}', 'approved', ?, ?, ?)", (json.dumps({"vi": s["approved"]}), STAMP, STAMP))
    conn.execute("INSERT INTO receivers (id, receiver_id, name, address, paired_at) VALUES (1, 'rx', 'Loa', 'a', '')")
    conn.execute("INSERT INTO publishes (id, created_at, created_by, first_day, last_day) VALUES (1, ?, 't', '', '')",
                 (STAMP,))
    for version, sha, state in ((1, s["old-manifest"], "delivered"), (2, s["new-manifest"], "delivered"),
                                (3, s["pending"], "pending")):
        conn.execute("INSERT INTO deliveries (receiver, publish_id, version, manifest_json, media_json, state, "
                     "created_at) VALUES (1, 1, ?, '{}', ?, ?, ?)", (version, json.dumps([sha]), state, STAMP))
    conn.execute("INSERT INTO emergencies (clip_id, media_sha256, zones_json, declared_by, created_at, valid_until, "
                 "item_id) VALUES (1, ?, '[]', 't', ?, '2999-01-01T00:00:00.000+00:00', 'em-1')",
                 (s["emergency"], STAMP))
    conn.execute("INSERT INTO archive_media (receiver, seq, position, sha256, local_day) VALUES (1, 1, 0, ?, "
                 "'2026-03-01')", (s["archived"],))
    conn.execute("INSERT INTO renders (cache_key, output_sha256, container, duration_s, created_at) "
                 "VALUES ('k', ?, 'opus', 1.0, ?)", (s["cache"], STAMP))
    assert media_in_use(conn) == {s[n] for n in ("original", "approved", "new-manifest", "pending", "emergency",
                                                 "archived")}
    swept = sweep(conn, store)
    assert swept.files == 2  # the old manifest's file and the cache
    assert not store.has(s["old-manifest"]) and not store.has(s["cache"])
    assert conn.execute("SELECT COUNT(*) FROM renders").fetchone()[0] == 0
    assert all(store.has(s[n]) for n in ("original", "approved", "new-manifest", "pending", "emergency", "archived"))
    assert store.has(young)  # maybe a render whose row is being written

    # the archive lets go: its file goes, unless something else names it
    conn.execute("INSERT INTO archive_media (receiver, seq, position, sha256, local_day) VALUES (1, 2, 0, ?, "
                 "'2026-03-01')", (s["new-manifest"],))
    conn.execute("DELETE FROM archive_media")
    assert release(conn, store, [s["archived"], s["new-manifest"]]).files == 1
    assert not store.has(s["archived"]) and store.has(s["new-manifest"])
