"""A folder served over loopback HTTP, and an HLS station made by ffmpeg to put in it."""

from __future__ import annotations

import functools
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class FolderServer:
    def __init__(self, folder: Path) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def hls_station(folder: Path, hz: float, seconds: float) -> FolderServer:
    """A sine at `hz` (0.5 peak), AAC 64 kbit/s in 2 s HLS segments under `folder`, served:
    the playlist is at `.url + "/live.m3u8"`. Close it after use."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=f={hz}:d={seconds}:sample_rate=48000", "-af", "volume=4", "-ac", "1", "-c:a", "aac",
                    "-b:a", "64k", "-f", "hls", "-hls_time", "2", "-hls_list_size", "0", str(folder / "live.m3u8")],
                   check=True)
    return FolderServer(folder)
