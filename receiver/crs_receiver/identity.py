"""Who a receiver is (`receiver.json`: id, name, and the device it was made on), kept so
that damage never silently changes it and a card cloned onto another device is noticed.

- The studio knows a receiver by its id and signs every request for it: an id invented
  after damage locks that studio out, and the officer cannot tell why. So when no sound
  copy of `receiver.json` is left but the folder shows the receiver had one (a damaged
  copy set aside, or a pairing, manifest or counters on disk), the receiver refuses to
  start (`IdentityLost`) with what to do: restore `receiver.json` from a backup, or make
  a new identity with the local action `crs-receiver new-identity` and pair again.
- `machine` is a digest of the device's hardware serial (a Raspberry Pi's serial number,
  else a network adapter's MAC address; never the raw value). A receiver started on a
  card whose `machine` is another device's was cloned from another receiver's SD-card
  image (it shares that receiver's id and pairing) or moved to new hardware: it says so
  at start, in its log and in its status (`identity_moved`), until the person at the
  device runs `crs-receiver new-identity` (a clone) or `crs-receiver keep-identity` (the
  same receiver on new hardware). docs/receiver.md, "Damaged state files and cloned SD
  cards".

Pure functions and one exception; the store calls them at start, under no lock.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from pathlib import Path

log = logging.getLogger(__name__)

SERIAL_FILES = (Path("/sys/firmware/devicetree/base/serial-number"), Path("/proc/device-tree/serial-number"))
# A sign that this folder belonged to a receiver that had an identity.
USED_FOLDER = ("receiver.json.damaged", "receiver.json.bak.damaged", "trust.json", "trust.json.bak",
               "replay.json", "manifest.json", "playlog.jsonl")


class IdentityLost(RuntimeError):
    """Every copy of `receiver.json` is damaged or gone from a folder that was in use."""

    def __init__(self, folder: Path) -> None:
        super().__init__(f"{folder / 'receiver.json'} and its copy are damaged or missing, but this folder was in "
                         "use: the receiver will not invent a new id (the studio would be locked out). Restore "
                         f"receiver.json from a backup, or run `crs-receiver new-identity --data-dir {folder}` "
                         "and pair the receiver again")
        self.folder = folder


def machine_fingerprint() -> str | None:
    """A digest of this device's hardware serial, or None when there is none to read."""
    for path in SERIAL_FILES:
        try:
            serial = path.read_bytes().strip(b"\x00\n ")
        except OSError:
            continue
        if serial:
            return hashlib.sha256(b"crs-serial:" + serial).hexdigest()[:16]
    node = uuid.getnode()
    if node >> 40 & 1:  # the multicast bit: a random number, no adapter was found
        return None
    return hashlib.sha256(b"crs-mac:%012x" % node).hexdigest()[:16]


def new_identity(machine: str | None) -> dict:
    return {"id": uuid.uuid4().hex[:16], "name": f"receiver-{secrets.token_hex(2)}", "machine": machine}


def folder_was_used(folder: Path) -> bool:
    return any((folder / name).exists() for name in USED_FOLDER)


def moved(identity: dict, machine: str | None) -> bool:
    """Whether this identity was made on another device (a cloned card, or new hardware)."""
    made_on = identity.get("machine")
    return made_on is not None and machine is not None and made_on != machine
