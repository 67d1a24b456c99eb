"""Domestic text-to-speech platforms (FPT.AI, Viettel AI, Zalo AI) behind the `TtsEngine`
protocol; this package only re-exports."""

from studio.tts.providers.adapters import ADAPTERS, adapter_for
from studio.tts.providers.base import Gender, ProviderVoice, split_for_limit
from studio.tts.providers.cloud_engine import CloudEngine
from studio.tts.providers.keys import KeyStore, ProviderConfig

__all__ = ["ADAPTERS", "CloudEngine", "Gender", "KeyStore", "ProviderConfig", "ProviderVoice", "adapter_for",
           "split_for_limit"]
