"""Typed errors of the domestic text-to-speech platforms (FPT.AI, Viettel AI, Zalo AI):
no key, key refused, quota used up, rate limited, unreachable, too slow, a refusal the
studio did not expect. Data only, no UI text. Thread-safe: plain values.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.errors.core import StudioError


@dataclass
class ProviderError(StudioError):
    """Base of the provider errors; `provider` is its id ("fpt", "viettel", "zalo")."""

    provider: str

    def describe(self) -> str:
        return f"speech provider {self.provider} failed"


@dataclass
class UnknownProvider(ProviderError):
    def describe(self) -> str:
        return f"unknown speech provider {self.provider!r} (known: fpt, viettel, zalo)"


@dataclass
class ProviderKeyMissing(ProviderError):
    """No API key was entered for this provider."""

    def describe(self) -> str:
        return f"no API key is set for speech provider {self.provider} (radio-studio tts provider set {self.provider})"


@dataclass
class ProviderAuthFailed(ProviderError):
    """The provider refused the key (wrong, revoked, expired): a state to fix, not to retry."""

    status: int
    detail: str

    def describe(self) -> str:
        return f"speech provider {self.provider} refused the API key: {self.status} {self.detail}".rstrip()


@dataclass
class ProviderQuotaExceeded(ProviderError):
    """The account's characters or credit are used up."""

    detail: str

    def describe(self) -> str:
        return f"speech provider {self.provider}: quota used up: {self.detail}".rstrip()


@dataclass
class ProviderRateLimited(ProviderError):
    """Still rate limited (HTTP 429) after the retries."""

    retry_after: float

    def describe(self) -> str:
        return f"speech provider {self.provider} is rate limiting; try again in {self.retry_after:.0f} s"


@dataclass
class ProviderOffline(ProviderError):
    """The provider cannot be reached at all (connection refused, DNS failure, no route):
    the job is queued and made when the link is back."""

    address: str
    reason: str

    def describe(self) -> str:
        return f"speech provider {self.provider} at {self.address} is unreachable: {self.reason}"


@dataclass
class ProviderTimeout(ProviderError):
    """The provider took longer than the deadline (to answer, or to make the audio)."""

    seconds: float

    def describe(self) -> str:
        return f"speech provider {self.provider} did not deliver the audio within {self.seconds:.0f} s"


@dataclass
class ProviderFailed(ProviderError):
    """Any other refusal or bad answer (a 4xx we do not know, 5xx after the retries,
    audio that does not decode)."""

    status: int
    detail: str

    def describe(self) -> str:
        return f"speech provider {self.provider} failed: {self.status} {self.detail}".rstrip()
