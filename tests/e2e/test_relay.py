"""Stream relay ("tiếp sóng") through the receiver's real engine and PortAudio, to the
file-backed speaker paced in real time: a loopback HTTP server serves an MP3 stream made
by ffmpeg, paced at its bit rate after a 1 s burst (as Icecast sends one on connect).
The relay plays for its duration and stops there; a stream that dies falls back to the
backup and is logged; a silent one too; a quiet stream comes out at the target level."""

from __future__ import annotations

import hashlib
import os
import subprocess
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from crs_protocol import check_manifest
from crs_receiver import relay
from crs_receiver.player import Engine
from crs_receiver.store import ReceiverStore

from tests.support.http_folder import hls_station
from tests.support.paced_speaker import PacedSpeaker
from tests.support.tools import wait_until

RATE = 48000
BITRATE = 64_000
T0 = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)  # 11:00 in Vietnam


class RecordingSpeaker(PacedSpeaker):
    """The paced speaker, keeping what it takes (float32 mono, 48 kHz)."""

    def __init__(self, speaker: Path) -> None:
        self.kept = bytearray()
        super().__init__(speaker)

    def _drain(self) -> None:
        step = 0.02
        while not self._stop.wait(step):
            try:
                data = os.read(self._fd, int(self.bytes_per_s * step))
            except BlockingIOError:
                continue
            self.taken += len(data)
            self.kept += data

    def samples(self) -> np.ndarray:
        usable = len(self.kept) // 4 * 4
        return np.frombuffer(bytes(self.kept[:usable]), dtype="<f4")


def mp3(path: Path, seconds: float, amplitude: float, freq: float = 440.0,
        codec: tuple[str, ...] = ("-c:a", "libmp3lame")) -> bytes:
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=f={freq}:d={seconds}:sample_rate=44100", "-af", f"volume={amplitude * 8}",  # the source is at 1/8
                    "-ac", "1", *codec, "-b:a", f"{BITRATE // 1000}k", str(path)], check=True)
    return path.read_bytes()


def aac(path: Path, seconds: float, amplitude: float, freq: float = 440.0) -> bytes:
    """ADTS AAC, as an Icecast AAC mount sends it."""
    return mp3(path, seconds, amplitude, freq, codec=("-c:a", "aac", "-f", "adts"))


class StreamServer:
    """Serves `body` at /live.mp3, paced at the MP3's bit rate; cut after `cut_after` bytes
    when given (the connection closes: the station went off the air)."""

    def __init__(self, body: bytes, cut_after: int | None = None) -> None:
        served = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                self.send_response(200)
                self.send_header("Content-Type", "audio/mpeg")
                self.end_headers()
                data = body if cut_after is None else body[:cut_after]
                burst, per_tick = BITRATE // 8, BITRATE // 8 // 10
                self.wfile.write(data[:burst])
                started, sent = time.monotonic(), burst
                while sent < len(data):
                    due = started + (sent - burst) / (BITRATE / 8)
                    time.sleep(max(due - time.monotonic(), 0))  # pacing a producer, not waiting on a test condition
                    try:
                        self.wfile.write(data[sent:sent + per_tick])
                    except OSError:
                        return
                    sent += per_tick
                served.finished.set()

            def log_message(self, *args) -> None:
                pass

        self.finished = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/live.mp3"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def backup_media(store: ReceiverStore, tmp_path: Path, seconds: float, freq: float) -> str:
    samples = (0.25 * np.sin(2 * np.pi * freq * np.arange(int(RATE * seconds)) / RATE)).astype(np.float32)
    path = tmp_path / f"backup-{freq}.wav"
    sf.write(path, samples, RATE, subtype="FLOAT")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    path.replace(store.root / "media" / sha)
    return sha


@pytest.fixture
def relay_run(tmp_path, sound):
    store = ReceiverStore(tmp_path / "rx")
    speaker = RecordingSpeaker(sound.speaker)
    engine = Engine(store, "testspk", lambda: T0)
    servers: list[StreamServer] = []

    def run(body: bytes | None, seconds: float, media: list[str], cut_after: int | None = None,
            loudness: float = -16.0, url: str | None = None) -> tuple[dict, np.ndarray, float]:
        if url is None:  # `body` served paced; else `url` (a folder server's playlist)
            server = StreamServer(body, cut_after)
            servers.append(server)
            url = server.url
        manifest = check_manifest({"version": 1, "receiver_id": store.receiver_id, "items": [
            {"id": "relay", "start": T0.isoformat(), "kind": "stream", "url": url, "duration_s": seconds,
             "media": media, "start_mode": "hard", "loudness_lufs": loudness}]})
        started = time.monotonic()
        engine.set_manifest(manifest)
        assert wait_until(lambda: len(store.playlog(0)) == 1, seconds + 20)
        elapsed = time.monotonic() - started
        seen = [-1]

        def drained() -> bool:  # the speaker took what the device was given (its taking stopped)
            before, seen[0] = seen[0], speaker.taken
            time.sleep(0.25)  # the sampling interval of this condition, not a synchronisation
            return before == speaker.taken
        assert wait_until(drained, 10)
        return store.playlog(0)[0], speaker.samples(), elapsed

    engine.start()
    yield run, store
    engine.shutdown()
    speaker.close()
    for server in servers:
        server.close()


