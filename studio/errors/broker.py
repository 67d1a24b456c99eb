"""Typed errors about the MQTT broker: not installed, not reachable, refusing an admin
command. Data only, no UI text. Thread-safe: plain values.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.errors.core import StudioError


@dataclass
class BrokerNotInstalled(StudioError):
    """Mosquitto (or its dynamic-security plugin) is not on this machine."""

    what: str
    hint: str

    def describe(self) -> str:
        return f"{self.what} was not found: {self.hint}"


@dataclass
class BrokerUnavailable(StudioError):
    """The broker cannot be reached, refused the studio's account, or did not start."""

    address: str
    reason: str

    def describe(self) -> str:
        return f"the broker at {self.address} is unavailable: {self.reason}"


@dataclass
class BrokerRefused(StudioError):
    """The broker's dynamic-security plugin refused an admin command."""

    command: str
    reason: str

    def describe(self) -> str:
        return f"the broker refused {self.command}: {self.reason}"
