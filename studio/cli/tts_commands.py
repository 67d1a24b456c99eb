"""CLI commands for speech: `tts normalize`, `tts voices` (and `voices install FILE.onnx`,
`voices remove NAME` for Piper voice packs), `tts say`, `tts lexicon` (and, from
tts_provider_commands, `tts provider` and `tts queue` for the domestic platforms).

`normalize` prints exactly what will be read; what it could not read confidently, and a
legacy-font conversion, are reported on stderr as notes (exit status stays 0). `say`
synthesises, imports the speech as a clip and prints its id. Main thread only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio.cli import tts_provider_commands
from studio.cli.console import Parser
from studio.cli.runtime import open_library
from studio.context import StudioContext
from studio.errors import EmptyText, NoSpeechSource
from studio.tts.speech_rate import DEFAULT_RATE, RATE_RANGE

ENGINE_CHOICES = ["pyttsx3", "espeak-ng", "piper", *tts_provider_commands.PROVIDERS]



def add_parsers(sub) -> None:
    tts = sub.add_parser("tts", help="Vietnamese text to speech: normalize, voices, say, lexicon")
    tts_sub = tts.add_subparsers(dest="tts_command", metavar="TTS_COMMAND", required=True, parser_class=Parser)

    p = tts_sub.add_parser("normalize", help="print the text as it will be read ('-' reads stdin)")
    p.add_argument("text", nargs="?", default="-", metavar="TEXT")
    p.add_argument("--region", choices=["north", "south"], default="north", help="reading style (default north)")
    p.add_argument("--no-legacy", action="store_true", help="do not convert TCVN3/VNI text")
    p.set_defaults(func=_normalize)

    p = tts_sub.add_parser("voices", help="list the voices (default), install or remove a Piper voice pack")
    p.add_argument("--engine", choices=ENGINE_CHOICES,
                   help="default: pyttsx3 if installed, Piper's voices, then every provider with a key")
    p.add_argument("--all", action="store_true", help="also voices that are not Vietnamese")
    p.set_defaults(func=_voices)
    voices_sub = p.add_subparsers(dest="voices_action", metavar="ACTION", parser_class=Parser)
    q = voices_sub.add_parser("install", help="install a Piper voice (FILE.onnx, its .onnx.json beside it)")
    q.add_argument("file", type=Path, nargs="?", metavar="FILE.onnx")
    q.add_argument("--bundled", action="store_true",
                   help="the voices the installer brought (verified by sha256); those installed already are kept")
    q.add_argument("--name", help="install under this name (default: the file name without .onnx)")
    q.add_argument("--licence", "--license", dest="licence",
                   help="the voice's licence (default: from its MODEL_CARD or .onnx.json)")
    q.add_argument("--attribution", help="the credit to show in About (default: from its MODEL_CARD)")
    q.set_defaults(func=_voices_install)
    q = voices_sub.add_parser("remove", help="remove an installed Piper voice")
    q.add_argument("name", help="its name (as listed, with or without 'piper:')")
    q.set_defaults(func=_voices_remove)

    p = tts_sub.add_parser("say", help="synthesise a bulletin into the library; prints the clip id")
    p.add_argument("text", nargs="?", metavar="TEXT")
    p.add_argument("--file", type=Path, metavar="F", help="read the text from a file ('-' = stdin)")
    p.add_argument("--again", type=int, metavar="CLIP_ID",
                   help="read a synthesised clip's text again (its voice and settings unless given)")
    p.add_argument("--voice", help="voice id or name (default: the first Vietnamese voice); "
                                   "a provider's voice (fpt:banmai) speaks through that provider")
    p.add_argument("--rate", type=int, metavar="SYL_PER_MIN",
                   help=f"speed in syllables per minute, any engine ({RATE_RANGE[0]}-{RATE_RANGE[1]}, default {DEFAULT_RATE})")
    p.add_argument("--volume", type=float, help="0 to 1 (default 1)")
    p.add_argument("--region", choices=["north", "south"], help="reading style (default north)")
    p.add_argument("--title", help="clip title (default: the first line)")
    p.add_argument("--engine", choices=ENGINE_CHOICES, help="default: the one that has the voice")
    p.set_defaults(func=_say)

    p = tts_sub.add_parser("lexicon", help="the user dictionary: list (default), add or remove entries")
    p.set_defaults(func=_lexicon_list)
    lexicon_sub = p.add_subparsers(dest="lexicon_action", metavar="ACTION", parser_class=Parser)
    q = lexicon_sub.add_parser("add", help="add or replace an entry")
    q.add_argument("written", help="as written (Đăk Hà, XYZ)")
    q.add_argument("spoken", help="as read (Đắc Hà, ích y dét)")
    q.add_argument("--abbreviation", action="store_true",
                   help="an abbreviation (case-sensitive) instead of a pronunciation")
    q.set_defaults(func=_lexicon_add)
    q = lexicon_sub.add_parser("remove", help="remove an entry")
    q.add_argument("written")
    q.set_defaults(func=_lexicon_remove)

    tts_provider_commands.add_parsers(tts_sub)


def _style(region: str):
    from studio.tts.numbers import STYLES, Region

    return STYLES[Region(region)]


def _open_lexicon(ctx: StudioContext):
    from studio.tts.lexicon_store import load_lexicon

    return load_lexicon(ctx.connect())


def _read_text(text: str | None, file: Path | None) -> str:
    from studio.tts.bulletin import read_text_file

    if file is not None:
        return sys.stdin.read() if str(file) == "-" else read_text_file(file)
    if text is None or text == "-":
        return sys.stdin.read()
    return text


def _notes(reading) -> None:
    if reading.legacy is not None:
        print(f"radio-studio: note: converted from {reading.legacy.value} to Unicode", file=sys.stderr)
    for flag in reading.flags:
        print(f"radio-studio: note: {flag.kind.value}: {flag.token!r} at character {flag.source_start}",
              file=sys.stderr)


def _normalize(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.tts.normalizer import Normalizer

    lexicon = _open_lexicon(ctx) if ctx.paths.database.exists() else None
    reading = Normalizer(lexicon, _style(args.region)).normalize(_read_text(args.text, None),
                                                                 convert_legacy=not args.no_legacy)
    print(reading.text)
    _notes(reading)
    return 0


def _voices(args: argparse.Namespace, ctx: StudioContext) -> int:
    """Piper voices are listed even when not Vietnamese: the officer installed them; the
    domestic platforms' voices appear once their key is set."""
    from studio.tts.engine_set import create_speech_engine
    from studio.tts.providers.registry import cloud_engine, configured_engines, is_provider

    if is_provider(args.engine):
        engines = [cloud_engine(ctx.paths.data_dir, args.engine)]
    else:
        engines = [create_speech_engine(ctx.paths, args.engine)]
        if args.engine is None:
            engines += configured_engines(ctx.paths.data_dir)
    print(f"{'ID':<24}  {'LANGUAGES':<18}  NAME   ({', '.join(e.id for e in engines)})")
    for engine in engines:
        for voice in engine.voices():
            if voice.vietnamese or args.all or voice.engine == "piper":
                where = ", ".join(part for part in (voice.language_name, voice.country) if part)
                print(f"{voice.id:<24}  {','.join(voice.languages):<18}  {voice.name}" + (f"  ({where})" if where else ""))
    return 0


