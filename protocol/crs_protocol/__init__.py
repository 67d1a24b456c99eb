"""The studio ↔ receiver protocol, version 1 (docs/protocol.md), shared by both sides.

- `signing`: Ed25519 request signatures over method, path, body hash, counter, time and
  receiver id;
- `counters`: the per-key counters that make requests fresh without anyone's clock;
- `manifest`: the manifest schema and the priorities;
- `errors`: the error codes a receiver answers with, and their HTTP statuses.

Pure functions and immutable data only: safe from any thread. Depends on PyNaCl
(libsodium) alone, so a receiver installs it without anything of the studio.
"""

from crs_protocol.counters import (
    MAX_JUMP,
    REPLAY_WINDOW,
    TAG_BITS,
    CounterState,
    accept_counter,
    ahead_of_own_time,
    make_counter,
    refusal,
)
from crs_protocol.errors import CODES, ErrorCode, FaultCode, status_of
from crs_protocol.manifest import (
    MAX_ITEMS,
    MAX_MANIFEST_BYTES,
    PRIORITIES,
    RANK,
    SHA256,
    START_MODES,
    ManifestProblem,
    check_manifest,
    manifest_media,
)
from crs_protocol.signing import (
    H_COUNTER,
    H_KEY,
    H_RECEIVER,
    H_SIGNATURE,
    H_SIGNING,
    H_TIME,
    HEADERS,
    SIGNED_HEADERS,
    SIGNING_VERSION,
    VERSION,
    SignatureProblem,
    Signed,
    b64,
    canonical,
    canonical_v2,
    key_id,
    public_key_text,
    sign_headers,
    unb64,
    verify,
)

__version__ = "0.1.0"

__all__ = [
    "CODES", "H_COUNTER", "H_KEY", "H_RECEIVER", "H_SIGNATURE", "H_SIGNING", "H_TIME", "HEADERS", "SIGNED_HEADERS", "SIGNING_VERSION", "MAX_ITEMS",
    "MAX_JUMP", "MAX_MANIFEST_BYTES", "PRIORITIES", "RANK", "REPLAY_WINDOW", "SHA256", "START_MODES", "TAG_BITS", "VERSION",
    "CounterState", "ErrorCode", "FaultCode", "ManifestProblem", "SignatureProblem", "Signed", "accept_counter", "ahead_of_own_time", "refusal", "b64",
    "canonical", "canonical_v2",
    "check_manifest", "key_id", "make_counter", "manifest_media", "public_key_text", "sign_headers", "status_of",
    "unb64", "verify",
]
