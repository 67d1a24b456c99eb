"""The pyttsx3 worker process: `python -m studio.tts.worker`.

pyttsx3 hangs or goes silent when re-entered, used from threads, or driven for long in
one process (its issues #193, #194, #327, #402, #419, #440), so the studio never imports
it: each job runs here, in a process of its own that the parent kills on timeout.

Protocol: one JSON request on stdin, then JSON lines on stdout:
  {"op": "voices"}                       -> {"voices": [{"id", "name", "languages"}...]}
  {"op": "synthesize", "voice", "rate", "word_gap", "volume", "out_dir", "sentences": [...]}
      ("rate" is the engine's own value, mapped from syllables/min by the parent;
      "word_gap", in espeak's 10 ms units, applies on the espeak driver only)
      -> {"voice": id} (or {"no_voice": wanted} and nothing more), then
         {"index": i, "path": "..."} or {"index": i, "missing": true} per sentence,
  then {"done": true}; a failure -> {"error": "..."} and exit status 1.
pyttsx3 prints to stdout on some platforms, so the protocol keeps a private copy of the
stdout file descriptor and everything else is sent to stderr.
"""

from __future__ import annotations

import ctypes
import json
import os
import queue
import sys
import wave
from pathlib import Path

ESPEAK_RATE = 22050  # what libespeak-ng produces for its own voices (pyttsx3 assumes it too)


def _voices(engine) -> list[dict]:
    voices = []
    for voice in engine.getProperty("voices"):
        languages = []
        for language in getattr(voice, "languages", None) or []:
            if isinstance(language, bytes):
                language = language.decode("utf-8", "replace").lstrip("\x05\x00 ")
            languages.append(str(language))
        voices.append({"id": str(voice.id), "name": str(voice.name or voice.id), "languages": languages})
    return voices


def _espeak_binding(engine):
    """pyttsx3's ctypes binding of libespeak-ng when the engine runs on its espeak driver.

    That driver's file output is unreliable (pyttsx3 2.98 and 2.99): its runAndWait
    can return while espeak, asynchronous in the RETRIEVAL mode pyttsx3 sets, is still
    synthesising; the next call then cancels the sentence, and the last buffer of a
    sentence is dropped when it arrives with the end-of-message event. So on espeak the
    worker keeps pyttsx3's initialisation and properties (voice, rate, volume) but takes
    the audio through its own callback and espeak_Synchronize."""
    driver = getattr(getattr(engine, "proxy", None), "_driver", None)
    module = type(driver).__module__ if driver is not None else ""
    if not module.endswith("drivers.espeak"):
        return None
    return sys.modules.get(module.rpartition(".")[0] + "._espeak")


ESPEAK_WORDGAP = 7  # espeakWORDGAP in espeak-ng's speak_lib.h (pyttsx3's binding names it EMPHASIS)
IN_FLIGHT = 8  # sentences queued in espeak at once (its queue is bounded)


def _synthesize_espeak(espeak, sentences: list[str], out_dir: Path, send) -> None:
    """Queue the sentences in espeak, each tagged with its number, and file the audio by
    tag as it arrives: no waiting between sentences, and no audio can change sentence."""
    buckets: dict[int, list[bytes]] = {}
    finished: queue.Queue = queue.Queue()

    def on_synth(wav, numsamples, events) -> int:
        tag = events[0].user_data or 0
        if wav and numsamples > 0:
            buckets.setdefault(tag, []).append(ctypes.string_at(wav, numsamples * 2))
        i = 0
        while events[i].type != espeak.EVENT_LIST_TERMINATED:
            if events[i].type == espeak.EVENT_MSG_TERMINATED:
                finished.put(tag)
            i += 1
        return 0

    espeak.SetSynthCallback(on_synth)
    queued = done = 0
    while done < len(sentences):
        while queued < len(sentences) and queued - done < IN_FLIGHT:
            espeak.Synth(sentences[queued].encode("utf-8"), flags=espeak.ENDPAUSE | espeak.CHARS_UTF8,
                         user_data=queued + 1)
            queued += 1
        tag = finished.get(timeout=120)
        index = tag - 1
        done += 1
        audio = b"".join(buckets.pop(tag, []))
        if not audio:
            send({"index": index, "missing": True})
            continue
        path = out_dir / f"{index:05d}.wav"
        with wave.open(str(path), "wb") as wav_file:
            wav_file.setnchannels(1)
            wav_file.setsampwidth(2)
            wav_file.setframerate(ESPEAK_RATE)
            wav_file.writeframes(audio)
        send({"index": index, "path": str(path)})


def _choose_voice(engine, wanted: str) -> str:
    """The voice id for `wanted` (an id or a name); "" picks the first Vietnamese voice."""
    voices = _voices(engine)
    for voice in voices:
        if wanted and wanted in (voice["id"], voice["name"]):
            return voice["id"]
        if not wanted and (any(lang.lower().startswith("vi") for lang in voice["languages"])
                           or "vietnam" in voice["name"].lower() or voice["name"].startswith("Microsoft An")):
            return voice["id"]
    raise LookupError(wanted or "(any Vietnamese voice)")


def _synthesize(engine, request: dict, send) -> None:
    try:
        voice = _choose_voice(engine, request.get("voice", ""))
    except LookupError as exc:
        send({"no_voice": str(exc)})
        return
    properties = {"voice": voice, "rate": int(request.get("rate", 150)), "volume": float(request.get("volume", 1.0))}
    send({"voice": voice})
    out_dir = Path(request["out_dir"])
    espeak = _espeak_binding(engine)
    if espeak is not None:
        # engine.setProperty only queues the change until a runAndWait; the espeak path
        # has none, so the driver applies them now.
        for name, value in properties.items():
            engine.proxy._driver.setProperty(name, value)
        espeak.SetParameter(ESPEAK_WORDGAP, max(0, int(request.get("word_gap", 0))), 0)
        _synthesize_espeak(espeak, request["sentences"], out_dir, send)
        return
    for name, value in properties.items():
        engine.setProperty(name, value)
    for index, sentence in enumerate(request["sentences"]):
        path = out_dir / f"{index:05d}.wav"
        engine.save_to_file(sentence, str(path))
        engine.runAndWait()
        if path.exists() and path.stat().st_size > 44:  # more than a bare WAV header
            send({"index": index, "path": str(path)})
        else:
            send({"index": index, "missing": True})


def main() -> int:
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def send(message: dict) -> None:
        protocol.write(json.dumps(message, ensure_ascii=False) + "\n")
        protocol.flush()

    try:
        request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
        import pyttsx3

        engine = pyttsx3.init()
        if request["op"] == "voices":
            send({"voices": _voices(engine)})
        elif request["op"] == "synthesize":
            _synthesize(engine, request, send)
        else:
            raise ValueError(f"unknown op {request['op']!r}")
        send({"done": True})
        return 0
    except Exception as exc:  # reported to the parent, which raises a typed error
        send({"error": f"{type(exc).__name__}: {exc}"})
        return 1


if __name__ == "__main__":
    sys.exit(main())
