"""Typed errors about receivers and what reaches them: unreachable, refused, faulty,
emergencies, the studio's signing key. Data only, no UI text. Thread-safe: plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio.errors.core import StreamFailure, StudioError


@dataclass
class ReceiverUnreachable(StudioError):
    """No answer from a receiver (offline, wrong address, network down, timeout)."""

    receiver_id: str
    address: str
    reason: str

    def describe(self) -> str:
        return f"receiver {self.receiver_id} at {self.address} is unreachable: {self.reason}"


@dataclass
class ReceiverError(StudioError):
    """A receiver refused a request (status and the protocol's error code)."""

    receiver_id: str
    status: int
    code: str
    message: str

    def describe(self) -> str:
        return f"receiver {self.receiver_id} refused: {self.status} {self.code} {self.message}".rstrip()


@dataclass
class UnreadableKey(StudioError):
    """The studio's signing key file is damaged or is not an unencrypted Ed25519 PKCS#8 key."""

    path: Path
    reason: str

    def describe(self) -> str:
        return f"the studio key {self.path} cannot be read: {self.reason}"


@dataclass
class ReceiverFault(StudioError):
    """A receiver answers but reports a fault of its own: `code` is the protocol's fault
    code (crs_protocol.FaultCode: "output-device", "scheduler"), `detail` its own text."""

    receiver_id: str
    code: str
    detail: str

    def describe(self) -> str:
        return f"receiver {self.receiver_id} reports {self.code}: {self.detail}"


@dataclass
class ReasonRequired(StudioError):
    """An editor who sends an emergency without an approver must say why."""

    username: str

    def describe(self) -> str:
        return f"{self.username}: an editor sending an emergency without an approver must give a reason"


@dataclass
class NoReceivers(StudioError):
    """An emergency for zones that have no paired receiver: nobody would hear it."""

    zones: tuple[str, ...]

    def describe(self) -> str:
        return f"no receiver is paired in {', '.join(self.zones)}"


@dataclass
class ReceiverIdTaken(StudioError):
    """A device being paired at `new_address` claims the `receiver_id` of a receiver the
    studio already has at `existing_address`: a clone, an impostor, or the same box moved.
    The existing row is left as it was; pairing again with `replace` repoints it."""

    receiver_id: str
    existing_address: str
    new_address: str

    def describe(self) -> str:
        return (f"the device at {self.new_address} claims receiver id {self.receiver_id}, already paired at "
                f"{self.existing_address}; nothing was changed (if the receiver moved, pair again with --replace)")


@dataclass
class InvalidBrokerAddress(StudioError):
    """A receiver or broker address that is not `mqtt[s]://HOST:PORT[/RECEIVER_ID]`."""

    address: str
    reason: str

    def describe(self) -> str:
        return f"{self.address!r} is not a broker address: {self.reason}"


@dataclass
class NoBrokerAccount(StudioError):
    """The studio has no account on this broker: run `broker serve` (its own Mosquitto) or
    `broker connect` (a province's broker) first."""

    broker: str

    def describe(self) -> str:
        return (f"the studio has no account on the broker {self.broker}: run `radio-studio broker serve` or "
                f"`radio-studio broker connect mqtt://{self.broker} --user U --password-stdin` first")



@dataclass
class StreamUnavailable(StudioError):
    """An external stream (a relay's URL) could not be reached or decoded."""

    url: str
    reason: str
    failure: StreamFailure = StreamFailure.UNREACHABLE

    def describe(self) -> str:
        return f"stream {self.url} cannot be relayed: {self.reason}"
