"""Why a programme is not (or will no longer be) approved, as values the UI words.

`why_not_approved` reads the programme's state and its history: a programme that was
submitted and then lost its approval is traced to the clip that changed (each submission
keeps every clip's original hash and edit list, `Programmes.clip_fingerprints`), to a
clip moved to the trash, or to an edit of the programme itself. `needing_approval_again`
names the approved or submitted programmes that a change to one clip would send back to
draft, so a panel can warn before the change. Pure reads; one thread per `Programmes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from studio.errors import ClipNotFound, InvalidProgramme, StudioError
from studio.programmes.model import Programme, State
from studio.programmes.workflow import Programmes


class Why(Enum):
    CLIP_EDITED = "clip edited"  # a clip's edit list changed after submission
    CLIP_TRASHED = "clip trashed"  # a clip it uses is in the trash
    PROGRAMME_EDITED = "programme edited"  # its items or title changed after submission
    CONTENT_CHANGED = "content changed"  # something else it is made of (a jingle, the render settings)
    AWAITING_APPROVAL = "awaiting approval"  # submitted, not yet decided
    REJECTED = "rejected"
    NEVER_APPROVED = "never approved"  # a draft never submitted


@dataclass(frozen=True)
class ClipRef:
    id: int
    title: str


@dataclass(frozen=True)
class ApprovalGap:
    """Why `programme_id` cannot be broadcast: `why`, and the clips concerned."""

    programme_id: int
    title: str
    why: Why
    clips: tuple[ClipRef, ...] = ()


def _clip_title(programmes: Programmes, clip_id: int) -> str:
    try:
        return programmes.library.get(clip_id, include_deleted=True).title
    except ClipNotFound:
        return str(clip_id)


def _changed_clips(programmes: Programmes, programme: Programme, submitted: dict) -> tuple[list[ClipRef],
                                                                                          list[ClipRef]]:
    """(trashed, edited) clips of `programme` against the fingerprints of a submission."""
    trashed, edited = [], []
    for clip_id in sorted(programme.spec.clip_ids()):
        try:
            current = programmes.clip_fingerprints_of(clip_id)
        except ClipNotFound:
            trashed.append(ClipRef(clip_id, _clip_title(programmes, clip_id)))
            continue
        if str(clip_id) in submitted and submitted[str(clip_id)] != current:
            edited.append(ClipRef(clip_id, _clip_title(programmes, clip_id)))
    return trashed, edited


def why_not_approved(programmes: Programmes, programme: Programme, settings_fields: dict) -> ApprovalGap | None:
    """None when `programme` is approved and its audio still matches; otherwise why not."""
    def gap(why: Why, clips: list[ClipRef] | tuple = ()) -> ApprovalGap:
        return ApprovalGap(programme.id, programme.title, why, tuple(clips))

    try:
        matches = programmes.content_hash(programme.spec, settings_fields) == programme.content_sha256
    except (ClipNotFound, InvalidProgramme):
        matches = False
    if matches and programme.state is State.APPROVED:
        return None
    if matches and programme.state is State.SUBMITTED:
        return gap(Why.AWAITING_APPROVAL)
    if programme.state is State.REJECTED:
        return gap(Why.REJECTED)
    history = programmes.history(programme.id)
    submits = [i for i, entry in enumerate(history) if entry.action == "submit"]
    if not submits:
        trashed, _ = _changed_clips(programmes, programme, {})
        return gap(Why.CLIP_TRASHED, trashed) if trashed else gap(Why.NEVER_APPROVED)
    last = submits[-1]
    trashed, edited = _changed_clips(programmes, programme, history[last].detail.get("clips", {}))
    if trashed:
        return gap(Why.CLIP_TRASHED, trashed)
    if edited:
        return gap(Why.CLIP_EDITED, edited)
    if any(entry.action == "edit" for entry in history[last + 1:]):
        return gap(Why.PROGRAMME_EDITED)
    if programme.state is State.SUBMITTED:
        return gap(Why.AWAITING_APPROVAL)
    return gap(Why.CONTENT_CHANGED)


def needing_approval_again(programmes: Programmes, clip_id: int, settings_fields: dict) -> list[Programme]:
    """Programmes that use `clip_id` (in any language) and are approved or submitted with
    audio that still matches: a change to that clip, or moving it to the trash, sends them
    back to draft and off the air until approved again. One that already lost its match is
    not listed (it needs approval again whatever happens to the clip)."""
    found = []
    for programme in programmes.all():
        if programme.state not in (State.APPROVED, State.SUBMITTED) or clip_id not in programme.spec.clip_ids():
            continue
        try:
            if programmes.content_hash(programme.spec, settings_fields) == programme.content_sha256:
                found.append(programme)
        except (ClipNotFound, InvalidProgramme):
            continue
    return found


def gaps(programmes: Programmes, settings_fields: dict) -> dict[int, ApprovalGap]:
    """Every programme that cannot be broadcast now, by id, with why."""
    found = {}
    for programme in programmes.all():
        try:
            reason = why_not_approved(programmes, programme, settings_fields)
        except StudioError:
            reason = ApprovalGap(programme.id, programme.title, Why.CONTENT_CHANGED)
        if reason is not None:
            found[programme.id] = reason
    return found
