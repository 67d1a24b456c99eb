"""The Piper worker process: `python -m studio.tts.piper_worker`.

Piper (ONNX Runtime under a neural voice) runs here, never in the studio's own process:
a model that hangs or crashes ONNX Runtime takes this process down, not the window, and
the parent kills it at its deadline. Unlike the pyttsx3 worker it stays alive between
jobs, because loading a voice costs most of a second and "Nghe thử" must be heard within
one: the parent keeps a few warm workers and sends them one job after another.

Protocol: JSON lines both ways; one request per line on stdin, the process ends at EOF.
  {"op": "load", "onnx", "config"}         -> {"loaded": true, "sample_rate"} then {"done": true}
  {"op": "check", "onnx", "config", "text", "length_scales"}
      -> {"sample_rate", "voiced_seconds": [one per length_scale], "peak"} then {"done": true}
      (speaks `text` at each length_scale, writes nothing: the install check and calibration)
  {"op": "synthesize", "onnx", "config", "length_scale", "volume", "out_dir", "sentences"}
      -> {"index": i, "path": "..."} per sentence, then {"done": true}
A failure -> {"error": "...", "kind": "load" | "synthesis"} and the worker waits for the
next request. Piper and ONNX Runtime may write to stdout, so the protocol keeps a private
copy of the stdout file descriptor and everything else goes to stderr.

Threading: one thread; one request at a time. ONNX Runtime gets one intra-op thread per
worker: the parent runs one worker per core, which keeps both cores busy with less
overhead than threads inside one session.
"""

from __future__ import annotations

import json
import os
import sys
import wave
from pathlib import Path

SILENCE = 10 ** (-50 / 20)  # below -50 dBFS is silence (as the synthesiser trims)


class _Voices:
    """Loaded voices by model path; the last two stay loaded (a preview and a bulletin
    may use different voices)."""

    def __init__(self) -> None:
        self.loaded: dict[tuple[str, str], object] = {}

    def get(self, onnx: str, config: str):
        key = (onnx, config)
        voice = self.loaded.pop(key, None)
        if voice is None:
            voice = _load(onnx, config)
        self.loaded[key] = voice
        while len(self.loaded) > 2:
            self.loaded.pop(next(iter(self.loaded)))
        return voice


def _load(onnx: str, config: str):
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    with open(config, encoding="utf-8") as file:
        config_dict = json.load(file)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = int(os.environ.get("CRS_PIPER_THREADS", "1"))
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(onnx, sess_options=options, providers=["CPUExecutionProvider"])
    return PiperVoice(session=session, config=PiperConfig.from_dict(config_dict))


def _speak(voice, text: str, length_scale: float | None, volume: float):
    """All of `text` as one float array (Piper splits it into its own sentences)."""
    import numpy as np
    from piper import SynthesisConfig

    chunks = [chunk.audio_float_array for chunk in voice.synthesize(
        text, SynthesisConfig(length_scale=length_scale, volume=volume))]
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)


def _write(path: Path, audio, rate: int) -> None:
    import numpy as np

    pcm = np.clip(np.round(audio * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.tobytes())


def _handle(request: dict, voices: _Voices, send) -> None:
    import numpy as np

    try:
        voice = voices.get(request["onnx"], request["config"])
    except Exception as exc:  # a corrupt or truncated model: the parent says which
        send({"error": f"{type(exc).__name__}: {exc}", "kind": "load"})
        return
    rate = voice.config.sample_rate
    try:
        if request["op"] == "load":
            send({"loaded": True, "sample_rate": rate})
        elif request["op"] == "check":
            voiced, peak = [], 0.0
            for scale in request.get("length_scales", [1.0]):
                audio = _speak(voice, request["text"], float(scale), 1.0)
                loud = np.flatnonzero(np.abs(audio) > SILENCE)
                voiced.append(float((loud[-1] - loud[0] + 1) / rate) if loud.size else 0.0)
                peak = max(peak, float(np.max(np.abs(audio))) if audio.size else 0.0)
            send({"sample_rate": rate, "voiced_seconds": voiced, "peak": peak})
        elif request["op"] == "synthesize":
            out_dir = Path(request["out_dir"])
            for index, sentence in enumerate(request["sentences"]):
                audio = _speak(voice, sentence, float(request["length_scale"]), float(request.get("volume", 1.0)))
                path = out_dir / f"{index:05d}.wav"
                _write(path, audio, rate)
                send({"index": index, "path": str(path)})
        else:
            raise ValueError(f"unknown op {request['op']!r}")
    except Exception as exc:  # reported to the parent, which raises a typed error
        send({"error": f"{type(exc).__name__}: {exc}", "kind": "synthesis"})
        return
    send({"done": True})


def main() -> int:
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def send(message: dict) -> None:
        protocol.write(json.dumps(message, ensure_ascii=False) + "\n")
        protocol.flush()

    voices = _Voices()
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        try:
            request = json.loads(line.decode("utf-8"))
        except ValueError as exc:
            send({"error": f"bad request: {exc}", "kind": "synthesis"})
            continue
        _handle(request, voices, send)
    return 0


if __name__ == "__main__":
    sys.exit(main())
