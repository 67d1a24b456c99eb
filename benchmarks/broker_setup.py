"""A studio ready to publish through a broker, for `benchmarks.broker` and the MQTT tests.

`approved_programme` makes an approved programme of synthetic speech scheduled daily in a
zone; `sim_fleet` creates, as the broker's administrator, the accounts of N simulated
receivers already paired with this studio (what `receivers add mqtt://...` leaves behind:
role crs-rx-RID, a secret password) and their rows in the studio database. The caller's
thread; the simulated receivers run on their own loop (benchmarks/sim_receivers.py).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import soundfile as sf

from benchmarks.sim_receivers import Fleet, SimReceiver
from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.audio.settings import RenderSettings
from studio.broker import BrokerAccount, BrokerAdmin
from studio.fleet.broker_account import save_account
from studio.fleet.keys import StudioKey
from studio.fleet.repository import FleetRepository
from studio.library import ClipLibrary
from studio.programmes.model import Item, Spec
from studio.programmes.render import render_all
from studio.programmes.workflow import Programmes
from studio.schedule.slots import Slots
from studio.schedule.zones import Policy, ZoneKind, Zones

ZONE = "Xã"


def approved_programme(library: ClipLibrary, folder: Path, seconds: float, start_in: timedelta = timedelta(hours=3),
                       zone: str = ZONE, title: str = "Bản tin") -> int:
    """An approved programme of `seconds` of speech, daily from now + `start_in`; its id."""
    accounts = Accounts(library.conn)
    names = {user.username: user for user in accounts.users()}
    admin = names.get("quantri") or accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    approver = names.get("chutich") or accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    path = folder / f"{title}-{seconds:.0f}.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, synthetic.speech_like(seconds), 48000, subtype="PCM_16")
    clip = library.import_file(path).clip.id
    programmes = Programmes(library, accounts)
    programme = programmes.create(title, Spec((Item(clip=clip),), "chuong-mo-dau"), admin)
    fields = RenderSettings().cache_fields()
    programmes.submit(programme.id, admin, render_all(programmes), fields)
    programmes.approve(programme.id, approver, render_all(programmes), fields)
    zones = Zones(library.conn, accounts)
    found = next((z for z in zones.all() if z.name == zone), None)
    found = found or zones.add(zone, admin, ZoneKind.AREA, "vi", Policy())
    start = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None, microsecond=0) + start_in
    Slots(library.conn, accounts).add(programme.id, [found.id], start, admin, "FREQ=DAILY")
    return programme.id


def use_broker(library: ClipLibrary, account: BrokerAccount) -> None:
    """The studio's account on this broker, where `broker connect` would have put it."""
    save_account(library.paths.data_dir, account)


def sim_fleet(library: ClipLibrary, key: StudioKey, account: BrokerAccount, count: int, zone: str = ZONE,
              prefix: str = "sim", host: str | None = None, port: int | None = None) -> Fleet:
    """`count` paired simulated receivers (not started) of this studio on that broker.
    `host`/`port`: where the receivers connect (a fault proxy), if not the broker itself."""
    zone_id = next(z.id for z in Zones(library.conn).all() if z.name == zone)
    repository = FleetRepository(library.conn, library.clock)
    receivers = []
    accounts = [(f"{prefix}{n:04d}", secrets.token_urlsafe(18)) for n in range(count)]
    with BrokerAdmin.for_account(account, timeout_s=60.0) as admin:
        admin.provision_receivers(accounts)
    for receiver_id, secret in accounts:
        repository.add_receiver(receiver_id, receiver_id, f"mqtt://{account.host}:{account.port}/{receiver_id}",
                                zone_id)
        receivers.append(SimReceiver(receiver_id, secret, key.public_text, host or account.host,
                                     port or account.port))
    return Fleet(receivers)
