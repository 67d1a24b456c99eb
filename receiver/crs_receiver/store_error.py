"""The store's refusal, answered by the server as `{"error": code}` with the code's
usual status (docs/protocol.md)."""

from __future__ import annotations

from crs_protocol import ErrorCode, status_of


class StoreError(Exception):
    """A refusal the server answers as `{"error": code}` with the code's usual status."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status_of(code), code
