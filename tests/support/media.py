"""Phone-style audio files made in the test by FFmpeg (the ffmpeg tool, and PyAV's
libraries for AMR-NB, whose encoder the Debian ffmpeg lacks). No state; any thread."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.support.tools import require_tool

# name -> ffmpeg output options (the source is a 48 kHz mono WAV)
FFMPEG_FORMATS: dict[str, tuple[str, ...]] = {
    "memo.m4a": ("-c:a", "aac", "-b:a", "64k"),
    "memo-faststart.m4a": ("-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart"),
    "zalo.aac": ("-c:a", "aac", "-b:a", "48k", "-f", "adts"),
    "voice.webm": ("-c:a", "libopus", "-b:a", "32k"),
    "song.mp4": ("-c:a", "libmp3lame", "-b:a", "96k"),
    "talk.wma": ("-c:a", "wmav2", "-b:a", "64k"),
}


def ffmpeg(source: Path, out: Path, *options: str, video: bool = False) -> Path:
    tool = require_tool("ffmpeg")
    inputs = ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=10"] if video else []
    maps = ["-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-shortest"] if video else []
    subprocess.run([tool, "-v", "error", "-y", *inputs, "-i", str(source), *maps, *options, str(out)],
                   check=True, timeout=120)
    return out


#: `amr_nb` of 6 s of synthetic.speech_like at 48 kHz, made with PyAV 18.1.0: PyAV 18.1.1's
#: wheels dropped the opencore encoder (the decoder, which the import uses, is FFmpeg's own).
SHIPPED_AMR = Path(__file__).parent / "data" / "call.amr"


def amr_nb(source: Path, out: Path) -> Path:
    """AMR-NB at 8 kHz (a phone call recording) through FFmpeg's opencore encoder; without
    it, the shipped recording of the same 6 s of speech-like audio."""
    import av

    if "libopencore_amrnb" not in av.codecs_available:
        shutil.copyfile(SHIPPED_AMR, out)
        return out
    with av.open(str(source)) as src, av.open(str(out), "w", format="amr") as dst:
        stream = dst.add_stream("libopencore_amrnb", rate=8000)
        stream.layout = "mono"
        resampler = av.AudioResampler(format="s16", layout="mono", rate=8000)
        for frame in src.decode(audio=0):
            for converted in resampler.resample(frame):
                for packet in stream.encode(converted):
                    dst.mux(packet)
        for packet in stream.encode(None):
            dst.mux(packet)
    return out


def cut(path: Path, fraction: float = 0.6) -> Path:
    data = path.read_bytes()
    out = path.with_name("cut-" + path.name)
    out.write_bytes(data[: int(len(data) * fraction)])
    return out
