"""The studio's side of stream relay ("tiếp sóng"), through the real `radio-studio`
command: `stream check` previews a loopback HTTP stream made by ffmpeg (served at once,
not paced: the check takes what comes within its seconds), and a programme with a
`stream:URL` item is created, rendered (its backup chime only) and becomes a manifest
item of kind "stream" that the protocol's check accepts."""

from __future__ import annotations

import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from crs_protocol import check_manifest

from tests.support.cli import run
from tests.support.http_folder import hls_station


def encoded(path: Path, codec: list[str], volume: float = 4.0) -> bytes:
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=f=440:d=8:sample_rate=44100",
                    "-af", f"volume={volume}", "-ac", "1", *codec, str(path)], check=True)
    return path.read_bytes()


@pytest.fixture
def serve():
    servers = []

    def start(body: bytes, content_type: str) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}/live"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_stream_check_prints_codec_rate_and_loudness(serve, tmp_path, data_dir):
    url = serve(encoded(tmp_path / "s.mp3", ["-c:a", "libmp3lame", "-b:a", "64k"]), "audio/mpeg")
    out = run(data_dir, "stream", "check", url, "--seconds", "2").stdout
    assert "mp3" in out and "44100 Hz" in out and "1 channel" in out and "audio/mpeg" in out
    lufs = float(out.split("loudness ")[1].split(" LUFS")[0])
    assert -18 < lufs < -10  # a sine at 0.5 peak (-9 dBFS RMS) reads about -12 LUFS
    assert "warning" not in out


def test_stream_check_notes_aac_warns_of_silence_and_refuses_a_dead_url(serve, tmp_path, data_dir):
    aac = serve(encoded(tmp_path / "s.aac", ["-c:a", "aac", "-b:a", "64k", "-f", "adts"]), "audio/aac")
    out = run(data_dir, "stream", "check", aac, "--seconds", "2").stdout
    assert "aac" in out and "44100 Hz" in out and "relayed by receivers with PyAV" in out
    silent = serve(encoded(tmp_path / "q.mp3", ["-c:a", "libmp3lame"], volume=0.0), "audio/mpeg")
    assert "silent" in run(data_dir, "stream", "check", silent, "--seconds", "2", expect=1).stdout
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/live"
    failed = run(data_dir, "stream", "check", dead, expect=1)
    assert "cannot be relayed" in failed.stderr and failed.stderr.count("\n") == 1


def test_stream_check_follows_an_hls_playlist(tmp_path, data_dir):
    server = hls_station(tmp_path / "hls", 440, 12)
    try:
        out = run(data_dir, "stream", "check", f"{server.url}/live.m3u8", "--seconds", "3").stdout
    finally:
        server.close()
    assert "aac" in out and "48000 Hz" in out and "HLS (aac)" in out
    lufs = float(out.split("loudness ")[1].split(" LUFS")[0])
    assert -12 < lufs < -8  # a sine at 0.5 peak (-9 dBFS RMS, 440 Hz) reads about -9.7 LUFS
    assert 2.5 <= float(out.split(" s decoded")[0].split()[-1]) <= 4.5  # what was asked, not the whole playlist


def test_a_stream_programme_renders_its_backup_and_publishes_a_stream_item(data_dir):
    from studio.audio.settings import RenderSettings
    from studio.cli.runtime import open_library
    from studio.context import StudioContext
    from studio.fleet.publish import stream_fields
    from studio.paths import StudioPaths
    from studio.programmes.workflow import Programmes

    url = "http://radio.example.vn/vov1.mp3"
    programme_id = run(data_dir, "programmes", "create", "Tiếp sóng VOV1", "--item", f"stream:{url}",
                       "--duration", "1h30m").stdout.strip()
    shown = run(data_dir, "programmes", "show", programme_id).stdout
    assert f"stream {url} for 5400 s" in shown and "duration (vi): 90.0 min" in shown
    run(data_dir, "programmes", "submit", programme_id)  # renders the backup: the chime
    run(data_dir, "programmes", "create", "x", "--item", f"stream:{url}", expect=1)  # no --duration
    run(data_dir, "programmes", "create", "x", "--item", "stream:ftp://x/y", "--duration", "5m", expect=1)
    library = open_library(StudioContext.create(StudioPaths.at(data_dir)))
    spec = Programmes(library).get(int(programme_id)).spec
    fields = stream_fields(spec, RenderSettings())
    assert fields == {"kind": "stream", "url": url, "duration_s": 5400.0, "loudness_lufs": -16.0}
    item = {"id": "a", "start": "2026-12-01T11:00:00+07:00", "media": [], **fields}
    check_manifest({"version": 1, "receiver_id": "r", "items": [item]})
