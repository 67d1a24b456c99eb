"""The approval workflow of programmes, and their rows in the database.

Approval (a commune's own programme must be approved by its leadership before
broadcast): draft → submitted → approved | rejected (with a comment). Submission renders
the programme and binds it to its content hash (the items' original audio, their edit
lists, the jingles, the render settings) and to the sha256 of each rendered language
version; approval re-renders and checks both. Any later change — to the programme or to
an edit of one of its clips — returns it to draft (`revalidate`). Every step is in the
audit log. One thread per `Programmes` (it holds the caller's connection).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from enum import Enum

from studio.accounts.store import STUDIO_ACTOR, Accounts, Role, User
from studio.errors import (
    AccessDenied,
    ApprovalError,
    ClipNotFound,
    InvalidProgramme,
    InvalidStreamItem,
    NotFound,
    StreamItemProblem,
    StudioError,
)
from studio.library import ClipLibrary, now_utc
from studio.programmes.model import (
    INTRO_GAP,
    Item,
    Programme,
    Spec,
    State,
    check_one_stream,
    jingle_info,
    stream_item,
)

RENDER_VERSION = 1  # bump when programme assembly changes what the same spec sounds like


class ProgrammeAction(Enum):
    """The steps of a programme written to the audit log (the value is what is stored)."""

    CREATE = "create"
    EDIT = "edit"
    DELETE = "delete"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    RETURNED_TO_DRAFT = "returned-to-draft"


class DraftReason(Enum):
    """Why the studio itself returned a programme to draft (stored as the entry's "reason")."""

    CONTENT_CHANGED = "content changed after submission"
    AUDIO_DIFFERS = "rendered audio differs from what was submitted"


def _programme(row: sqlite3.Row) -> Programme:
    return Programme(row["id"], row["title"], Spec.from_json(row["spec_json"]), State(row["state"]),
                     row["content_sha256"], json.loads(row["audio_json"] or "{}"), row["decided_by"],
                     row["decided_at"], row["comment"], row["created_at"], row["updated_at"])


class Programmes:
    def __init__(self, library: ClipLibrary, accounts: Accounts | None = None) -> None:
        self.library = library
        self.conn = library.conn
        self.accounts = accounts or Accounts(library.conn)

    # -- reading ---------------------------------------------------------------------------
    def get(self, programme_id: int) -> Programme:
        row = self.conn.execute("SELECT * FROM programmes WHERE id = ? AND deleted_at IS NULL",
                                (programme_id,)).fetchone()
        if row is None:
            raise NotFound("programme", str(programme_id))
        return _programme(row)

    def all(self) -> list[Programme]:
        return [_programme(r) for r in self.conn.execute("SELECT * FROM programmes WHERE deleted_at IS NULL ORDER BY id")]

    def durations(self, spec: Spec) -> dict[str, float]:
        """Seconds per language version, from the clips' edited lengths (no decoding)."""
        return {lang: self._duration(spec, lang) for lang in spec.languages()}

    def duration(self, spec: Spec, language: str = "vi") -> float:
        return self._duration(spec, language)

    def _item_seconds(self, item: Item, language: str) -> float:
        if item.jingle is not None:
            return jingle_info(item.jingle)[1]
        clip_id = item.clip_for(language)
        clip = self.library.get(clip_id)
        return self.library.edits(clip_id).validate(clip.duration_s, clip_id)

    def _duration(self, spec: Spec, language: str) -> float:
        stream = spec.stream_item()
        if stream is not None:  # a relay lasts its declared duration, whatever its backup
            return stream.duration_s
        total = 0.0
        for index, item in enumerate(spec.items):
            total += self._item_seconds(item, language)
            if index > 0:
                total -= min(item.crossfade, total)
            if index < len(spec.items) - 1:
                total += item.gap_after if spec.items[index + 1].crossfade <= 0 else 0.0
        for jingle in (spec.intro, spec.outro):
            if jingle:
                total += jingle_info(jingle)[1] + INTRO_GAP
        return total

    # -- content hash ------------------------------------------------------------------------
    def content_hash(self, spec: Spec, settings_fields: dict) -> str:
        """What the audio is made of: every clip's original and edit list, every jingle,
        the spec and the render settings. The same hash means the same rendered audio."""
        parts: dict = {"spec": json.loads(spec.to_json()), "settings": settings_fields, "version": RENDER_VERSION,
                       "clips": self.clip_fingerprints(spec), "jingles": {}}
        names = {i.jingle for i in spec.items if i.jingle} | {spec.intro, spec.outro} - {None}
        if spec.bed is not None and spec.bed.jingle:
            names.add(spec.bed.jingle)
        for name in sorted(names):
            parts["jingles"][name] = jingle_info(name)[0]
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()

    def clip_fingerprints(self, spec: Spec) -> dict[str, list]:
        """Per clip (id as text): its original's hash and its edit list. Kept with each
        submission, so a later change can be traced to the clip that changed."""
        return {str(clip_id): self.clip_fingerprints_of(clip_id) for clip_id in sorted(spec.clip_ids())}

    def clip_fingerprints_of(self, clip_id: int) -> list:
        """[original's sha256, edit list] of one clip; `ClipNotFound` when it is in the trash."""
        clip = self.library.get(clip_id)
        return [clip.source_sha256, json.loads(self.library.edits(clip_id).to_json())]

    # -- writing -----------------------------------------------------------------------------
    def check_spec(self, spec: Spec) -> None:
        if not spec.items:
            raise InvalidProgramme("a programme needs at least one item")
        check_one_stream(spec.items)
        for item in spec.items + ((spec.bed,) if spec.bed else ()):
            if item.stream is not None:
                if item is spec.bed:
                    raise InvalidProgramme("a stream cannot be the music bed")
                if stream_item(item.stream, item.duration_s).stream != item.stream:  # kept exactly as checked
                    raise InvalidStreamItem("a stream address has spaces around it", StreamItemProblem.NOT_A_URL)
                continue
            if (item.clip is None) == (item.jingle is None):
                raise InvalidProgramme("each item is either a clip, a jingle or a stream")
            if item.gap_after < 0 or item.crossfade < 0 or item.crossfade > 10 or item.gap_after > 60:
                raise InvalidProgramme("gaps must be 0-60 s and crossfades 0-10 s")
        for name in ({spec.intro, spec.outro} - {None}) | {i.jingle for i in spec.items if i.jingle}:
            jingle_info(name)
        for clip_id in spec.clip_ids():
            try:
                self.library.get(clip_id)
            except ClipNotFound:
                raise InvalidProgramme(f"clip {clip_id} is not in the library") from None
        for lang in spec.languages():
            self._duration(spec, lang)  # raises on an edit list that no longer fits

    def create(self, title: str, spec: Spec, by: User) -> Programme:
        if not title.strip():
            raise InvalidProgramme("the title is empty")
        self._require(by, Role.EDITOR, "write programmes")
        self.check_spec(spec)
        now = now_utc()
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            cur = self.conn.execute(
                "INSERT INTO programmes (title, spec_json, created_at, updated_at) VALUES (?,?,?,?)",
                (title.strip(), spec.to_json(), now, now))
            self.accounts.record(by.username, ProgrammeAction.CREATE.value, "programme", cur.lastrowid, {"title": title.strip()})
        return self.get(cur.lastrowid)

    def update(self, programme_id: int, by: User, title: str | None = None, spec: Spec | None = None) -> Programme:
        """Change the title or the items; a submitted or approved programme returns to draft."""
        self._require(by, Role.EDITOR, "edit programmes")
        current = self.get(programme_id)
        spec = spec or current.spec
        self.check_spec(spec)
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(
                """UPDATE programmes SET title = ?, spec_json = ?, state = 'draft', content_sha256 = NULL,
                       audio_json = NULL, updated_at = ? WHERE id = ?""",
                ((title or current.title).strip(), spec.to_json(), now_utc(), programme_id))
            detail = {"returned_to_draft": current.state is not State.DRAFT, "was": current.state.value}
            self.accounts.record(by.username, ProgrammeAction.EDIT.value, "programme", programme_id, detail)
        return self.get(programme_id)

    def delete(self, programme_id: int, by: User) -> None:
        self._require(by, Role.EDITOR, "delete programmes")
        self.get(programme_id)
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("UPDATE programmes SET deleted_at = ? WHERE id = ?", (now_utc(), programme_id))
            self.accounts.record(by.username, ProgrammeAction.DELETE.value, "programme", programme_id, {})

    def submit(self, programme_id: int, by: User, render: Callable[[Programme], dict[str, str]],
               settings_fields: dict) -> Programme:
        """Render every language version and send the programme for approval."""
        self._require(by, Role.EDITOR, "submit programmes")
        programme = self.revalidate(programme_id, settings_fields)
        if programme.state not in (State.DRAFT, State.REJECTED):
            raise ApprovalError(programme_id, programme.state.value, "only a draft or rejected programme is submitted")
        self.check_spec(programme.spec)
        content = self.content_hash(programme.spec, settings_fields)
        audio = render(programme)
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(
                """UPDATE programmes SET state = 'submitted', content_sha256 = ?, audio_json = ?, decided_by = NULL,
                       decided_at = NULL, comment = NULL, updated_at = ? WHERE id = ?""",
                (content, json.dumps(audio, sort_keys=True), now_utc(), programme_id))
            self.accounts.record(by.username, ProgrammeAction.SUBMIT.value, "programme", programme_id,
                                 {"content": content, "audio": audio, "clips": self.clip_fingerprints(programme.spec)})
        return self.get(programme_id)

    def decide_as(self, programme_id: int, username: str, password: str, approve: bool,
                  render: Callable[[Programme], dict[str, str]], settings_fields: dict, comment: str = "") -> Programme:
        """An approver's decision, checked against their own account (name and password)."""
        approver = self.accounts.authenticate(username, password)
        if approve:
            return self.approve(programme_id, approver, render, settings_fields, comment)
        return self.reject(programme_id, approver, comment)

    def approve(self, programme_id: int, approver: User, render: Callable[[Programme], dict[str, str]],
                settings_fields: dict, comment: str = "") -> Programme:
        self._require(approver, Role.APPROVER, "approve programmes")
        programme = self.revalidate(programme_id, settings_fields)
        if programme.state is not State.SUBMITTED:
            raise ApprovalError(programme_id, programme.state.value, "only a submitted programme can be approved")
        audio = render(programme)
        if audio != programme.audio:  # the exact audio that was submitted, nothing else
            self._to_draft(programme_id, DraftReason.AUDIO_DIFFERS)
            raise ApprovalError(programme_id, "draft", "the audio changed after it was submitted; submit it again")
        return self._decide(programme_id, approver, State.APPROVED, comment)

    def reject(self, programme_id: int, approver: User, comment: str) -> Programme:
        self._require(approver, Role.APPROVER, "reject programmes")
        if not comment.strip():
            raise InvalidProgramme("a rejection needs a comment saying what to change")
        programme = self.get(programme_id)
        if programme.state is not State.SUBMITTED:
            raise ApprovalError(programme_id, programme.state.value, "only a submitted programme can be rejected")
        return self._decide(programme_id, approver, State.REJECTED, comment)

    def overview(self, settings_fields: dict) -> list[tuple[Programme, dict[str, float]]]:
        """Every programme (revalidated) with its length per language; `{}` when a clip of
        it is no longer in the library (it is still listed: its state says what to do)."""
        rows = []
        for programme in self.all():
            programme = self.revalidate(programme.id, settings_fields)
            try:
                seconds = self.durations(programme.spec)
            except StudioError:
                seconds = {}
            rows.append((programme, seconds))
        return rows

    def revalidate(self, programme_id: int, settings_fields: dict) -> Programme:
        """A submitted or approved programme whose content changed since (a clip's edit,
        a jingle) returns to draft, and the audit log says why."""
        programme = self.get(programme_id)
        if programme.state in (State.SUBMITTED, State.APPROVED):
            try:
                current = self.content_hash(programme.spec, settings_fields)
            except (ClipNotFound, InvalidProgramme):
                current = None
            if current != programme.content_sha256:
                self._to_draft(programme_id, DraftReason.CONTENT_CHANGED)
                return self.get(programme_id)
        return programme

    def is_approved(self, programme: Programme, settings_fields: dict) -> bool:
        if programme.state is not State.APPROVED:
            return False
        try:
            return self.content_hash(programme.spec, settings_fields) == programme.content_sha256
        except (ClipNotFound, InvalidProgramme):
            return False

    def history(self, programme_id: int):
        return self.accounts.history("programme", programme_id)

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _require(user: User, role: Role, what: str) -> None:
        if not user.can(role):
            raise AccessDenied(user.username, f"a {user.role.value} cannot {what}")

    def _decide(self, programme_id: int, user: User, state: State, comment: str) -> Programme:
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(
                "UPDATE programmes SET state = ?, decided_by = ?, decided_at = ?, comment = ?, updated_at = ? WHERE id = ?",
                (state.value, user.username, now_utc(), comment.strip() or None, now_utc(), programme_id))
            action = ProgrammeAction.APPROVE if state is State.APPROVED else ProgrammeAction.REJECT
            self.accounts.record(user.username, action.value, "programme", programme_id, {"comment": comment.strip()})
        return self.get(programme_id)

    def _to_draft(self, programme_id: int, reason: DraftReason) -> None:
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(
                """UPDATE programmes SET state = 'draft', content_sha256 = NULL, audio_json = NULL,
                       updated_at = ? WHERE id = ?""", (now_utc(), programme_id))
            self.accounts.record(STUDIO_ACTOR, ProgrammeAction.RETURNED_TO_DRAFT.value, "programme", programme_id,
                                 {"reason": reason.value})
