"""`python -m benchmarks.receiver_idle [--seconds N]`: what the MQTT link costs a receiver
at rest (issue 16), in one run: the same receiver (`python -m crs_receiver`, nothing of the
studio loaded) paired and idle, once over HTTP only and once with `--broker`
(paired through the project's Mosquitto, connected, status published every minute), and
Mosquitto itself alongside as the peer. Prints idle RSS (target ≤ 60 MB without --broker,
the Raspberry Pi budget) and idle CPU, and the ratio with/without.

The studio side here is a few lines over crs_protocol and paho (as the tests do), so the
figure is the receiver's alone.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.receiver import cpu_seconds, rss_mb


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_receiver(folder: Path, env: dict, extra: list[str]) -> tuple[subprocess.Popen, str, str]:
    from crs_receiver import wait_until_listening

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "crs_receiver", "serve", "--data-dir", str(folder),
                                "--host", "127.0.0.1", "--port", str(port), "--output-device", "benchspk", *extra],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    code = wait_until_listening(process)
    return process, code, f"http://127.0.0.1:{port}"


def pair_over_broker(account, key, rid: str, code: str, timeout: float = 30.0) -> None:
    import paho.mqtt.client as mqtt
    from crs_protocol import sign_headers
    from crs_protocol.mqtt import Envelope, pair_topic
    from paho.mqtt.enums import CallbackAPIVersion
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    from studio.broker import BrokerAdmin

    with BrokerAdmin.for_account(account) as admin:
        admin.create_pairing_account(rid)
    from crs_protocol import public_key_text
    from crs_protocol.pair_proof import broker_secret, code_key, new_nonce, request_proof

    studio, nonce, ck = public_key_text(key.verify_key), new_nonce(), code_key(code, rid)
    secret = broker_secret(ck, studio, rid, nonce)
    body = json.dumps({"nonce": nonce, "proof": request_proof(ck, studio, rid, nonce), "studio": "benchmark"}).encode()
    answered = threading.Event()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-{uuid.uuid4().hex[:8]}", protocol=mqtt.MQTTv5)
    client.username_pw_set(account.username, account.password)
    client.on_message = lambda _c, _u, m: answered.set() if json.loads(m.payload).get("status") == 200 else None
    client.connect(account.host, account.port)
    client.loop_start()
    client.subscribe(pair_topic(rid, "resp"), qos=1)
    deadline = time.monotonic() + timeout
    counter = time.time_ns() // 1000 << 10
    while not answered.is_set() and time.monotonic() < deadline:
        counter += 1
        headers = sign_headers(key, "POST", "/v1/pair", body, counter, rid, datetime.now(UTC))
        envelope = Envelope(uuid.uuid4().hex, "POST", "/v1/pair", headers, body)
        props = Properties(PacketTypes.PUBLISH)
        props.ResponseTopic = pair_topic(rid, "resp")
        props.CorrelationData = envelope.id.encode()
        client.publish(pair_topic(rid, "req"), envelope.to_bytes(), qos=1, properties=props)
        answered.wait(2.0)
    client.disconnect()
    client.loop_stop()
    if not answered.is_set():
        raise RuntimeError("the receiver did not pair through the broker")
    with BrokerAdmin.for_account(account) as admin:
        admin.promote_receiver(rid, secret)


def idle(process: subprocess.Popen, seconds: float) -> tuple[float, float]:
    time.sleep(2.0)
    start = cpu_seconds(process.pid)
    time.sleep(seconds)
    return rss_mb(process.pid), (cpu_seconds(process.pid) - start) / seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.receiver_idle")
    parser.add_argument("--seconds", type=float, default=10.0, help="idle measurement (default 10 s)")
    args = parser.parse_args(argv)
    from nacl.signing import SigningKey

    from studio.broker import BrokerProcess, BrokerSettings
    from studio.fleet.client import ReceiverClient
    from studio.fleet.keys import StudioKey

    with tempfile.TemporaryDirectory(prefix="crs-bench-idle-") as folder:
        work = Path(folder)
        home = work / "home"
        home.mkdir()
        (home / ".asoundrc").write_text(f'pcm.benchspk {{ type file  slave.pcm "null"  file "{work / "out.raw"}" '
                                        'format "raw" }\npcm.!default { type plug  slave.pcm "benchspk" }\n')
        env = dict(os.environ, HOME=str(home))

        process, code, url = start_receiver(work / "rx-http", env, [])
        try:
            ReceiverClient(url, StudioKey(work / "keys")).pair(code, "benchmark")
            http_rss, http_cpu = idle(process, args.seconds)
        finally:
            process.terminate()
            process.wait(10)

        broker = BrokerProcess(work / "broker", BrokerSettings("127.0.0.1", free_port()))
        account = broker.start()
        try:
            broker_rss_before = rss_mb(broker.process.pid)
            process, code, _url = start_receiver(work / "rx-mqtt", env, ["--broker", account.url])
            try:
                rid = json.loads((work / "rx-mqtt" / "receiver.json").read_text())["id"]
                pair_over_broker(account, SigningKey.generate(), rid, code)
                mqtt_rss, mqtt_cpu = idle(process, args.seconds)
                broker_rss = rss_mb(broker.process.pid)
            finally:
                process.terminate()
                process.wait(10)
        finally:
            broker.stop()

    print(f"Receiver at rest, {args.seconds:g} s each, same run (python -m crs_receiver, file-backed ALSA device)")
    print(f"  HTTP only:        idle RSS {http_rss:5.1f} MB  (target <= 60 MB)   idle CPU {http_cpu * 100:5.2f} % of one core")
    print(f"  with --broker:    idle RSS {mqtt_rss:5.1f} MB                     idle CPU {mqtt_cpu * 100:5.2f} % of one core")
    print(f"  ratio with/without: RSS {mqtt_rss / http_rss:.2f}x  (+{mqtt_rss - http_rss:.1f} MB for aiomqtt/paho)")
    print(f"  peer: Mosquitto RSS {broker_rss_before:.1f} MB empty, {broker_rss:.1f} MB with this receiver")
    return 0


if __name__ == "__main__":
    sys.exit(main())
