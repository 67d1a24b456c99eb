"""The demo's MQTT broker: Mosquitto on loopback, the project's configuration, in the demo
data folder's `broker/` (where `radio-studio broker serve` keeps it, so the studio finds its
admin account there), when Mosquitto is installed. One demo receiver is paired through it
(studio/demo.py); without Mosquitto the demo runs with all its receivers over HTTP.

Caller's thread; the broker is a child process stopped with the demo.
"""

from __future__ import annotations

import logging

from studio.broker import BrokerProcess, BrokerSettings
from studio.broker.config import find_dynsec_plugin, find_mosquitto
from studio.errors import BrokerNotInstalled, BrokerUnavailable
from studio.library import ClipLibrary

log = logging.getLogger(__name__)

DEMO_BROKER_PORT = 18760
BROKER_RECEIVER = 1  # the second demo receiver ("Loa thôn 1 — chợ") goes through the broker


def start_demo_broker(library: ClipLibrary, port: int = DEMO_BROKER_PORT) -> BrokerProcess | None:
    """The running demo broker, or None (Mosquitto missing or the port taken: logged)."""
    try:
        find_mosquitto()
        find_dynsec_plugin()
    except BrokerNotInstalled as exc:
        log.warning("no MQTT broker for the demo (all demo receivers over HTTP): %s", exc.describe())
        return None
    broker = BrokerProcess(library.paths.data_dir / "broker", BrokerSettings("127.0.0.1", port))
    try:
        broker.start()
    except (BrokerUnavailable, OSError) as exc:
        log.warning("the demo's MQTT broker did not start (all demo receivers over HTTP): %s", exc)
        return None
    return broker
