"""FPT.AI Speech, text to speech v5.

Published contract (https://docs.fpt.ai/docs/en/speech/api/text-to-speech):
  POST https://api.fpt.ai/hmi/tts/v5, the text as the raw request body (3 to 5,000
  characters); headers `api-key` (the page's table writes `api_key`; both are sent),
  `voice` (banmai, thuminh, leminh: northern; myan, giahuy: central; lannhi, linhsan:
  southern), `speed` (-3 slowest .. 0 normal .. +3 fastest), `format` (mp3 | wav).
  Answer: JSON {"error": 0, "async": "<url of the mp3>", "message", "request_id"}; a
  non-zero `error` is a failure with its `message`. The file "may not exist right at the
  time of response": it appears at the async URL after 5 s to 2 min, so the adapter
  polls it (404/403 until ready) with growing intervals up to `ready_timeout`.
  The gateway answers 401 for a refused key and 429 when rate limited.
Tested against a loopback server that follows this contract (tests/support/tts_providers.py);
the real service cannot be reached from the test machines.
Threading: `fetch` blocks; any worker thread.
"""

from __future__ import annotations

import json
import time

from studio.errors import ProviderFailed, ProviderQuotaExceeded, ProviderTimeout
from studio.tts.engines import VoiceAccent
from studio.tts.providers.base import Gender, ProviderClient, ProviderVoice, quota_words, speed_factor

N, C, S = VoiceAccent.NORTHERN, VoiceAccent.CENTRAL, VoiceAccent.SOUTHERN
F, M = Gender.FEMALE, Gender.MALE


class FptAdapter:
    id = "fpt"
    label = "FPT.AI"
    default_url = "https://api.fpt.ai"
    max_chars = 5000
    min_chars = 3
    voices = (
        ProviderVoice("banmai", "Ban Mai", N, F), ProviderVoice("thuminh", "Thu Minh", N, F),
        ProviderVoice("leminh", "Lê Minh", N, M), ProviderVoice("myan", "Mỹ An", C, F),
        ProviderVoice("giahuy", "Gia Huy", C, M), ProviderVoice("lannhi", "Lan Nhi", S, F),
        ProviderVoice("linhsan", "Linh San", S, F),
    )

    def __init__(self, ready_timeout: float = 150.0) -> None:
        self.ready_timeout = ready_timeout

    @staticmethod
    def speed(rate: int) -> int:
        """-3..+3; each step taken as about 10 % of the normal rate (the page gives no scale)."""
        return max(-3, min(3, round((speed_factor(rate) - 1.0) / 0.1)))

    def fetch(self, client: ProviderClient, text: str, voice: str, rate: int) -> bytes:
        if len(text) < self.min_chars:
            text = text.ljust(self.min_chars, ".")  # the service refuses fewer than 3 characters
        headers = {"api-key": client.key, "api_key": client.key, "voice": voice, "speed": str(self.speed(rate)),
                   "format": "mp3", "Cache-Control": "no-cache"}
        response = client.send("POST", client.url("/hmi/tts/v5"), data=text.encode("utf-8"), headers=headers)
        client.check_status(response)
        try:
            answer = response.json()
        except ValueError:
            raise ProviderFailed(self.id, response.status_code, "answer is not JSON") from None
        if response.status_code != 200 or answer.get("error", 0) != 0 or not answer.get("async"):
            message = str(answer.get("message", ""))
            if quota_words(message):
                raise ProviderQuotaExceeded(self.id, message)
            raise ProviderFailed(self.id, response.status_code, json.dumps(answer, ensure_ascii=False)[:200])
        return self._poll(client, answer["async"])

    def _poll(self, client: ProviderClient, url: str) -> bytes:
        deadline = time.monotonic() + self.ready_timeout
        interval = 0.25
        while True:
            response = client.send("GET", url)
            if response.status_code == 200 and response.content:
                return response.content
            if response.status_code not in (403, 404):  # S3 says 403 or 404 for "not there yet"
                raise ProviderFailed(self.id, response.status_code, response.text[:200])
            if time.monotonic() + interval > deadline:
                raise ProviderTimeout(self.id, self.ready_timeout)
            client.wait(interval)
            interval = min(2.0, interval * 1.5)
