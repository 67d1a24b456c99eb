"""CLI commands for the domestic speech platforms: `tts provider set|list|remove` (the
officer's API key, entered once: `--key-stdin` so it never lands in the shell history)
and `tts queue` / `tts queue run` (bulletins waiting for a provider that was offline).
Main thread only.
"""

from __future__ import annotations

import argparse
import sys

from studio.cli.console import Parser
from studio.cli.runtime import open_library
from studio.context import StudioContext
from studio.errors import ProviderKeyMissing

PROVIDERS = ("fpt", "viettel", "zalo")


def add_parsers(tts_sub) -> None:
    p = tts_sub.add_parser("provider", help="API keys of the domestic speech platforms (FPT.AI, Viettel AI, Zalo AI)")
    provider_sub = p.add_subparsers(dest="provider_action", metavar="ACTION", required=True, parser_class=Parser)
    q = provider_sub.add_parser("set", help="enter a provider's API key (kept in the OS keyring or a 0600 file)")
    q.add_argument("provider", choices=PROVIDERS)
    q.add_argument("--key-stdin", action="store_true", required=True, help="read the key from standard input")
    q.add_argument("--url", help="another base URL for the provider's API (default: its published address)")
    q.set_defaults(func=_set)
    q = provider_sub.add_parser("list", help="the providers with a key, where it is kept, and their address")
    q.set_defaults(func=_list)
    q = provider_sub.add_parser("remove", help="forget a provider's key")
    q.add_argument("provider", choices=PROVIDERS)
    q.set_defaults(func=_remove)

    p = tts_sub.add_parser("queue", help="bulletins waiting for an offline provider: list (default) or run")
    p.set_defaults(func=_queue_list)
    queue_sub = p.add_subparsers(dest="queue_action", metavar="ACTION", parser_class=Parser)
    q = queue_sub.add_parser("run", help="make the waiting bulletins now; prints 'JOB CLIP' per bulletin made")
    q.set_defaults(func=_queue_run)


def _store(ctx: StudioContext):
    from studio.tts.providers.keys import KeyStore

    ctx.paths.ensure()
    return KeyStore(ctx.paths.data_dir)


def _set(args: argparse.Namespace, ctx: StudioContext) -> int:
    key = sys.stdin.readline().strip()
    if not key:
        raise ProviderKeyMissing(args.provider)
    config = _store(ctx).set(args.provider, key, args.url)
    print(f"{config.provider}: key saved ({config.place.value}), {config.effective_url()}")
    return 0


def _list(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.tts.providers.adapters import adapter_for

    for config in _store(ctx).configs():
        adapter = adapter_for(config.provider)
        print(f"{config.provider:<8}  {adapter.label:<10}  {config.place.value:<7}  {len(adapter.voices)} voices  "
              f"{config.effective_url()}")
    return 0


def _remove(args: argparse.Namespace, ctx: StudioContext) -> int:
    if not _store(ctx).remove(args.provider):
        print(f"radio-studio: error: no key is set for {args.provider}", file=sys.stderr)
        return 1
    return 0


def _queue_list(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.tts.speech_queue import jobs

    for job in jobs(ctx.connect(), state=None):
        first = job.text.strip().splitlines()[0][:40] if job.text.strip() else ""
        print(f"{job.id:>5}  {job.state:<7}  {job.engine:<8}  {job.voice:<22}  preview={job.preview_clip or '-'}  "
              f"clip={job.clip or '-'}  {first}")
    return 0


def _queue_run(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.tts.speech_queue import deliver_queued

    library = open_library(ctx)
    report = deliver_queued(library, lambda job: job_synthesizer(ctx, library.conn, job.engine, job.region))
    for job_id, clip_id in report.delivered:
        print(f"{job_id} {clip_id}")
    for job_id, error in report.held + report.failed:
        print(f"radio-studio: note: job {job_id}: {error}", file=sys.stderr)
    if report.still_offline:
        print("radio-studio: note: the provider is still unreachable; the rest stays queued", file=sys.stderr)
    return 0


def job_synthesizer(ctx: StudioContext, conn, engine_name: str, region: str):
    """A synthesiser for `engine_name` (a provider or a local engine) reading in `region`."""
    from studio.tts.engines import create_engine
    from studio.tts.lexicon_store import load_lexicon
    from studio.tts.normalizer import Normalizer
    from studio.tts.numbers import STYLES, Region
    from studio.tts.providers.registry import cloud_engine, is_provider
    from studio.tts.synthesis import SpeechCache, Synthesizer

    engine = cloud_engine(ctx.paths.data_dir, engine_name) if is_provider(engine_name) else create_engine(engine_name)
    return Synthesizer(engine, SpeechCache(ctx.paths.speech_cache_dir),
                       Normalizer(load_lexicon(conn), STYLES[Region(region)]))
