"""Pairing through a broker without the code on the wire (docs/protocol.md, "Accounts and
access"): what the studio and the receiver compute from the 8-digit code the receiver shows.

- The pairing account's broker password depends on the receiver id only
  (`pairing_account_password`): it is not a secret and tells nothing about the code; its
  role may only hear `crs/v1/pair/RID/req` and answer on `crs/v1/pair/RID/resp`.
- Both sides stretch the code with scrypt, salted by the receiver id (`code_key`), so that
  guessing the code from an intercepted proof costs 10^8 scrypt runs, not 10^8 hashes.
- The studio's request body carries a random `nonce` and `proof` = HMAC(code key, studio
  public key, receiver id, nonce): the receiver learns that the signer knows the code, and
  the proof binds the signing key (a broker cannot put its own key in front of it).
- The receiver's answer carries `proof` = HMAC(code key, "answer", studio key, receiver id,
  nonce, name): the studio learns that the answer came from the device that shows the code.
- The receiver's broker password from then on is derived the same way
  (`broker_secret`): it never travels.

Pure functions: safe from any thread.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 14, 8, 1  # 16 MiB, ~60 ms on a PC, a few hundred on a Pi


def pairing_account_password(receiver_id: str) -> str:
    """The unpaired receiver's broker password: from its id alone (not a secret)."""
    return hashlib.sha256(f"crs-pair-account\n{receiver_id}".encode()).hexdigest()[:32]


def new_nonce() -> str:
    return secrets.token_hex(16)


def code_key(code: str, receiver_id: str) -> bytes:
    return hashlib.scrypt(code.encode(), salt=f"crs-pair\n{receiver_id}".encode(), n=SCRYPT_N, r=SCRYPT_R,
                          p=SCRYPT_P, dklen=32)


def _mac(key: bytes, *parts: str) -> str:
    return hmac.new(key, "\n".join(parts).encode(), hashlib.sha256).hexdigest()


def request_proof(key: bytes, studio_key: str, receiver_id: str, nonce: str) -> str:
    return _mac(key, "crs-pair-request", studio_key, receiver_id, nonce)


def answer_proof(key: bytes, studio_key: str, receiver_id: str, nonce: str, name: str) -> str:
    return _mac(key, "crs-pair-answer", studio_key, receiver_id, nonce, name)


def broker_secret(key: bytes, studio_key: str, receiver_id: str, nonce: str) -> str:
    return _mac(key, "crs-broker-secret", studio_key, receiver_id, nonce)[:48]


def same(a: object, b: str) -> bool:
    return isinstance(a, str) and hmac.compare_digest(a.encode(), b.encode())
