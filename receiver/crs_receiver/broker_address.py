"""Where the receiver's broker is, and two small rules of its MQTT link (mqtt_link.py):
whether the broker granted a subscription, and whom a message over MQTT counts against.
Pure values: any thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from crs_protocol import H_KEY, key_id


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool = False
    ca_file: str | None = None

    @classmethod
    def parse(cls, url: str, tls: bool = False, ca_file: str | None = None) -> BrokerAddress:
        """mqtt://HOST:PORT or mqtts://HOST:PORT (TLS; so does `tls`)."""
        parts = urlsplit(url if "://" in url else f"mqtt://{url}")
        if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
            raise ValueError(f"not a broker address: {url!r} (mqtt://HOST:PORT)")
        tls = tls or parts.scheme == "mqtts" or ca_file is not None
        return cls(parts.hostname, parts.port or (8883 if tls else 1883), tls, ca_file)

    def __str__(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


class NotGranted(Exception):
    """The broker refused a subscription: the account lacks its role (not promoted yet)."""


def granted(codes) -> bool:
    return not any(getattr(code, "is_failure", False) or (isinstance(code, int) and code >= 0x80) for code in codes)


def source(headers) -> str:
    """Who a message over MQTT counts against (the security log's budget, pairing guesses):
    the studio key it claims, since the broker hides every address."""
    return f"key {key_id(str(headers.get(H_KEY, '')))}" if headers.get(H_KEY) else "mqtt"
