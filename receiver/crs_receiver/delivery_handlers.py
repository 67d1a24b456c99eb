"""The handlers that deliver a schedule: media uploads (tus HEAD/PATCH), the manifest,
and the play log the studio pulls. A mixin of `Requests` (handlers.py), which supplies
`store` and `engine`; each handler runs behind its gate.

Threads: the asyncio loop; writes, fsyncs and log reads go to the default executor.
"""

from __future__ import annotations

import asyncio
import logging

from crs_protocol import ErrorCode, ManifestProblem, check_manifest, manifest_media

from crs_receiver.admission import parse_json
from crs_receiver.calls import Answer, Call, refuse

log = logging.getLogger(__name__)


class DeliveryHandlers:
    async def media_head(self, call: Call) -> Answer:
        held, length, complete = self.store.upload_state(call.params["sha"])
        headers = {"Tus-Resumable": "1.0.0", "Upload-Offset": str(held), "X-CRS-Complete": "1" if complete else "0",
                   "Cache-Control": "no-store"}
        if length is not None:
            headers["Upload-Length"] = str(length)
        return Answer(200, None, headers)

    async def media_patch(self, call: Call) -> Answer:
        sha = call.params["sha"]
        if call.headers.get("Content-Type") != "application/offset+octet-stream":
            return refuse(ErrorCode.CONTENT_TYPE, "PATCH bodies are application/offset+octet-stream")
        try:
            offset = int(call.headers["Upload-Offset"])
            declared = int(call.headers["Upload-Length"]) if "Upload-Length" in call.headers else None
            if offset < 0 or (declared is not None and declared <= 0):
                raise ValueError
        except (KeyError, ValueError):
            return refuse(ErrorCode.BAD_OFFSET, "Upload-Offset (and Upload-Length) must be non-negative integers")
        loop = asyncio.get_running_loop()
        new_offset, complete = await loop.run_in_executor(None, self.store.append, sha, offset, declared, call.body)
        return Answer(204, None, {"Tus-Resumable": "1.0.0", "Upload-Offset": str(new_offset),
                                  "X-CRS-Complete": "1" if complete else "0"})

    def manifest_problem(self, body: bytes) -> tuple[dict | None, Answer | None]:
        """The manifest in `body` if this receiver could install it now, else the refusal
        (missing media: `missing` lists them). No counter is taken here."""
        try:
            manifest = check_manifest(parse_json(body))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            return None, refuse(ErrorCode.MALFORMED, f"not valid JSON: {exc}")
        except ManifestProblem as exc:
            return None, refuse(ErrorCode.INVALID_MANIFEST, str(exc))
        if manifest["receiver_id"] != self.store.receiver_id:
            return None, refuse(ErrorCode.WRONG_RECEIVER, "this manifest is for another receiver", 422)
        current = self.store.manifest()
        if current is not None and manifest["version"] <= current["version"]:
            return manifest, refuse(ErrorCode.STALE_MANIFEST, f"version {manifest['version']} is not newer than "
                                                             f"{current['version']}")
        missing = sorted(sha for sha in manifest_media(manifest) if not self.store.has_media(sha))
        if missing:
            return manifest, refuse(ErrorCode.MISSING_MEDIA, "upload these first", missing=missing)
        return manifest, None

    async def put_manifest(self, call: Call) -> Answer:
        manifest, problem = self.manifest_problem(call.body)
        if problem is not None:
            return problem
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.store.install_manifest, manifest)
        self.engine.set_manifest(manifest)
        log.info("manifest version %d installed (%d items)", manifest["version"], len(manifest["items"]))
        return Answer(200, {"manifest_version": manifest["version"]})

    async def playlog(self, call: Call) -> Answer:
        try:
            after = int(call.query.get("after", "0"))
        except ValueError:
            return refuse(ErrorCode.BAD_AFTER, "after must be an integer")
        entries = await asyncio.get_running_loop().run_in_executor(None, self.store.playlog, after)
        return Answer(200, {"entries": entries})

    async def playlog_ack(self, call: Call) -> Answer:
        """The studio has stored every entry up to `seq`: over MQTT the receiver sends the
        play log from there on (HTTP studios pull with `after` and need not ack)."""
        try:
            seq = parse_json(call.body)["seq"]
            if not (isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0):
                raise ValueError
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return refuse(ErrorCode.MALFORMED, "expected {\"seq\": N}")
        await asyncio.get_running_loop().run_in_executor(None, self.store.set_playlog_acked, seq)
        return Answer(200, {"seq": self.store.playlog_acked()})

