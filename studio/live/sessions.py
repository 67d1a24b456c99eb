"""A live session's records: who may go live (the emergency rule: an approver signed in,
or an editor with a reason; studio/fleet/emergency.py), the receivers of the zones, the
audit entries at the start (who, zones, receivers, reason) and at the end (how long, which
receivers carried it, the clip), and the recording imported into the library. The as-run
side comes back in each receiver's play log (a `live-<session>` entry, priority "live").

Threads: the caller's (one library connection per thread).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from studio.accounts.store import Accounts
from studio.errors import NoReceivers
from studio.fleet.emergency import Authority
from studio.fleet.keys import StudioKey
from studio.library import ClipLibrary
from studio.live.broadcast import LiveBroadcast, LiveTarget

log = logging.getLogger(__name__)


def targets_of(library: ClipLibrary, zone_names: list[str]) -> list[LiveTarget]:
    """Every receiver of the zones (NotFound for an unknown zone, NoReceivers for none)."""
    from studio.fleet.repository import FleetRepository
    from studio.schedule.zones import Zones

    zones = Zones(library.conn)
    zone_ids = [zones.get(name).id for name in zone_names]
    rows = FleetRepository(library.conn, library.clock).receivers_in_zones(zone_ids)
    if not rows:
        raise NoReceivers(tuple(zone_names))
    return [LiveTarget(row["id"], row["name"], row["receiver_id"], row["address"], live_key=row["live_key"])
            for row in rows]


def go_live(library: ClipLibrary, key: StudioKey, zone_names: list[str], device: str | int | None,
            authority: Authority, seconds: float | None = None, silence_s: float | None = None,
            record: bool = True) -> LiveBroadcast:
    """Record the start in the audit log, then open the microphone and start sending."""
    targets = targets_of(library, zone_names)
    recording = None
    if record:  # beside the recorder's takes, not among them (its recovery reads that folder)
        folder = library.paths.data_dir / "live"
        folder.mkdir(parents=True, exist_ok=True)
        recording = Path(tempfile.mkdtemp(prefix="session-", dir=folder)) / "live.wav"
    broadcast = LiveBroadcast(key, targets, device, authority.declared_by, zone_names, recording, seconds, silence_s)
    Accounts(library.conn).record(authority.declared_by, "live-start", "live", None, {
        "session": broadcast.session, "zones": list(zone_names), "receivers": [t.name for t in targets],
        "approved_by": authority.approved_by, "reason": authority.reason, "device": str(device)})
    broadcast.start()
    return broadcast


def finish(library: ClipLibrary, broadcast: LiveBroadcast, authority: Authority) -> int | None:
    """End the session, import what was said as a clip (its id, None if nothing), and
    record the end in the audit log."""
    broadcast.stop()
    from studio.fleet.repository import FleetRepository

    repository = FleetRepository(library.conn, library.clock)
    for target in broadcast.targets:  # receivers paired before keys were pinned: pinned now
        if target.live_key is not None:
            repository.pin_live_key(target.receiver_id, target.live_key, first_only=True)
    clip_id = None
    path = broadcast.recording
    if path is not None and path.exists() and broadcast.frames_sent:
        try:
            clip_id = library.import_file(path, title=f"Phát trực tiếp {broadcast.session[:8]}").clip.id
        except Exception:  # the broadcast happened; the audit entry must still be written
            log.exception("live session %s: the recording in %s was not imported", broadcast.session, path)
    if path is not None and clip_id is not None:
        path.unlink(missing_ok=True)
        path.parent.rmdir()
    Accounts(library.conn).record(authority.declared_by, "live-end", "live", clip_id, {
        "session": broadcast.session, "zones": broadcast.zones, "seconds": round(broadcast.elapsed_s, 2),
        "carried_by": [t.name for t in broadcast.targets if t.carried],
        "not_carried": [t.name for t in broadcast.targets if not t.carried],
        "dropped_input_blocks": broadcast.dropped_blocks + broadcast.capture.overflows, "clip": clip_id})
    return clip_id
