"""`python -m benchmarks.relay [--seconds N]`: what relaying a stream costs the receiver
(issue 20, stream relay): CPU per second of audio and the memory the relay adds, for
the receiver's own chain (HTTP pull, libsndfile MP3 decode from the bounded queue,
resampling to 48 kHz, the running gain), beside ffmpeg decoding the same MP3 to 48 kHz mono.

The stream is a 128 kbit/s stereo 44.1 kHz MP3 (a typical station's), N seconds
(default 120), served by a loopback HTTP server as fast as it is read: the figure is the
decoder's cost, not the network's pace. The relay's thread CPU is measured on that thread.
"""

from __future__ import annotations

import argparse
import queue
import resource
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.relay")
    parser.add_argument("--seconds", type=float, default=120.0)
    args = parser.parse_args()
    import numpy  # noqa: F401 (loaded before the memory is measured: the receiver has them loaded)
    import soundfile  # noqa: F401
    from crs_receiver import relay, resample  # noqa: F401

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "station.mp3"
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                        f"anoisesrc=d={args.seconds}:c=pink:a=0.2:r=44100", "-f", "lavfi", "-i",
                        f"sine=f=330:d={args.seconds}:sample_rate=44100", "-filter_complex", "amerge=inputs=2",
                        "-c:a", "libmp3lame", "-b:a", "128k", str(path)], check=True)
        body = path.read_bytes()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "audio/mpeg")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/station.mp3"
        blocks: queue.Queue = queue.Queue(maxsize=1500)
        playing = SimpleNamespace(item_id="bench", stream={"url": url, "loudness_lufs": -16.0},
                                  stop=threading.Event(), duration_s=args.seconds * 2)
        counted = {"samples": 0}

        def drain() -> None:
            while (block := blocks.get()) is not None:
                counted["samples"] += len(block)

        drainer = threading.Thread(target=drain, daemon=True)
        drainer.start()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result = {}

        def run_relay() -> None:
            cpu = time.thread_time()
            result["outcome"] = relay._relay(playing, blocks, 48000, 960, time.monotonic() + args.seconds * 10)
            result["cpu"] = time.thread_time() - cpu
            blocks.put(None)

        started = time.monotonic()
        worker = threading.Thread(target=run_relay)
        worker.start()
        worker.join()
        wall = time.monotonic() - started
        drainer.join()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        server.shutdown()
        audio_s = counted["samples"] / 48000
        ff = subprocess.run(["bash", "-c", f"TIMEFORMAT=%U+%S; time ffmpeg -loglevel error -i {path} -ac 1 -ar 48000 "
                             "-f f32le -y /dev/null"], capture_output=True, text=True, check=True)
        user, system = (float(x) for x in ff.stderr.strip().splitlines()[-1].split("+"))
        print(f"stream: {args.seconds:g} s of MP3 128 kbit/s stereo 44.1 kHz; relayed {audio_s:.1f} s "
              f"({result['outcome']} at the stream's end)")
        print(f"relay chain (urllib + libsndfile + resampler + gain): {result['cpu']:.2f} s CPU, "
              f"{100 * result['cpu'] / audio_s:.2f} % of one core per second of audio, {wall:.2f} s wall")
        print(f"ffmpeg decode to 48 kHz mono, same file: {user + system:.2f} s CPU, "
              f"{100 * (user + system) / audio_s:.2f} % of one core")
        print(f"peak RSS grew by {(rss_after - rss_before) / 1024:.1f} MB while relaying "
              f"(bounded: {relay.QUEUE_CHUNKS * relay.CHUNK // 1024} KB of stream bytes, 30 s of decoded blocks)")


if __name__ == "__main__":
    main()
