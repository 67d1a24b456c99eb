"""A warning before a clip that approved programmes use is changed or moved to the trash:
it names the programmes that will need approval again (until then they are not
broadcast) and lets the officer go on or stop. Used by the editor's edit actions and the
library's trash action.

`ClipChangeGuard.confirm(clip_id, proceed, cancelled)` calls `proceed()` at once when the
clip's programmes are known and none would lose its approval; otherwise it reads them
through the task runner (`studio.programmes.approval_status.needing_approval_again`) and,
when there are some, opens a window-modal question (`dialog`) whose answer calls
`proceed` or `cancelled`. `remember(clip_id)` reads them ahead, so an editor's change
does not wait. UI thread; the database is read in the runner.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from studio.audio.settings import RenderSettings
from ui.task_runner import TaskRunner


class ClipChangeGuard(QObject):
    def __init__(self, services, runner: TaskRunner, parent: QWidget, trash: bool = False) -> None:
        super().__init__(parent)
        self.services, self.runner, self.parent_widget, self.trash = services, runner, parent, trash
        self.known: dict[int, list[str]] = {}  # clip id -> titles of the programmes it would send to draft
        self.dialog: QMessageBox | None = None

    def titles(self, clip_id: int) -> list[str]:
        from studio.programmes.approval_status import needing_approval_again
        from studio.programmes.workflow import Programmes

        programmes = Programmes(self.services.library())
        return [p.title for p in needing_approval_again(programmes, clip_id, RenderSettings().cache_fields())]

    def remember(self, clip_id: int) -> None:
        def done(titles: list[str]) -> None:
            self.known[clip_id] = titles

        self.runner.run(self.tr("Checking the programmes that use the clip"), lambda p, c: self.titles(clip_id),
                        done, None, cancellable=False)

    def forget(self, clip_id: int) -> None:
        self.known.pop(clip_id, None)

    def guarded(self, clip_of: Callable[[], int | None], action: Callable[[], None]) -> Callable[[], None]:
        """`action` (undo, redo) behind the question, for the clip `clip_of()` names then."""
        def run() -> None:
            clip_id = clip_of()
            if clip_id is None:
                action()
            else:
                self.confirm(clip_id, action)

        return run

    def confirm(self, clip_id: int, proceed: Callable[[], None], cancelled: Callable[[], None] | None = None) -> None:
        titles = self.known.get(clip_id)
        if titles is not None:
            self._ask(clip_id, titles, proceed, cancelled)
            return

        def done(found: list[str]) -> None:
            self.known[clip_id] = found
            self._ask(clip_id, found, proceed, cancelled)

        self.runner.run(self.tr("Checking the programmes that use the clip"), lambda p, c: self.titles(clip_id),
                        done, None, cancellable=False)

    def _ask(self, clip_id: int, titles: list[str], proceed: Callable[[], None],
             cancelled: Callable[[], None] | None) -> None:
        if not titles:
            proceed()
            return
        names = "\n".join(f"• {title}" for title in titles)
        if self.trash:
            text = self.tr("This clip is used by approved programmes. Moving it to the trash takes them off the air "
                           "until they are approved again:\n%1\n\nMove it to the trash anyway?")
            ok = self.tr("Move to trash")
        else:
            text = self.tr("This clip is used by approved programmes. Changing it sends them back to draft: they are "
                           "not broadcast until they are approved again:\n%1\n\nChange it anyway?")
            ok = self.tr("Change it")
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Programmes will need approval again"),
                          text.replace("%1", names), QMessageBox.StandardButton.NoButton, self.parent_widget)
        self.ok_button = box.addButton(ok, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))

        def answered(result) -> None:
            self.dialog = None
            if box.clickedButton() is self.ok_button:
                self.known[clip_id] = []  # confirmed: they need approval again whatever comes next
                proceed()
            elif cancelled is not None:
                cancelled()

        box.finished.connect(answered)
        self.dialog = box
        box.open()
