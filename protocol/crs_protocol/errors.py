"""The error codes of protocol v1 and the HTTP statuses they come with (docs/protocol.md).

A refusal is `{"error": <code>, "message": <English text>}`; the studio acts on the code,
never on the text. Immutable data: safe from any thread.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # signatures and pairing
    UNSIGNED = "unsigned"
    WRONG_RECEIVER = "wrong-receiver"
    BAD_SIGNATURE = "bad-signature"
    UNKNOWN_KEY = "unknown-key"
    NOT_PAIRED = "not-paired"
    REPLAY = "replay"
    COUNTER_AHEAD = "counter-ahead"  # a counter too far above the last seen, or above its own time
    ALREADY_PAIRED = "already-paired"
    WRONG_CODE = "wrong-code"
    CODE_EXPIRED = "code-expired"
    PAIRING_LOCKED = "pairing-locked"
    # requests
    MALFORMED = "malformed"
    TOO_LARGE = "too-large"
    HTTP = "http"
    BAD_AFTER = "bad-after"
    EXPIRED = "expired"  # a play-now whose valid_until has passed by the receiver's clock
    # limits (docs/protocol.md, section 8)
    CONTENT_ENCODING = "content-encoding"
    LENGTH_REQUIRED = "length-required"
    TIMEOUT = "timeout"
    BUSY = "busy"
    NOT_GRANTED = "not-granted"  # the broker refused the receiver a subscription the request needs
    # manifests
    INVALID_MANIFEST = "invalid-manifest"
    STALE_MANIFEST = "stale-manifest"
    MISSING_MEDIA = "missing-media"
    # media uploads (tus)
    BAD_NAME = "bad-name"
    CONTENT_TYPE = "content-type"
    BAD_OFFSET = "bad-offset"
    COMPLETE = "complete"
    OFFSET_MISMATCH = "offset-mismatch"
    NO_LENGTH = "no-length"
    LENGTH_MISMATCH = "length-mismatch"
    TOO_LONG = "too-long"
    QUOTA = "quota"
    HASH_MISMATCH = "hash-mismatch"


class FaultCode(StrEnum):
    """What went wrong inside a receiver, reported in its status as `last_error_code` next to
    `last_error` (the technical text, e.g. PortAudio's "Error querying device -1")."""

    OUTPUT_DEVICE = "output-device"  # the sound output could not be opened
    SCHEDULER = "scheduler"  # the playback engine hit an unexpected error (it goes on)


# The status each code is answered with; the first is the usual one (`wrong-receiver` is 401
# on a signature, 422 on a manifest for another receiver; `http` is whatever aiohttp refused).
CODES: dict[ErrorCode, tuple[int, ...]] = {
    ErrorCode.UNSIGNED: (401,),
    ErrorCode.WRONG_RECEIVER: (401, 422),
    ErrorCode.BAD_SIGNATURE: (401,),
    ErrorCode.UNKNOWN_KEY: (401,),
    ErrorCode.NOT_PAIRED: (403,),
    ErrorCode.REPLAY: (409,),
    ErrorCode.COUNTER_AHEAD: (409,),
    ErrorCode.ALREADY_PAIRED: (409,),
    ErrorCode.WRONG_CODE: (403,),
    ErrorCode.CODE_EXPIRED: (403,),
    ErrorCode.PAIRING_LOCKED: (429,),
    ErrorCode.MALFORMED: (400,),
    ErrorCode.TOO_LARGE: (413,),
    ErrorCode.HTTP: (400, 404, 405, 413),
    ErrorCode.BAD_AFTER: (400,),
    ErrorCode.EXPIRED: (410,),
    ErrorCode.CONTENT_ENCODING: (415,),
    ErrorCode.LENGTH_REQUIRED: (411,),
    ErrorCode.TIMEOUT: (408,),
    ErrorCode.BUSY: (503,),
    ErrorCode.NOT_GRANTED: (403,),
    ErrorCode.INVALID_MANIFEST: (422,),
    ErrorCode.STALE_MANIFEST: (409,),
    ErrorCode.MISSING_MEDIA: (424,),
    ErrorCode.BAD_NAME: (400,),
    ErrorCode.CONTENT_TYPE: (415,),
    ErrorCode.BAD_OFFSET: (400,),
    ErrorCode.COMPLETE: (409,),
    ErrorCode.OFFSET_MISMATCH: (409,),
    ErrorCode.NO_LENGTH: (400,),
    ErrorCode.LENGTH_MISMATCH: (409,),
    ErrorCode.TOO_LONG: (413,),
    ErrorCode.QUOTA: (413,),
    ErrorCode.HASH_MISMATCH: (422,),
}


def status_of(code: ErrorCode) -> int:
    """The usual HTTP status of `code`."""
    return CODES[code][0]
