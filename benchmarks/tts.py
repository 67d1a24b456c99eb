"""`python -m benchmarks.tts`: Vietnamese text to speech against the espeak-ng command line.

Printed, each the median of several runs in the same process:
- a 1,000-word bulletin (made from commune notices), normalised and synthesised by the
  studio (pyttsx3 worker processes driving espeak-ng, cold cache, joined WAV written)
  vs `espeak-ng -w` reading the already-normalised text: the ratio (target <= 1.5);
- the same bulletin again from the speech cache;
- time to the first sentence's audio ("Nghe thử" must start within a second);
- normalising alone, in MB of text per second (target >= 1);
- the speed setting: the bulletin at 120, 180 and 240 syllables/min, the rate the made
  clip reads at (target: within 10 %) and the length estimate against the clip's.
- a domestic-platform bulletin served from the speech cache (benchmarks/tts_domestic.py,
  target <= 50 ms).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from studio.resources import demo_text_files
from studio.tts.engines import Pyttsx3Engine, SpeechSettings
from studio.tts.normalizer import Normalizer
from studio.tts.speech_rate import count_syllables, read_wav16, speech_span
from studio.tts.synthesis import SpeechCache, Synthesizer, estimate_seconds

# Notices in the styles the normaliser must read: numbers, dates, money, units, phones.
EXTRA = """THÔNG BÁO THU THUẾ SỬ DỤNG ĐẤT PHI NÔNG NGHIỆP NĂM 2026

Chi cục Thuế khu vực thông báo: hạn nộp là ngày 31/10/2026. Các hộ có số thuế từ 50.000 đồng trở xuống được miễn. Mức thuế suất 0,03%; nộp chậm tính 0,03%/ngày.

TIN KHẨN CẤP VỀ CƠN BÃO SỐ 9

Hồi 16 giờ ngày 24/11, tâm bão ở khoảng 13,5 độ Vĩ Bắc; 112,8 độ Kinh Đông, gió mạnh cấp 12 (118-133 km/h). Từ đêm 24 đến ngày 26/11 có mưa 150-250mm. Ban Chỉ huy PCTT và TKCN xã đề nghị các hộ di dời trước 17h00 ngày 25/11. Liên hệ 0260 3821 115.

KẾ HOẠCH BẦU CỬ

Ngày bầu cử đại biểu HĐND nhiệm kỳ 2026-2031 là Chủ nhật, ngày 15/3/2026, từ 7 giờ đến 19 giờ. Toàn xã có 4.512 cử tri, 9 khu vực bỏ phiếu.
"""
RUNS = 3


def bulletin(words: int = 1000) -> str:
    paragraphs: list[str] = []
    sources = [p.read_text(encoding="utf-8") for p in demo_text_files()] + [EXTRA]
    pool = [para for text in sources for para in text.split("\n\n") if para.strip()]
    count, i = 0, 0
    while count < words:
        para = pool[i % len(pool)]
        take = para.split()[: words - count]
        paragraphs.append(" ".join(take) if len(take) < len(para.split()) else para)
        count += len(take)
        i += 1
    return "\n\n".join(paragraphs)


def main() -> int:
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        print("espeak-ng is not installed", file=sys.stderr)
        return 1
    text = bulletin()
    normalizer = Normalizer()
    spoken = normalizer.normalize(text).text
    voice = next(v.id for v in Pyttsx3Engine().voices() if v.vietnamese)
    # espeak-ng's own speed 150 on both sides, so the two do the same work (the studio's
    # syllables/min mapping is measured separately below)
    settings = SpeechSettings(voice, 150, native_rate=150.0)
    peer, ours, cached, first = [], [], [], []
    seconds = 0.0
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory(prefix="crs-bench-tts-") as work:
            work_dir = Path(work)
            started = time.perf_counter()
            subprocess.run([espeak, "-v", "vi", "-s", "150", "-w", str(work_dir / "peer.wav")],
                           input=spoken.encode("utf-8"), check=True)
            peer.append(time.perf_counter() - started)

            started = time.perf_counter()
            synthesizer = Synthesizer(Pyttsx3Engine(), SpeechCache(work_dir / "cache"), Normalizer())
            result = synthesizer.synthesize(text, settings, work_dir / "ours.wav")
            ours.append(time.perf_counter() - started)
            seconds = result.duration_s

            started = time.perf_counter()
            synthesizer.synthesize(text, settings, work_dir / "again.wav")
            cached.append(time.perf_counter() - started)

            started = time.perf_counter()
            Synthesizer(Pyttsx3Engine(), SpeechCache(work_dir / "cold"), Normalizer()).synthesize(
                text, settings, work_dir / "first.wav", first_sentence_only=True)
            first.append(time.perf_counter() - started)

    big = (text + "\n\n") * (2_000_000 // len(text.encode("utf-8")) + 1)
    rates = []
    for _ in range(RUNS):
        started = time.perf_counter()
        normalizer.normalize(big)
        rates.append(len(big.encode("utf-8")) / (time.perf_counter() - started) / 1e6)

    with tempfile.TemporaryDirectory(prefix="crs-bench-rate-") as work:
        speed = _speed(text, voice, Path(work))

    p, o = statistics.median(peer), statistics.median(ours)
    print(f"Text to speech, {len(text.split())}-word bulletin ({seconds / 60:.1f} min of speech), median of {RUNS}")
    print(f"  espeak-ng command line, normalised text: {p:6.2f} s")
    print(f"  studio (normalise + pyttsx3 + join):     {o:6.2f} s   ratio {o / p:.2f}  (target <= 1.5)")
    print(f"  studio again, from the speech cache:     {statistics.median(cached):6.2f} s")
    print(f"  first sentence ready (Listen):           {statistics.median(first):6.2f} s   (target < 1)")
    print(f"  normalising alone: {statistics.median(rates):.2f} MB/s of text  (target >= 1)")
    print(f"Speed setting (syllables/min, pyttsx3 voice {voice}; calibrating the voice took {speed[0]:.1f} s)")
    for target, measured, estimate, made in speed[1]:
        print(f"  set {target:3d}: clip reads {measured:5.1f}/min ({measured / target:.2f}x),"
              f" estimate {estimate / 60:5.2f} min vs clip {made / 60:5.2f} min ({estimate / made:.2f}x)")
    from benchmarks import tts_domestic

    tts_domestic.main()
    return 0


def _speed(text: str, voice: str, work_dir: Path) -> tuple[float, list[tuple[int, float, float, float]]]:
    """The speed setting against the clip: syllables of the reading per minute of speech
    (without the pauses between sentences), and the estimate against the clip's length."""
    synthesizer = Synthesizer(Pyttsx3Engine(), SpeechCache(work_dir / "cache"), Normalizer())
    started = time.perf_counter()
    synthesizer.rates.calibration(synthesizer.engine, voice)
    calibrating = time.perf_counter() - started
    rows = []
    for target in (120, 180, 240):
        result = synthesizer.synthesize(text, SpeechSettings(voice, target), work_dir / f"{target}.wav")
        audio, rate = read_wav16(result.path)
        speaking = speech_span(audio, rate) - sum(s.pause_after for s in result.sentences[:-1])
        measured = count_syllables(result.reading.text) / speaking * 60
        rows.append((target, measured, estimate_seconds(list(result.sentences), target), result.duration_s))
    return calibrating, rows


if __name__ == "__main__":
    sys.exit(main())
