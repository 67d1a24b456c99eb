"""kill -9 of the command line while it imports and renders: whatever instant it dies at,
the library stays consistent (no clip without its original, no torn file), and the next
run works normally."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from studio.audio import synthetic
from studio.storage.media_store import sha256_file
from tests.support.tools import write_audio


def _check_consistent(data_dir):
    conn = sqlite3.connect(data_dir / "studio.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for sha, frames in conn.execute("SELECT source_sha256, frames FROM clips"):
        blob = data_dir / "media" / sha[:2] / sha
        assert blob.is_file() and sha256_file(blob) == sha and frames > 0
    for (sha,) in conn.execute("SELECT output_sha256 FROM renders"):
        blob = data_dir / "media" / sha[:2] / sha
        assert blob.is_file() and sha256_file(blob) == sha
    conn.close()


def clips_stored(data_dir) -> int:
    """How far the import has got: -1 until the database and its clips table exist, then
    the clips stored."""
    db = data_dir / "studio.db"
    if not db.exists():
        return -1
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)) as conn:
            return conn.execute("SELECT COUNT(*) FROM clips").fetchone()[0]
    except sqlite3.Error:
        return -1  # the schema is still being made: point 0 is not reached yet


# (clips stored, then seconds more): the kill lands at a point of the work, not of the wall
# clock, so a busy machine moves no point (3 clips stored: the render is under way).
POINTS = [(-1, 0.0), (0, 0.0), (0, 0.1), (1, 0.0), (1, 0.1), (2, 0.0), (2, 0.1), (3, 0.0), (3, 0.2)]


@pytest.mark.parametrize(("stored", "then"), POINTS)
def test_kill_at_any_instant_leaves_a_consistent_library(tmp_path, stored, then):
    data_dir = tmp_path / "data"
    files = []
    for i in range(3):
        files.append(write_audio(tmp_path / f"b{i}.flac", synthetic.speech_like(40.0, seed=i)))
    script = (
        "import sys; from studio.cli import main\n"
        "rc = main(['--data-dir', sys.argv[1], 'import', *sys.argv[2:]])\n"
        "rc = rc or main(['--data-dir', sys.argv[1], 'render', '1', '--out', sys.argv[1] + '/out.opus'])\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(data_dir), *map(str, files)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while clips_stored(data_dir) < stored and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(then)
    assert proc.poll() is None, "the import ended before the kill point"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert clips_stored(data_dir) >= stored
    if stored >= 0:
        _check_consistent(data_dir)
    # The next run imports and renders normally, reusing what the dead one finished.
    done = subprocess.run([sys.executable, "-m", "studio", "--data-dir", str(data_dir), "import", *map(str, files)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    ids = done.stdout.split()
    assert len(ids) == 3 and len(set(ids)) == 3
    rendered = subprocess.run([sys.executable, "-m", "studio", "--data-dir", str(data_dir), "render", ids[0],
                               "--out", str(tmp_path / "again.wav")], capture_output=True, text=True, timeout=120)
    assert rendered.returncode == 0, rendered.stderr
    _check_consistent(data_dir)
