"""The broker's TLS certificate, remembered (docs/protocol.md, section 9, "TLS"): the
receiver keeps the certificate's SHA-256 from its first connection after pairing; one that
changes is logged in the security log and reported in the status, and the link goes on
(every message it acts on is still signed).

Threads: the receiver's asyncio loop; the store's write goes to the default executor.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
import time


async def check_certificate(link, client) -> None:
    """Compare the connected broker's certificate with the one seen before (on `link`)."""
    sock = client._client.socket()  # aiomqtt exposes no peer certificate of its own
    if not isinstance(sock, ssl.SSLSocket):
        return
    der = sock.getpeercert(binary_form=True) or b""
    fingerprint = hashlib.sha256(der).hexdigest()
    known = link.store.broker_fingerprint()
    if known is not None and known != fingerprint:
        link.certificate = {"changed": True, "was": known, "now": fingerprint,
                            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        link.requests.security.event(str(link.address), "the broker's certificate changed (was %s, now %s); "
                                     "signed messages only, playback goes on", known[:16], fingerprint[:16])
    if known != fingerprint:
        await asyncio.get_running_loop().run_in_executor(None, link.store.set_broker_fingerprint, fingerprint)
