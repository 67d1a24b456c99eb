"""Text to speech through the real parts: pyttsx3 in its worker process driving
espeak-ng, the espeak-ng command line, the speech cache, the library, the CLI."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from studio.errors import Cancelled, EmptyText, SynthesisFailed, SynthesisTimeout, VoiceNotFound
from studio.tts.engines import EspeakNgEngine, Pyttsx3Engine, SpeechSettings
from studio.tts.normalizer import Normalizer
from studio.tts.synthesis import PAUSE_PARAGRAPH, PAUSE_SENTENCE, SpeechCache, SpeechSource, Synthesizer
from tests.support.cli import run
from tests.support.tools import require_tool

LONG = ("Các hộ ở vùng nguy cơ sạt lở di dời đến nơi an toàn trước mười bảy giờ ngày hai mươi lăm "
        "tháng mười một, mang theo giấy tờ tùy thân và lương thực cho ba ngày.")
SENTENCES = [LONG, "Xin cảm ơn bà con.", "Ủy ban nhân dân xã trân trọng thông báo.", LONG[:60] + "."]


def seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def samples(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2"), wav.getframerate()


@pytest.fixture(scope="module")
def espeak() -> str:
    return require_tool("espeak-ng")


def test_pyttsx3_lists_the_vietnamese_voices(espeak):
    voices = Pyttsx3Engine().voices()
    vietnamese = [v for v in voices if v.vietnamese]
    assert {v.id.rsplit("/", 1)[-1] for v in vietnamese} >= {"vi", "vi-vn-x-central", "vi-vn-x-south"}


def test_each_sentence_gets_its_own_audio(espeak, tmp_path):
    """pyttsx3 2.99 returns before espeak has finished a long sentence; unguarded, the
    rest of it lands in the next sentence's file. Compare every file with what the
    espeak-ng command line makes of the same sentence."""
    paths = Pyttsx3Engine(workers=1).synthesize(SENTENCES, SpeechSettings("", native_rate=150), tmp_path)
    assert len(paths) == len(SENTENCES)
    for i, (path, sentence) in enumerate(zip(paths, SENTENCES)):
        reference = tmp_path / f"ref{i}.wav"
        subprocess.run([espeak, "-v", "vi", "-s", "150", "-w", str(reference)], input=sentence.encode(), check=True)
        assert seconds(path) == pytest.approx(seconds(reference), rel=0.05), sentence


def test_two_workers_give_the_same_audio_as_one(espeak, tmp_path):
    one = Pyttsx3Engine(workers=1).synthesize(SENTENCES * 3, SpeechSettings("", 160), tmp_path / "one")
    two = Pyttsx3Engine(workers=2).synthesize(SENTENCES * 3, SpeechSettings("", 160), tmp_path / "two")
    # espeak carries a little state from one sentence to the next, so a worker's first
    # sentence may differ by a few milliseconds; a misrouted tail would differ by seconds
    assert [seconds(p) for p in two] == pytest.approx([seconds(p) for p in one], abs=0.03)


def test_bulletin_is_joined_with_pauses_and_cached(espeak, tmp_path):
    synthesizer = Synthesizer(Pyttsx3Engine(), SpeechCache(tmp_path / "cache"), Normalizer())
    text = "Thông báo lịch tiêm.\n\nNgày 5/6 tiêm tại trạm. Mang theo thẻ BHYT."
    first = synthesizer.synthesize(text, SpeechSettings(), tmp_path / "a.wav")
    assert [s.text for s in first.sentences] == ["Thông báo lịch tiêm.", "Ngày mùng năm tháng sáu tiêm tại trạm.",
                                                 "Mang theo thẻ bảo hiểm y tế."]
    assert first.cached_sentences == 0
    audio, rate = samples(first.path)
    quiet = np.abs(audio.astype(np.int32)) < 33  # below -60 dBFS
    runs, length = [], 0
    for q in quiet:
        if q:
            length += 1
        elif length:
            runs.append(length / rate)
            length = 0
    long_gaps = sorted(r for r in runs if r > 0.3)
    assert len(long_gaps) == 2  # after the heading paragraph and between the two sentences
    assert long_gaps[0] == pytest.approx(PAUSE_SENTENCE + 0.06, abs=0.08)
    assert long_gaps[1] == pytest.approx(PAUSE_PARAGRAPH + 0.06, abs=0.08)

    again = synthesizer.synthesize(text, SpeechSettings(), tmp_path / "b.wav")
    assert again.cached_sentences == 3
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()
    edited = synthesizer.synthesize(text.replace("5/6", "7/6"), SpeechSettings(), tmp_path / "c.wav")
    assert edited.cached_sentences == 2  # only the changed sentence is synthesised again
    slower = synthesizer.synthesize(text, SpeechSettings(rate=110), tmp_path / "d.wav")
    assert slower.cached_sentences == 0 and slower.duration_s > first.duration_s


def test_first_sentence_only_is_quick(espeak, tmp_path):
    synthesizer = Synthesizer(Pyttsx3Engine(), SpeechCache(tmp_path / "cache"), Normalizer())
    result = synthesizer.synthesize("Câu đầu tiên.\n" + "Câu sau. " * 50, SpeechSettings(), tmp_path / "p.wav",
                                    first_sentence_only=True)
    assert len(result.sentences) == 1 and result.duration_s < 3


def test_a_hanging_engine_is_killed_at_its_timeout(tmp_path):
    hang = [sys.executable, "-c", "import time; time.sleep(120)"]
    engine = Pyttsx3Engine(command=hang, timeout_base=1.0, timeout_per_char=0.0)
    started = time.monotonic()
    with pytest.raises(SynthesisTimeout) as caught:
        engine.synthesize(["Xin chào."], SpeechSettings("x"), tmp_path)
    assert time.monotonic() - started < 60  # killed at 1 s, not left to sleep its 120 s (slack: a busy machine)
    assert caught.value.seconds == pytest.approx(1.0)


def test_a_crashing_engine_is_a_clear_failure(tmp_path):
    crash = [sys.executable, "-c", "import sys; sys.stderr.write('espeak: no such library\\n'); sys.exit(3)"]
    with pytest.raises(SynthesisFailed, match="no such library"):
        Pyttsx3Engine(command=crash).synthesize(["Xin chào."], SpeechSettings("x"), tmp_path)


def test_a_silently_skipped_sentence_is_retried_in_a_fresh_process(tmp_path):
    """A stand-in worker that, like pyttsx3 on a bad day, skips the second sentence once."""
    marker = tmp_path / "skipped-once"
    script = tmp_path / "flaky_worker.py"
    script.write_text(f'''
import json, sys, wave, pathlib
request = json.loads(sys.stdin.read())
marker = pathlib.Path({str(marker)!r})
print(json.dumps({{"voice": "v"}}), flush=True)
for i, sentence in enumerate(request["sentences"]):
    if "skip me" in sentence and not marker.exists():
        marker.touch()
        print(json.dumps({{"index": i, "missing": True}}), flush=True)
        continue
    path = pathlib.Path(request["out_dir"]) / f"{{i}}.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050); w.writeframes(b"\\x10\\x00" * 2205)
    print(json.dumps({{"index": i, "path": str(path)}}), flush=True)
print(json.dumps({{"done": True}}), flush=True)
''')
    engine = Pyttsx3Engine(command=[sys.executable, str(script)], workers=1)
    paths = engine.synthesize(["one", "skip me", "three"], SpeechSettings("v"), tmp_path / "out")
    assert marker.exists() and len(paths) == 3 and all(p.exists() for p in paths)


def test_cancel_stops_the_worker(espeak, tmp_path):
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        Pyttsx3Engine(workers=1).synthesize([LONG] * 400, SpeechSettings(""), tmp_path, cancel=cancel)
    assert time.monotonic() - started < 20  # 400 long sentences take minutes; slack for a busy machine


def test_unknown_voice(espeak, tmp_path):
    with pytest.raises(VoiceNotFound):
        Pyttsx3Engine().synthesize(["Xin chào."], SpeechSettings("no-such-voice"), tmp_path)


def test_espeak_ng_command_line_engine(espeak, tmp_path):
    engine = EspeakNgEngine()
    assert any(v.vietnamese for v in engine.voices())
    synthesizer = Synthesizer(engine, SpeechCache(tmp_path / "cache"), Normalizer())
    result = synthesizer.synthesize("Xin chào bà con. Hôm nay trời đẹp.", SpeechSettings("vi-vn-x-south"),
                                    tmp_path / "s.wav")
    assert 1.5 < result.duration_s < 8
    with pytest.raises(EmptyText):
        synthesizer.synthesize(" ★ ", SpeechSettings("vi"), tmp_path / "e.wav")


def test_cli_normalize_voices_say_and_lexicon(espeak, tmp_path, data_dir):
    printed = subprocess.run([sys.executable, "-m", "studio", "--data-dir", str(data_dir), "tts", "normalize", "-"],
                             input="®Ò nghÞ bµ con nép thuÕ tr­íc 31/10.", capture_output=True, text=True, timeout=60)
    assert printed.returncode == 0
    assert printed.stdout.strip() == "Đề nghị bà con nộp thuế trước ngày ba mươi mốt tháng mười."
    assert "TCVN3" in printed.stderr

    flagged = run(data_dir, "tts", "normalize", "Liên hệ BQLDA.")
    assert "unknown abbreviation: 'BQLDA'" in flagged.stderr
    run(data_dir, "tts", "lexicon", "add", "--abbreviation", "BQLDA", "ban quản lý dự án")
    assert run(data_dir, "tts", "normalize", "Liên hệ BQLDA.").stdout.strip() == "Liên hệ ban quản lý dự án."
    assert "BQLDA" in run(data_dir, "tts", "lexicon").stdout
    run(data_dir, "tts", "lexicon", "remove", "BQLDA")
    run(data_dir, "tts", "lexicon", "remove", "BQLDA", expect=1)

    assert "vi-vn-x-south" in run(data_dir, "tts", "voices").stdout

    bulletin = tmp_path / "thong-bao.txt"
    bulletin.write_bytes("th«ng b¸o\n\n®Ò nghÞ bµ con ®Õn häp lóc 8h ngµy 5/12.".encode("latin-1"))
    clip_id = run(data_dir, "tts", "say", "--file", str(bulletin), "--rate", "140", "--voice", "aav/vi").stdout.strip()
    assert clip_id.isdigit()
    listing = run(data_dir, "clips").stdout
    assert "Thông báo" in listing

    from studio.library import ClipLibrary
    from studio.paths import StudioPaths
    from studio.storage.database import connect

    paths = StudioPaths.at(data_dir)
    clip = ClipLibrary(paths, connect(paths.database)).get(int(clip_id))
    source = SpeechSource.from_json(clip.speech_json)
    assert source.voice == "aav/vi" and source.rate == 140 and source.engine == "pyttsx3"
    assert source.text.startswith("Thông báo\n\nĐề nghị bà con đến họp lúc 8h ngày 5/12.")
    assert 3 < clip.duration_s < 15 and clip.loudness_lufs is not None

    again = run(data_dir, "tts", "say", "--again", clip_id, "--rate", "120").stdout.strip()
    redone = ClipLibrary(paths, connect(paths.database)).get(int(again))
    assert again != clip_id and redone.title == clip.title and redone.duration_s > clip.duration_s
    assert SpeechSource.from_json(redone.speech_json).voice == "aav/vi"  # kept from the first reading

    recording = tmp_path / "thu-am.wav"
    import soundfile as sf

    sf.write(recording, np.full(8000, 0.1, dtype=np.float32), 8000)
    recorded_id = run(data_dir, "import", str(recording)).stdout.strip()
    assert "not made from text" in run(data_dir, "tts", "say", "--again", recorded_id, expect=1).stderr
    run(data_dir, "tts", "say", "", expect=1)
    assert "no voice" in run(data_dir, "tts", "say", "Xin chào", "--voice", "nope", expect=1).stderr
    assert "cannot read" in run(data_dir, "tts", "say", "--file", str(tmp_path / "missing.txt"), expect=1).stderr
    binary = tmp_path / "van-ban.docx"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    assert "plain text" in run(data_dir, "tts", "say", "--file", str(binary), expect=1).stderr


def test_demo_bulletins_are_read_by_the_tts_and_render_for_broadcast(espeak, tmp_path, data_dir):
    from tests.support.cli import ebur128

    ids = run(data_dir, "seed-demo").stdout.split()
    assert len(ids) == 2
    # ...with a programme of them waiting for approval, two zones and a daily schedule
    assert "submitted" in run(data_dir, "programmes").stdout and "Làng Kon Klor" in run(data_dir, "zones").stdout
    from datetime import timedelta

    from studio.clock import Clock

    today = Clock().today()
    plan = run(data_dir, "schedule", "plan", "--from", today.isoformat(), "--to",
               (today + timedelta(days=6)).isoformat()).stdout
    assert "28 occurrences" in plan and "not approved" in plan
    assert "quantri" in run(data_dir, "users").stdout
    assert run(data_dir, "seed-demo").stdout.strip() == ""  # only into an empty library
    out = tmp_path / "ban-tin.opus"
    run(data_dir, "render", ids[0], "--out", str(out))
    loudness, true_peak = ebur128(out)
    assert loudness == pytest.approx(-16.0, abs=0.5) and true_peak <= -1.0
