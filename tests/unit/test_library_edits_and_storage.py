import errno
import os
import sqlite3

import pytest

from studio.audio.edits import EditList
from studio.errors import ClipNotFound, DatabaseTooNew, InvalidEdit, NothingToUndo, StorageError
from studio.storage import database
from studio.storage.durable import atomic_write_bytes


def test_edit_history_undo_redo_and_branching(library, speech_wav):
    clip = library.import_file(speech_wav).clip
    assert library.edits(clip.id).is_identity()
    v1 = EditList(trim_in=1.0)
    v2 = EditList(trim_in=1.0, gain_db=-3.0)
    assert library.set_edits(clip.id, v1) == 1
    assert library.set_edits(clip.id, v2) == 2
    assert library.undo(clip.id) == v1
    assert library.undo(clip.id) == EditList()
    with pytest.raises(NothingToUndo):
        library.undo(clip.id)
    assert library.redo(clip.id) == v1
    branch = EditList(fade_in=0.5)
    library.set_edits(clip.id, branch)  # a new edit after undo drops the redo branch
    with pytest.raises(NothingToUndo):
        library.redo(clip.id)
    assert library.edits(clip.id) == branch


def test_edits_are_checked_against_the_clip(library, speech_wav):
    clip = library.import_file(speech_wav).clip
    with pytest.raises(InvalidEdit):
        library.set_edits(clip.id, EditList(trim_out=clip.duration_s + 5))
    assert library.get(clip.id).edit_version == 0


def test_rename_trash_and_restore(library, speech_wav):
    clip = library.import_file(speech_wav).clip
    library.rename(clip.id, "Thông báo tiêm chủng")
    assert [c.title for c in library.clips(search="tiêm")] == ["Thông báo tiêm chủng"]
    library.delete(clip.id)
    assert library.clips() == [] and [c.id for c in library.clips(trash=True)] == [clip.id]
    with pytest.raises(ClipNotFound):
        library.get(clip.id)
    assert library.source_path(library.get(clip.id, include_deleted=True)).exists()  # kept until emptied
    library.restore(clip.id)
    assert [c.id for c in library.clips()] == [clip.id]


def test_database_settings_and_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "studio.db"
    conn = database.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == database.SCHEMA_VERSION
    conn.execute(f"PRAGMA user_version={database.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(DatabaseTooNew):
        database.connect(path)


def test_migration_backs_up_the_old_database_first(tmp_path, monkeypatch):
    path = tmp_path / "studio.db"
    conn = database.connect(path)
    conn.execute(
        "INSERT INTO clips (title, source_sha256, source_name, format, subtype, sample_rate, channels,"
        " frames, created_at) VALUES ('x', 'ab', 'x.wav', 'wav', 'PCM_16', 48000, 1, 10, 'now')"
    )
    conn.close()
    monkeypatch.setattr(database, "MIGRATIONS", database.MIGRATIONS + ("ALTER TABLE clips ADD COLUMN note TEXT;",))
    monkeypatch.setattr(database, "SCHEMA_VERSION", len(database.MIGRATIONS))
    conn = database.connect(path)
    assert conn.execute("SELECT note FROM clips").fetchone()[0] is None
    backup = sqlite3.connect(tmp_path / f"studio.db.bak-v{database.SCHEMA_VERSION - 1}")
    assert backup.execute("SELECT title FROM clips").fetchone()[0] == "x"
    assert backup.execute("PRAGMA user_version").fetchone()[0] == database.SCHEMA_VERSION - 1


def test_failed_write_keeps_the_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "state.json"
    atomic_write_bytes(target, b"old")

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(StorageError) as info:
        atomic_write_bytes(target, b"new")
    assert info.value.reason == "disk full"
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_staging_files_left_by_a_crash_are_swept_but_fresh_ones_kept(tmp_path):
    import time

    from studio.storage.media_store import MediaStore

    store = MediaStore(tmp_path / "media")
    staging = tmp_path / "media" / "incoming"
    staging.mkdir(parents=True)
    old, fresh = staging / "123-old.part", staging / "456-fresh.part"
    old.write_bytes(b"half a file")
    fresh.write_bytes(b"being written now")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    assert store.sweep_incoming() == 1
    assert not old.exists() and fresh.exists()


def test_a_device_lost_mid_take_ends_it_and_keeps_the_audio(tmp_path):
    """The stream ends by itself (unplugged): PortAudio calls finished_callback, which puts
    the end mark in the queue. Driven here without a device: the writer is the unit."""
    import threading

    import numpy as np
    import soundfile as sf

    from studio.audio import recorder as rec

    r = rec.Recorder(tmp_path)
    take = tmp_path / "take"
    take.mkdir()
    r.take_dir = take
    r._rate, r._channels, r._max_frames = 48000, 1, None
    r._segment = rec._Segment(take / "seg-0001.wav", 48000, 1)
    r._stream = object()  # a stream that was running
    block = (np.arange(4800) % 100).astype(np.int16)[:, None]
    for _ in range(10):
        r._queue.put(block)
    r._queue.put(None)  # what the finished_callback puts when the device goes away
    writer = threading.Thread(target=r._write_loop)
    writer.start()
    writer.join(10)
    assert r.status().stopped is rec.StopReason.DEVICE_LOST
    data, rate = sf.read(take / "seg-0001.wav", dtype="int16")
    assert len(data) == 48000 and rate == 48000


def test_connections_opening_a_new_database_at_once_migrate_it_once(tmp_path):
    import threading

    from studio.storage import database

    path = tmp_path / "studio.db"
    start = threading.Barrier(4)
    results: list = []

    def open_it() -> None:
        start.wait()
        try:
            conn = database.connect(path)
            results.append(conn.execute("PRAGMA user_version").fetchone()[0])
            conn.close()
        except Exception as exc:  # reported below
            results.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [database.SCHEMA_VERSION] * 4
