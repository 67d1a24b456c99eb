"""The known domestic speech platforms by id. Thread-safe: read-only after import.

VNPT SmartVoice is not here: its API is sold under contract and its request format is
not published on a public page we could cite."""

from __future__ import annotations

from collections.abc import Callable

from studio.errors import UnknownProvider
from studio.tts.providers.base import Adapter
from studio.tts.providers.fpt import FptAdapter
from studio.tts.providers.viettel import ViettelAdapter
from studio.tts.providers.zalo import ZaloAdapter

ADAPTERS: dict[str, Callable[[], Adapter]] = {"fpt": FptAdapter, "viettel": ViettelAdapter, "zalo": ZaloAdapter}


def adapter_for(provider: str) -> Adapter:
    try:
        return ADAPTERS[provider]()
    except KeyError:
        raise UnknownProvider(provider) from None
