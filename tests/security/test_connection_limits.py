"""Without any key: descriptors. Before, idle and half-sent connections were never closed (the
75 s keep-alive and 64-header limit given to `web.run_app` as `handler_args` were dropped:
aiohttp kept 3,630 s and 128 headers), there was no bound per source or in all, and a
flood cut the studio off while a hard item due meanwhile was neither played nor logged."""

from __future__ import annotations

import hashlib
import sys
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import soundfile as sf

from tests.security.hostile import closed_within, connect, head, paired, request, response, wait_for

SHORT = {"CRS_RECEIVER_TIMEOUTS": "idle=3,header=2"}


def test_idle_and_half_sent_connections_are_closed(tmp_path):
    receiver, client = paired(tmp_path, env=SHORT)
    try:
        idle = connect(receiver.port)
        half = connect(receiver.port, source="127.0.0.3")
        half.sendall(b"GET /v1/status HTTP/1.1\r\nHost: receiver\r\nX-Slow: ")  # and never the rest
        assert closed_within(half, 8), "a half-sent request was kept open"
        assert closed_within(idle, 8), "an idle connection was kept open"
        idle.close()
        half.close()
        assert client.status()["receiver_id"] == client.receiver_id
    finally:
        receiver.kill()


def test_the_header_limits_are_applied(tmp_path):
    receiver, client = paired(tmp_path)
    try:
        many = {f"X-Filler-{n}": "x" for n in range(70)}
        assert request(receiver.port, "GET", "/v1/status", many)[0] == 400  # over 64 headers
        assert request(receiver.port, "GET", "/v1/status", {"X-Long": "x" * 9000})[0] == 400
        assert request(receiver.port, "GET", "/v1/status")[0] == 401  # a plain one is answered
    finally:
        receiver.kill()


def test_connections_are_bounded_per_source_and_the_studio_gets_in(tmp_path):
    receiver, client = paired(tmp_path)
    try:
        client.status()  # the studio's address is known from its signed requests
        held, refused = [], 0
        for _ in range(40):
            sock = connect(receiver.port)
            held.append(sock)
        for sock in held:  # the 33rd and later get "503 busy" and are closed, before any request
            sock.settimeout(0.5)
            try:
                status, body = response(sock)
                refused += status == 503 and body.get("error") == "busy"
            except OSError:
                pass
        assert refused == 40 - 32, refused
        assert client.status()["receiver_id"] == client.receiver_id
        for sock in held:
            sock.close()
    finally:
        receiver.kill()


def test_a_flood_leaves_the_studio_playback_and_the_play_log_working(tmp_path):
    limit = 160
    receiver, client = paired(tmp_path, command=["prlimit", f"--nofile={limit}:{limit}", sys.executable, "-m",
                                                 "crs_receiver", "serve"])
    try:
        tone = tmp_path / "tin-khan.wav"
        sf.write(tone, (0.3 * np.sin(2 * np.pi * 440 * np.arange(24000) / 48000)).astype(np.float32), 48000)
        sha = hashlib.sha256(tone.read_bytes()).hexdigest()
        client.upload(tone, sha)
        due = datetime.now(UTC) + timedelta(seconds=6)
        client.put_manifest({"version": 1, "receiver_id": client.receiver_id, "items": [
            {"id": "khan-cap", "start": due.isoformat(), "media": [sha], "duration_s": 0.5, "start_mode": "hard",
             "priority": "emergency"}]})
        flood = []
        for n in range(2, 12):  # ten sources, more connections than the receiver has descriptors
            for _ in range(limit // 4):
                try:
                    flood.append(connect(receiver.port, source=f"127.0.0.{n}", timeout=2))
                except OSError:
                    pass
        for sock in flood:  # something to chew on for each: a request head never finished
            try:
                sock.sendall(head("GET", "/v1/status")[:-4])
            except OSError:
                pass
        assert client.status()["receiver_id"] == client.receiver_id  # the studio's reserve
        assert wait_for(lambda: any(e["item"] == "khan-cap" for e in client.playlog()), 20)
        entry = next(e for e in client.playlog() if e["item"] == "khan-cap")
        assert entry["outcome"] == "played", entry
        assert receiver.sound.played_bytes() > 0
        for sock in flood:
            sock.close()
        time.sleep(0.5)
        assert client.status()["receiver_id"] == client.receiver_id
    finally:
        receiver.kill()
