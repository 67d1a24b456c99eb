"""What a `POST /v1/pair` body says, over either transport (docs/protocol.md, "Pairing").

- HTTP (the studio talks to the receiver directly): `{"code", "studio"}`, the code itself.
- MQTT (through a broker, which is not trusted): `{"nonce", "proof", "studio"}`, never the
  code: `proof` is the HMAC keyed by the code (crs_protocol.pair_proof) over the signing
  studio key, the receiver id and the nonce. The receiver's broker password from then on
  is derived from the code and the nonce on both sides, and the answer carries a proof of
  its own. Over MQTT every guess counts against one budget, `BROKER_SOURCE`, whoever sends
  it (the broker hides addresses, and a fresh key per guess would evade a per-key count).

Threads: the asyncio loop (scrypt runs once per guess that is not locked out).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from crs_protocol import Signed, verify
from crs_protocol.pair_proof import answer_proof, broker_secret, code_key, request_proof, same
from crs_protocol.rx_seal import rx_mac_key

from crs_receiver.admission import parse_json

BROKER_SOURCE = "mqtt (all pairing through the broker)"


@dataclass
class PairBody:
    rid: str
    name: str
    signed: Signed
    code: str | None = None  # HTTP
    nonce: str | None = None  # MQTT
    proof: str | None = None
    key: bytes | None = None  # the code key, once a guess matched

    @classmethod
    def read(cls, call, rid: str) -> PairBody:
        """ValueError / KeyError / TypeError when it is not the documented JSON;
        SignatureProblem when the signature does not verify."""
        data = parse_json(call.body)
        name = str(data.get("studio", ""))[:100]
        if call.transport == "mqtt":
            nonce, proof = data["nonce"], data["proof"]
            if not (isinstance(nonce, str) and 16 <= len(nonce) <= 128 and isinstance(proof, str)) \
                    or "code" in data:
                raise ValueError("expected {nonce, proof, studio}")
            signed = verify(call.headers, call.method, call.path, call.body, rid)
            return cls(rid, name, signed, nonce=nonce, proof=proof)
        code = str(data["code"])
        return cls(rid, name, verify(call.headers, call.method, call.path, call.body, rid), code=code)

    def source(self, call) -> str:
        return BROKER_SOURCE if self.nonce is not None else call.source

    def matches(self, shown: str) -> bool:
        if self.nonce is None:
            return hmac.compare_digest(str(self.code).encode(), shown.encode())
        key = code_key(shown, self.rid)
        if same(self.proof, request_proof(key, self.signed.key, self.rid, self.nonce)):
            self.key = key
            return True
        return False

    def broker_secret(self) -> str | None:
        return None if self.key is None else broker_secret(self.key, self.signed.key, self.rid, self.nonce)

    def mac_key(self) -> str | None:
        return None if self.key is None else rx_mac_key(self.key, self.signed.key, self.rid, self.nonce)

    def answer_proof(self, name: str) -> str | None:
        return None if self.key is None else answer_proof(self.key, self.signed.key, self.rid, self.nonce, name)