def _voice_store(ctx: StudioContext):
    from studio.tts.engine_set import piper_engine

    engine = piper_engine(ctx.paths)
    return engine, engine.store


def _voices_install(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.errors import EngineUnavailable
    from studio.tts.piper_engine import PiperEngine

    if not PiperEngine.installed():
        raise EngineUnavailable("piper", "piper-tts is not installed")
    engine, store = _voice_store(ctx)
    try:
        if args.bundled:
            return _install_bundled(engine, store)
        if args.file is None:
            print("radio-studio: error: give FILE.onnx or --bundled", file=sys.stderr)
            return 2
        _print_pack(store.install(args.file, engine.check, name=args.name, licence=args.licence,
                                  attribution=args.attribution))
        return 0
    finally:
        engine.close()


def _print_pack(pack) -> None:
    print(f"{pack.voice_id}  {pack.language}  sha256 {pack.sha256}")
    print(f"  licence: {pack.licence}; {pack.attribution}")
    if pack.licence == "unknown":
        print("radio-studio: note: no licence found; give it with --licence and --attribution", file=sys.stderr)


def _install_bundled(engine, store) -> int:
    from studio.tts.voice_packs import bundled_packs, bundled_voices_dir

    directory = bundled_voices_dir()
    installed = {pack.name for pack in store.packs()}
    for path in bundled_packs(directory) if directory is not None else []:
        if path.name.removesuffix(".onnx") not in installed:
            _print_pack(store.install(path, engine.check))
    return 0


def _voices_remove(args: argparse.Namespace, ctx: StudioContext) -> int:
    _engine, store = _voice_store(ctx)
    store.remove(args.name.removeprefix("piper:"))
    return 0


def _say(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.errors import EngineUnavailable
    from studio.tts.bulletin import make_bulletin
    from studio.tts.engine_set import create_speech_engine
    from studio.tts.engines import SpeechSettings
    from studio.tts.lexicon_store import load_lexicon
    from studio.tts.normalizer import Normalizer
    from studio.tts.providers.registry import cloud_engine, is_provider, provider_of_voice
    from studio.tts.speech_queue import speak_or_queue
    from studio.tts.synthesis import SpeechCache, SpeechSource, Synthesizer

    library = open_library(ctx)
    title = args.title
    defaults = SpeechSource("", args.engine or "", "", DEFAULT_RATE, 1.0, "north", "")
    if args.again is not None:
        clip = library.get(args.again)
        if clip.speech_json is None:
            raise NoSpeechSource(clip.id)
        defaults = SpeechSource.from_json(clip.speech_json)
        text, title = defaults.text, title or clip.title
    else:
        text = _read_text(args.text, args.file)
    if not text.strip():
        raise EmptyText()
    region = args.region or defaults.region
    normalizer = Normalizer(load_lexicon(library.conn), _style(region))
    volume = defaults.volume if args.volume is None else args.volume
    settings = SpeechSettings(args.voice if args.voice is not None else defaults.voice,
                              args.rate or defaults.rate, max(0.0, min(1.0, volume)))
    engine_name = args.engine or provider_of_voice(settings.voice) or (
        defaults.engine if args.again is not None else None)
    if engine_name != "piper" and settings.voice.startswith("piper:"):
        engine_name = None  # the engine set hands a piper: voice to Piper
    _notes(normalizer.normalize(text))
    if is_provider(engine_name):
        cloud = Synthesizer(cloud_engine(ctx.paths.data_dir, engine_name), SpeechCache(ctx.paths.speech_cache_dir),
                            normalizer)
        try:
            local = Synthesizer(create_speech_engine(ctx.paths), SpeechCache(ctx.paths.speech_cache_dir), normalizer)
        except EngineUnavailable:
            local = None
        spoken = speak_or_queue(library, cloud, local, text, settings, title=title)
        if spoken.queued_job is not None:
            print(f"radio-studio: note: {engine_name} is unreachable: queued as job {spoken.queued_job} "
                  f"(radio-studio tts queue run); clip {spoken.clip_id} is the local engine's reading meanwhile",
                  file=sys.stderr)
        print(spoken.clip_id)
        return 0
    engine = create_speech_engine(ctx.paths, engine_name)
    synthesizer = Synthesizer(engine, SpeechCache(ctx.paths.speech_cache_dir), normalizer)
    result = make_bulletin(library, synthesizer, text, settings, title=title)
    print(result.clip.id)
    return 0


def _lexicon_add(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.tts.lexicon_store import EntryKind, add_entry

    kind = EntryKind.ABBREVIATION if args.abbreviation else EntryKind.PRONUNCIATION
    add_entry(ctx.connect(), kind, args.written, args.spoken)
    return 0


def _lexicon_remove(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.tts.lexicon_store import remove_entry

    if remove_entry(ctx.connect(), args.written) == 0:
        print(f"radio-studio: error: no lexicon entry {args.written!r}", file=sys.stderr)
        return 1
    return 0


def _lexicon_list(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.tts.lexicon_store import entries

    for kind, written, spoken in entries(ctx.connect()):
        print(f"{kind.value:<13}  {written}	{spoken}")
    return 0