def rms_db(x: np.ndarray) -> float:
    return 20 * np.log10(np.sqrt(np.mean(np.square(x.astype(np.float64)))) + 1e-12)


def sounding(out: np.ndarray) -> np.ndarray:
    nonzero = np.flatnonzero(np.abs(out) > 1e-4)
    return out[nonzero[0]:nonzero[-1] + 1] if len(nonzero) else out[:0]


def dominant_hz(x: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spectrum) * RATE / len(x))


def test_relay_plays_for_its_duration_and_stops_there(relay_run, tmp_path):
    run, _ = relay_run
    joined = mp3(tmp_path / "live.mp3", 30, 0.5)[1001:]  # joined mid-frame, as a live station is
    entry, out, elapsed = run(joined, 6.0, [])
    assert entry["outcome"] == "played"
    heard = sounding(out)
    # The 30 s stream is cut at the item's 6 s; the first second of the slot fills the
    # buffer that rides out the network's jitter (the engine's pre-fill wait).
    assert 4.6 <= len(heard) / RATE <= 6.3, len(heard) / RATE
    assert 5.8 <= elapsed <= 7.5, elapsed  # in real time, ending at its end, not a buffer later
    assert abs(dominant_hz(heard[RATE:2 * RATE]) - 440) < 5


def test_a_stream_that_dies_falls_back_to_the_backup_and_is_logged(relay_run, tmp_path):
    run, store = relay_run
    backup = backup_media(store, tmp_path, 20.0, 660.0)
    entry, out, _ = run(mp3(tmp_path / "live.mp3", 30, 0.5), 8.0, [backup], cut_after=3 * BITRATE // 8)
    assert entry["outcome"] == "stream-failed"
    heard = sounding(out)
    assert abs(dominant_hz(heard[RATE // 2:RATE // 2 + RATE]) - 440) < 5  # the stream first
    assert abs(dominant_hz(heard[-RATE:]) - 660) < 5  # then the backup, to the end of the slot
    assert len(heard) / RATE <= 8.6  # the backup (20 s) stops at the end of the item


def test_a_silent_stream_falls_back(relay_run, tmp_path, monkeypatch):
    monkeypatch.setattr(relay, "SILENCE_S", 2.0)
    run, store = relay_run
    backup = backup_media(store, tmp_path, 20.0, 660.0)
    entry, out, _ = run(mp3(tmp_path / "live.mp3", 30, 0.0), 6.0, [backup])
    assert entry["outcome"] == "stream-silent"
    assert abs(dominant_hz(sounding(out)[-RATE:]) - 660) < 5


def test_a_quiet_stream_comes_out_at_the_target_level(relay_run, tmp_path):
    run, _ = relay_run
    quiet = 10 ** (-30 / 20) * np.sqrt(2)  # a sine at -30 dBFS RMS, 14 dB below the target
    entry, out, _ = run(mp3(tmp_path / "quiet.mp3", 30, quiet), 9.0, [], loudness=-16.0)
    assert entry["outcome"] == "played"
    heard = sounding(out)
    assert rms_db(heard[:RATE // 4]) < -22  # it starts quiet (a slow gain, no jump)
    assert abs(rms_db(heard[-3 * RATE:]) - -16.0) < 1.5  # and is brought to the zone's level
    assert entry["level_dbfs"] > -22


def test_an_aac_stream_is_relayed_through_pyav(relay_run, tmp_path):
    run, _ = relay_run
    entry, out, elapsed = run(aac(tmp_path / "live.aac", 30, 0.5)[777:], 6.0, [])  # joined mid-frame
    assert entry["outcome"] == "played"
    heard = sounding(out)
    assert 4.6 <= len(heard) / RATE <= 6.3, len(heard) / RATE
    assert 5.8 <= elapsed <= 7.5, elapsed
    assert abs(dominant_hz(heard[RATE:2 * RATE]) - 440) < 5
    assert abs(rms_db(heard[-2 * RATE:]) - -16.0) < 2.0  # levelled like an MP3 relay


def test_an_hls_playlist_is_relayed_from_its_segments(relay_run, tmp_path):
    run, _ = relay_run
    server = hls_station(tmp_path / "hls", 550, 20)
    try:
        entry, out, elapsed = run(None, 6.0, [], url=f"{server.url}/live.m3u8")
    finally:
        server.close()
    assert entry["outcome"] == "played"
    heard = sounding(out)
    assert 4.6 <= len(heard) / RATE <= 6.3, len(heard) / RATE  # stops at the item's end, not the playlist's
    assert abs(dominant_hz(heard[RATE:2 * RATE]) - 550) < 5


def test_without_pyav_an_aac_stream_falls_back_to_the_backup(relay_run, tmp_path, monkeypatch):
    monkeypatch.setattr(relay.relay_av, "available", lambda: False)
    run, store = relay_run
    backup = backup_media(store, tmp_path, 20.0, 660.0)
    entry, out, _ = run(aac(tmp_path / "live.aac", 30, 0.5), 5.0, [backup])
    assert entry["outcome"] == "stream-failed"
    assert abs(dominant_hz(sounding(out)[-RATE:]) - 660) < 5
