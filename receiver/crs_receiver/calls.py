"""What a transport hands the handlers (`Call`) and gets back (`Answer`), the refusal
helper, and the shape of a route. Shared by handlers.py, its handler mixins and the
transports (server.py, mqtt_link.py). No I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from crs_protocol import ErrorCode, status_of


@dataclass
class Call:
    """One request as any transport delivers it. `path` has its query, exactly as signed;
    `headers` is case-insensitive (aiohttp's CIMultiDict, or one made from an envelope)."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    source: str
    transport: str = "http"
    params: dict[str, str] = field(default_factory=dict)

    @property
    def route(self) -> str:
        return self.path.partition("?")[0]

    @property
    def query(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.path.partition("?")[2], keep_blank_values=True).items()}


@dataclass
class Answer:
    """A reply: status, JSON body (None: no body), headers; `code` names a refusal."""

    status: int
    body: dict | None = None
    headers: dict[str, str] = field(default_factory=dict)
    code: str = ""

    @property
    def ok(self) -> bool:
        return self.status < 400


def refuse(code: ErrorCode, message: str, status: int | None = None, **extra) -> Answer:
    """A refusal: `{"error": code, "message": message, ...extra}` with the code's usual status."""
    return Answer(status if status is not None else status_of(code), {"error": code, "message": message, **extra},
                  code=code)


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern
    name: str
    limit: int
    signed: bool = True


