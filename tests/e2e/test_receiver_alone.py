"""The receiver installed alone, as on a Raspberry Pi: its two wheels in a fresh venv outside
the checkout, none of the studio's heavy dependencies with them, started, and paired with
from the studio.

Needs the network to PyPI, for pip only (the receiver's dependencies: aiohttp,
pynacl, numpy, soundfile, sounddevice; pip's own cache makes it quick when warm).
Nothing else leaves loopback: the receiver listens on 127.0.0.1, the studio's real
pairing client (studio.fleet.client) talks to it from this interpreter.
"""

from __future__ import annotations

import json
import os
import pwd
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from crs_receiver import wait_until_listening

from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey

pytestmark = pytest.mark.pypi

ROOT = Path(__file__).resolve().parents[2]
HEAVY = {"pyside6", "pyside6-essentials", "pyside6-addons", "shiboken6", "av", "scipy", "pyttsx3", "requests",
         "commune-radio-studio", "cryptography"}
PIP_TIMEOUT_S = 600


def pip_env(work: Path) -> dict[str, str]:
    """pip with the user's real cache (the test session moved HOME), nothing of this
    checkout on the path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.setdefault("PIP_CACHE_DIR", str(Path(pwd.getpwuid(os.getuid()).pw_dir) / ".cache" / "pip"))
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["TMPDIR"] = str(work)
    return env


def run(command: list, env: dict, cwd: Path, what: str) -> str:
    done = subprocess.run([str(c) for c in command], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=PIP_TIMEOUT_S)
    if done.returncode != 0:
        pytest.fail(f"{what} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(process: subprocess.Popen, timeout_s: float) -> str:
    """The pairing code, once the receiver listens; fails in `timeout_s` if it never does."""
    result: dict = {}

    def read() -> None:
        try:
            result["code"] = wait_until_listening(process)
        except RuntimeError as exc:
            result["error"] = str(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout_s)
    if "code" not in result:
        process.kill()
        pytest.fail(f"the receiver did not listen within {timeout_s} s: {result.get('error', 'no output')}")
    return result["code"]


@pytest.fixture(scope="module")
def receiver_venv(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("receiver-alone")
    assert ROOT not in work.parents  # outside the checkout
    env = pip_env(work)
    wheels = work / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", wheels, ROOT / "protocol", ROOT / "receiver"],
        env, work, "building the wheels")
    built = sorted(wheels.glob("*.whl"))
    assert [w.name.split("-")[0] for w in built] == ["crs_protocol", "crs_receiver"], built
    venv = work / "venv"
    run([sys.executable, "-m", "venv", venv], env, work, "making the venv")
    run([venv / "bin" / "python", "-m", "pip", "install", "-q", *built], env, work, "installing the wheels")
    return venv


def test_the_receiver_wheels_install_alone_start_and_pair(receiver_venv, tmp_path):
    env = pip_env(tmp_path)
    python = receiver_venv / "bin" / "python"
    installed = {p["name"].lower() for p in json.loads(run([python, "-m", "pip", "list", "--format=json"], env,
                                                            tmp_path, "pip list"))}
    assert {"crs-protocol", "crs-receiver", "aiohttp", "pynacl", "numpy", "soundfile",
            "sounddevice"} <= installed
    assert not installed & HEAVY, sorted(installed & HEAVY)
    # the venv's own copy runs, not this checkout's
    where = run([python, "-c", "import crs_receiver, crs_protocol; print(crs_receiver.__file__, crs_protocol.__file__)"],
                env, tmp_path, "import").split()
    assert all(Path(w).is_relative_to(receiver_venv) for w in where), where

    port = free_port()
    process = subprocess.Popen([receiver_venv / "bin" / "crs-receiver", "--data-dir", tmp_path / "rx", "--host",
                                "127.0.0.1", "--port", str(port)], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        code = listening(process, 30)
        assert len(code) == 8 and code.isdigit()
        client = ReceiverClient(f"http://127.0.0.1:{port}", StudioKey(tmp_path / "keys"), timeout=(5.0, 10.0))
        paired = client.pair(code, "UBND xã thử")
        assert paired["paired"] is True and paired["receiver_id"] == client.receiver_id
        status = client.status()  # a signed request, checked by the installed receiver
        assert status["receiver_id"] == paired["receiver_id"]
        assert status["protocol"] == "v1" and status["manifest_version"] is None
        assert status["relays"] == ["mp3"]  # no PyAV without the relay extra: AAC and HLS fall back
        assert (tmp_path / "rx" / "trust.json").is_file()
    finally:
        process.terminate()
        process.wait(10)

    # the local action from the same venv: afterwards the receiver wants a new pairing
    run([receiver_venv / "bin" / "crs-receiver", "reset-pairing", "--data-dir", tmp_path / "rx"], env, tmp_path,
        "reset-pairing")
    assert not (tmp_path / "rx" / "trust.json").exists()
