"""Zalo AI, text to audio converter.

Published contract (https://zalo.ai/docs/api/text-to-audio-converter):
  POST https://api.zalo.ai/v1/tts/synthesize, header `apikey: <key>`, form fields
  `input` (the text, at most 2,000 characters), `speaker_id` (1 southern female,
  2 northern female, 3 southern male, 4 northern male), `speed` (0.8 .. 1.2),
  `encode_type` (0 wav, 1 mp3). Answer: JSON {"data": {"url": "<audio url>"},
  "error_code": 0, "error_message": "Successful."}; a non-zero `error_code` is a failure
  with its message. The audio URL can answer 404 for a moment after the reply, so it is
  polled until it is there (up to `ready_timeout`).
Tested against a loopback server that follows this contract (tests/support/tts_providers.py).
Threading: `fetch` blocks; any worker thread.
"""

from __future__ import annotations

import json
import time

from studio.errors import ProviderAuthFailed, ProviderFailed, ProviderQuotaExceeded, ProviderTimeout
from studio.tts.engines import VoiceAccent
from studio.tts.providers.base import Gender, ProviderClient, ProviderVoice, quota_words, speed_factor

N, S = VoiceAccent.NORTHERN, VoiceAccent.SOUTHERN
F, M = Gender.FEMALE, Gender.MALE


class ZaloAdapter:
    id = "zalo"
    label = "Zalo AI"
    default_url = "https://api.zalo.ai"
    max_chars = 2000
    voices = (
        ProviderVoice("2", "Nữ miền Bắc", N, F), ProviderVoice("4", "Nam miền Bắc", N, M),
        ProviderVoice("1", "Nữ miền Nam", S, F), ProviderVoice("3", "Nam miền Nam", S, M),
    )

    def __init__(self, ready_timeout: float = 60.0) -> None:
        self.ready_timeout = ready_timeout

    @staticmethod
    def speed(rate: int) -> float:
        return round(max(0.8, min(1.2, speed_factor(rate))), 2)

    def fetch(self, client: ProviderClient, text: str, voice: str, rate: int) -> bytes:
        form = {"input": text, "speaker_id": voice, "speed": str(self.speed(rate)), "encode_type": "1"}
        response = client.send("POST", client.url("/v1/tts/synthesize"), data=form, headers={"apikey": client.key})
        client.check_status(response)
        try:
            answer = response.json()
        except ValueError:
            raise ProviderFailed(self.id, response.status_code, "answer is not JSON") from None
        code = answer.get("error_code", 0)
        url = (answer.get("data") or {}).get("url")
        if response.status_code != 200 or code != 0 or not url:
            message = str(answer.get("error_message", ""))
            if "key" in message.lower() or code == 401:
                raise ProviderAuthFailed(self.id, response.status_code, message)
            if quota_words(message):
                raise ProviderQuotaExceeded(self.id, message)
            raise ProviderFailed(self.id, response.status_code, json.dumps(answer, ensure_ascii=False)[:200])
        deadline = time.monotonic() + self.ready_timeout
        interval = 0.25
        while True:
            audio = client.send("GET", url)
            if audio.status_code == 200 and audio.content:
                return audio.content
            if audio.status_code != 404:
                raise ProviderFailed(self.id, audio.status_code, audio.text[:200])
            if time.monotonic() + interval > deadline:
                raise ProviderTimeout(self.id, self.ready_timeout)
            client.wait(interval)
            interval = min(2.0, interval * 1.5)
