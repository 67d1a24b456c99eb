"""Viettel AI (Viettel Cyberspace Center), text to speech.

Published contract (https://viettelgroup.ai/document/tts):
  POST https://viettelgroup.ai/voice/api/tts/v1/rest/syn with headers
  `Content-Type: application/json` and `token: <token id>` (made in the account's Token
  menu); JSON body {"text", "voice", "id" (the caller's request id, for tracing),
  "without_filter": false, "speed" (0.7 .. 1.3), "tts_return_option" (1 streaming,
  2 wav, 3 mp3)}. Success: 200 with the audio itself as the body, no polling.
  Voices: doanngocle, trinhthiviettrinh, hn-quynhanh (female, northern), phamtienquan
  (male, northern), hue-maingoc (female, central), hue-baoquoc (male, central),
  lethiyen, nguyenthithuyduyen (female, southern), hcm-minhquan (male, southern).
  A failure answers JSON with a non-200 status (401 for a bad token); the page gives no
  length limit, so requests are kept within 2,000 characters (the limit of its peers).
Tested against a loopback server that follows this contract (tests/support/tts_providers.py).
Threading: `fetch` blocks; any worker thread.
"""

from __future__ import annotations

import itertools

from studio.errors import ProviderFailed, ProviderQuotaExceeded
from studio.tts.engines import VoiceAccent
from studio.tts.providers.base import Gender, ProviderClient, ProviderVoice, quota_words, speed_factor

N, C, S = VoiceAccent.NORTHERN, VoiceAccent.CENTRAL, VoiceAccent.SOUTHERN
F, M = Gender.FEMALE, Gender.MALE
_REQUEST_IDS = itertools.count(1)


class ViettelAdapter:
    id = "viettel"
    label = "Viettel AI"
    default_url = "https://viettelgroup.ai"
    max_chars = 2000
    voices = (
        ProviderVoice("hn-quynhanh", "Quỳnh Anh", N, F), ProviderVoice("doanngocle", "Doãn Ngọc Lê", N, F),
        ProviderVoice("trinhthiviettrinh", "Trịnh Thị Việt Trinh", N, F),
        ProviderVoice("phamtienquan", "Phạm Tiến Quân", N, M),
        ProviderVoice("hue-maingoc", "Mai Ngọc", C, F), ProviderVoice("hue-baoquoc", "Bảo Quốc", C, M),
        ProviderVoice("lethiyen", "Lê Thị Yến", S, F), ProviderVoice("nguyenthithuyduyen", "Nguyễn Thị Thùy Duyên", S, F),
        ProviderVoice("hcm-minhquan", "Minh Quân", S, M),
    )

    @staticmethod
    def speed(rate: int) -> float:
        return round(max(0.7, min(1.3, speed_factor(rate))), 2)

    def fetch(self, client: ProviderClient, text: str, voice: str, rate: int) -> bytes:
        body = {"text": text, "voice": voice, "id": f"crs-{next(_REQUEST_IDS)}", "without_filter": False,
                "speed": self.speed(rate), "tts_return_option": 3}
        response = client.send("POST", client.url("/voice/api/tts/v1/rest/syn"), json=body,
                               headers={"token": client.key})
        client.check_status(response)
        kind = response.headers.get("Content-Type", "")
        if response.status_code == 200 and response.content and "json" not in kind:
            return response.content
        detail = response.text[:200]
        if quota_words(detail):
            raise ProviderQuotaExceeded(self.id, detail)
        raise ProviderFailed(self.id, response.status_code, detail)
