"""What every domestic speech platform adapter has in common: its voices (accent and
gender), its length limit, how a reading is cut to fit it, how the studio's speaking rate
becomes the provider's speed value, and the `ProviderClient` that sends its requests.

The client retries HTTP 429 and 5xx with exponential backoff (honouring Retry-After),
turns "cannot connect at all" into `ProviderOffline` (the job is queued), a read timeout
into `ProviderTimeout`, 401/403 into `ProviderAuthFailed` and 402 into
`ProviderQuotaExceeded`; each adapter reads its own error bodies on top.

Threading: a client holds one `requests.Session` per thread (sessions are not
thread-safe); its methods block, so call them off the UI thread.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

import requests

from studio.errors import (
    Cancelled,
    ProviderAuthFailed,
    ProviderFailed,
    ProviderOffline,
    ProviderQuotaExceeded,
    ProviderRateLimited,
    ProviderTimeout,
)
from studio.tts.engines import VoiceAccent

log = logging.getLogger(__name__)

# The studio's rate is syllables per minute; the providers' speed 1.0 reads at about this
# rate (a Vietnamese newsreader), so a setting of 150 asks for about 0.83 of it.
NATURAL_RATE = 180
CONNECT_TIMEOUT = 6.0  # seconds to open a connection before the provider counts as offline


class Gender(Enum):
    FEMALE = "female"
    MALE = "male"


@dataclass(frozen=True)
class ProviderVoice:
    id: str  # the provider's own voice code
    name: str  # the speaker's name as the provider gives it
    accent: VoiceAccent
    gender: Gender


class Adapter(Protocol):
    """One provider's published contract (each module cites its documentation)."""

    id: str
    label: str
    default_url: str
    max_chars: int
    voices: tuple[ProviderVoice, ...]

    def fetch(self, client: ProviderClient, text: str, voice: str, rate: int) -> bytes:
        """The audio (MP3 or WAV bytes) of `text`, at most `max_chars` characters."""
        ...


def speed_factor(rate: int) -> float:
    return rate / NATURAL_RATE


_CLAUSE = re.compile(r"(?<=[,;:–—])\s+")


def split_for_limit(text: str, limit: int) -> list[str]:
    """`text` (one sentence of the reading) in pieces of at most `limit` characters: whole
    when it fits, else whole clauses (cut after , ; : and dashes) packed together, a clause
    longer than the limit cut between words, and a single word longer than the limit (a
    URL) cut where it must."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    pieces: list[str] = []
    current = ""

    def flush() -> None:
        nonlocal current
        if current:
            pieces.append(current)
        current = ""

    def add(unit: str) -> None:
        nonlocal current
        candidate = f"{current} {unit}" if current else unit
        if len(candidate) <= limit:
            current = candidate
        else:
            flush()
            current = unit

    for clause in _CLAUSE.split(text):
        if len(clause) <= limit:
            add(clause)
            continue
        flush()
        for word in clause.split():
            while len(word) > limit:
                flush()
                pieces.append(word[:limit])
                word = word[limit:]
            if word:
                add(word)
        flush()  # the next clause starts a piece of its own
    flush()
    return pieces


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # requests in all for one call (429 and 5xx)
    first_delay: float = 0.5
    max_delay: float = 8.0


class ProviderClient:
    """Sends one provider's requests: its key, base URL, deadline and retries."""

    def __init__(self, provider: str, base_url: str, key: str, timeout: float = 30.0,
                 retry: RetryPolicy = RetryPolicy(), cancel: threading.Event | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.timeout = timeout
        self.retry = retry
        self.cancel = cancel
        self._sleep = sleep
        self._local = threading.local()

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.trust_env = False  # a proxy setting must not reroute loopback or the key
        return session

    def wait(self, seconds: float) -> None:
        """Sleep, waking early to honour cancellation."""
        end = time.monotonic() + seconds
        while (remaining := end - time.monotonic()) > 0:
            if self.cancel is not None and self.cancel.is_set():
                raise Cancelled()
            self._sleep(min(remaining, 0.1))

    def send(self, method: str, url: str, **kwargs) -> requests.Response:
        """One request, retried on 429 and 5xx; transport failures become typed errors.
        Returns the response for any other status (the adapter reads it)."""
        delay = self.retry.first_delay
        for attempt in range(1, self.retry.attempts + 1):
            if self.cancel is not None and self.cancel.is_set():
                raise Cancelled()
            try:
                # Connecting gets a short deadline of its own: a dead 3G link that swallows
                # packets is "offline" after seconds, not after the whole answer deadline.
                response = self.session().request(method, url, timeout=(min(CONNECT_TIMEOUT, self.timeout),
                                                                         self.timeout), **kwargs)
            except requests.ConnectTimeout as exc:  # no route: offline, like a refusal
                raise ProviderOffline(self.provider, self.base_url, "connect timeout") from exc
            except requests.exceptions.SSLError as exc:
                # Not offline: a wrong PC clock or an intercepting proxy; queueing it would retry
                # forever and tell no one.
                raise ProviderFailed(self.provider, 0, f"TLS: {str(exc)[:160]}") from exc
            except requests.ConnectionError as exc:
                raise ProviderOffline(self.provider, self.base_url, _reason(exc)) from exc
            except requests.Timeout as exc:
                raise ProviderTimeout(self.provider, self.timeout) from exc
            except requests.RequestException as exc:  # a cut or undecodable answer
                raise ProviderFailed(self.provider, 0, type(exc).__name__) from exc
            if response.status_code != 429 and response.status_code < 500:
                return response
            retry_after = _retry_after(response)
            if attempt == self.retry.attempts:
                if response.status_code == 429:
                    raise ProviderRateLimited(self.provider, retry_after or delay)
                raise ProviderFailed(self.provider, response.status_code, _snippet(response))
            wait = min(self.retry.max_delay, max(delay, retry_after or 0.0))
            log.info("%s answered %d; retrying in %.1f s (attempt %d of %d)", self.provider,
                     response.status_code, wait, attempt + 1, self.retry.attempts)
            self.wait(wait)
            delay = min(self.retry.max_delay, delay * 2)
        raise AssertionError("unreachable")

    def check_status(self, response: requests.Response) -> None:
        """The statuses every provider's gateway shares: a refused key, no credit left."""
        if response.status_code in (401, 403):
            raise ProviderAuthFailed(self.provider, response.status_code, _snippet(response))
        if response.status_code == 402:
            raise ProviderQuotaExceeded(self.provider, _snippet(response))


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _snippet(response: requests.Response) -> str:
    return response.text[:200].replace("\n", " ").strip()


def _reason(exc: Exception) -> str:
    text = str(exc)
    for mark in ("Connection refused", "Name or service not known", "nodename nor servname",
                 "getaddrinfo failed", "Temporary failure in name resolution", "Network is unreachable",
                 "No route to host"):
        if mark in text:
            return mark
    return type(exc).__name__


def quota_words(message: str) -> bool:
    """Whether a provider's free-text error speaks of an exhausted quota or balance (the
    published pages give no codes for it, only messages). Rate limits ("rate limit exceeded",
    answered 429 and retried) and a text over the length limit are not a quota: the officer
    would be told to top up an account that has credit left."""
    lowered = message.lower()
    if any(word in lowered for word in ("rate limit", "too many", "too long", "length", "độ dài", "quá dài")):
        return False
    return any(word in lowered for word in ("quota", "balance", "credit", "hết ký tự", "hết hạn mức", "hết số dư",
                                            "out of characters", "insufficient"))
