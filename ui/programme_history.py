"""A programme's history as the officer reads it: when, who, what, and why.

The core writes each step as a `ProgrammeAction` under the actor's audit name ("(studio)",
"ui:NAME", "cli:NAME" or an account's name) with a `DraftReason` when the studio itself
returned the programme to draft; this list names each of them in the window's language
(never the stored English words), and an account by its full name when it has one. UI
thread, but for `read_history`, which the caller's task runs.
"""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget

from studio.accounts.store import ActorKind, AuditEntry, actor_of
from studio.clock import local_text
from studio.programmes.workflow import DraftReason, ProgrammeAction, Programmes


class ProgrammeHistoryList(QListWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMaximumHeight(120)
        self.action_names = {
            ProgrammeAction.CREATE: self.tr("created"), ProgrammeAction.EDIT: self.tr("edited"),
            ProgrammeAction.DELETE: self.tr("deleted"), ProgrammeAction.SUBMIT: self.tr("submitted for approval"),
            ProgrammeAction.APPROVE: self.tr("approved"), ProgrammeAction.REJECT: self.tr("rejected"),
            ProgrammeAction.RETURNED_TO_DRAFT: self.tr("returned to draft"),
        }
        self.reason_names = {
            DraftReason.CONTENT_CHANGED: self.tr("a clip or chime in it changed after it was submitted"),
            DraftReason.AUDIO_DIFFERS: self.tr("the audio made for approval differs from what was submitted"),
        }

    def actor(self, username: str, names: dict[str, str] | None = None) -> str:
        """Who did it: an account by its full name when it has one."""
        kind, name = actor_of(username)
        if kind is ActorKind.STUDIO:
            return self.tr("Studio (automatic)")
        if kind is ActorKind.COMMAND_LINE:
            return self.tr("%1 (computer, command line)").replace("%1", name)
        return (names or {}).get(name) or name

    def describe(self, entry: AuditEntry, names: dict[str, str] | None = None) -> str:
        try:
            action = ProgrammeAction(entry.action)
        except ValueError:  # a step a newer studio writes: shown as stored
            verb = entry.action
        else:
            verb = self.action_names[action]
            if action is ProgrammeAction.EDIT and entry.detail.get("returned_to_draft"):
                verb = self.tr("edited (back to draft)")
        why = entry.detail.get("comment") or ""
        if entry.detail.get("reason"):
            try:
                why = self.reason_names[DraftReason(entry.detail["reason"])]
            except ValueError:
                why = str(entry.detail["reason"])
        return f"{local_text(entry.at)}  {self.actor(entry.username, names)}: {verb}" + (f" — {why}" if why else "")

    def show_entries(self, history: tuple[list[AuditEntry], dict[str, str]]) -> None:
        entries, names = history
        self.clear()
        for entry in entries:
            self.addItem(self.describe(entry, names))


def read_history(programmes: Programmes, programme_id: int) -> tuple[list[AuditEntry], dict[str, str]]:
    """The entries and the accounts' full names (worker thread: it reads the database)."""
    names = {user.username: user.display_name for user in programmes.accounts.users() if user.display_name}
    return programmes.history(programme_id), names
