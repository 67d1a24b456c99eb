"""Demo content for a fresh install: the sample bulletins in studio/resources/demo/, read aloud
by the studio's own text-to-speech (normaliser + the default engine) and imported as
clips that keep their text, so the studio opens with something to listen to, edit,
render and re-synthesise. Used by `radio-studio seed-demo` (which the run-studio scripts
call with a local demo data folder); does nothing if the library already has clips.
"""

from __future__ import annotations

import logging

from studio import resources
from studio.errors import EngineUnavailable
from studio.launch import module_command
from studio.library import ClipLibrary
from studio.tts.engines import SpeechSettings, TtsEngine, create_engine

log = logging.getLogger(__name__)



def seed_demo(library: ClipLibrary, engine: TtsEngine | None = None) -> list[int]:
    """Import the demo bulletins if the library is empty; returns the new clip ids."""
    from studio.tts.bulletin import make_bulletin
    from studio.tts.lexicon_store import load_lexicon
    from studio.tts.normalizer import Normalizer
    from studio.tts.synthesis import SpeechCache, Synthesizer

    if library.clips() or library.clips(trash=True):
        return []
    try:
        engine = engine or create_engine()
    except EngineUnavailable as exc:
        log.warning("no speech engine, no demo clips: %s", exc.describe())
        return []
    synthesizer = Synthesizer(engine, SpeechCache(library.paths.speech_cache_dir), Normalizer(load_lexicon(library.conn)))
    ids = []
    for text_file in resources.demo_text_files():
        text = text_file.read_text(encoding="utf-8")
        lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        title = lines[0].capitalize()
        if len(title) <= 12 and len(lines) > 1:  # "THÔNG BÁO" alone says little
            title = f"{title}: {lines[1]}"
        ids.append(make_bulletin(library, synthesizer, text, SpeechSettings(), title=title).clip.id)
    seed_schedule(library, ids)
    log.info("demo content imported: clips %s", ids)
    return ids


DEMO_ACCOUNTS = (("quantri", "quantri-demo", "admin"), ("chutich", "chutich-demo", "approver"),
                 ("bientap", "bientap-demo", "editor"))


def seed_schedule(library: ClipLibrary, clip_ids: list[int]) -> None:
    """Demo accounts (see README), two zones with local rules, a programme of the demo
    bulletins waiting for approval, and its morning and evening broadcasts from today."""
    from datetime import datetime, time

    from studio.accounts.store import Accounts, Role
    from studio.programmes.model import Item, Spec
    from studio.programmes.workflow import Programmes
    from studio.schedule.slots import Slots
    from studio.schedule.zones import Policy, ZoneKind, Zones, parse_window

    accounts = Accounts(library.conn)
    if accounts.users() or not clip_ids:
        return
    admin = None
    for username, password, role in DEMO_ACCOUNTS:
        user = accounts.add(username, password, Role(role), by=admin)
        admin = admin or user
    editor = accounts.get("bientap")
    zones = Zones(library.conn, accounts)
    rules = Policy((parse_window("05:30-06:30"), parse_window("17:00-18:00")), max_sessions_per_day=2,
                   max_minutes_per_session=15, weekends=False)
    village = zones.add("Thôn 1", editor, ZoneKind.VILLAGE, "vi", rules)
    hamlet = zones.add("Làng Kon Klor", editor, ZoneKind.VILLAGE, "bahnar", Policy(max_minutes_per_session=45))
    items = tuple(Item(clip=clip_id) for clip_id in clip_ids)
    programmes = Programmes(library, accounts)
    programme = programmes.create(
        "Bản tin sáng", Spec(items[:1] + (Item(jingle="chuong-bao"),) + items[1:], "chuong-mo-dau",
                             "chuong-ket-thuc"), editor)
    from studio.audio.settings import RenderSettings
    from studio.programmes.render import render_all

    # waiting for the leader's approval: the newcomer approves it as chutich and publishes
    programmes.submit(programme.id, editor, render_all(programmes), RenderSettings().cache_fields())
    today = library.clock.today()
    slots = Slots(library.conn, accounts)
    for hour, minute in ((5, 45), (17, 15)):
        slots.add(programme.id, [village.id, hamlet.id], datetime.combine(today, time(hour, minute)), editor,
                  "FREQ=DAILY")


DEMO_RECEIVERS = (("Loa thôn 1 — nhà văn hoá", "Thôn 1"), ("Loa thôn 1 — chợ", "Thôn 1"),
                  ("Loa làng Kon Klor", "Làng Kon Klor"))
DEMO_PORT = 18761


def start_demo_receivers(library: ClipLibrary, output_device: str | None = None, base_port: int = DEMO_PORT,
                         broker_url: str | None = None) -> list:
    """Start the demo receivers as separate processes on loopback (ports 18761...), pair
    them on first start, and point the receivers table at them. With `broker_url`
    (studio/demo_broker.py) the second one connects out to that broker and is paired
    through it. Returns the processes."""
    import subprocess

    from crs_receiver.startup import wait_for_start

    from studio.demo_broker import BROKER_RECEIVER
    from studio.fleet.fleet import pair_receiver
    from studio.fleet.keys import StudioKey
    from studio.fleet.repository import FleetRepository
    from studio.library import now_utc

    key = StudioKey(library.paths.keys_dir)
    processes = []
    for index, (name, zone) in enumerate(DEMO_RECEIVERS):
        port = base_port + index
        via_broker = broker_url is not None and index == BROKER_RECEIVER
        folder = library.paths.data_dir / "demo-receivers" / (f"rx{index + 1}-mqtt" if via_broker else f"rx{index + 1}")
        command = [*module_command("studio"), "receiver", "serve", "--data-dir", str(folder), "--host",
                   "127.0.0.1", "--port", str(port), "--quota-mb", "512"]
        if output_device:
            command += ["--output-device", output_device]
        if via_broker:
            command += ["--broker", broker_url, "--name", name]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        processes.append(process)
        code, receiver_id = wait_for_start(process)
        url = f"{broker_url}/{receiver_id}" if via_broker else f"http://127.0.0.1:{port}"
        if code:
            try:
                pair_receiver(library, key, url, code, zone, name)
            except Exception as exc:  # a zone the user deleted: the receiver still runs, unpaired
                log.warning("demo receiver %s not paired: %s", name, exc)
        else:
            FleetRepository(library.conn, library.clock).set_address(name, url)
        log.info("demo receiver %s on %s (%s)", name, url, now_utc())
    return processes
