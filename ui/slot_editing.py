"""Editing and deleting broadcasts from the week calendar: the slot dialog filled with the
slot (double-click, Sửa… in the right-click menu, Enter), and a confirmation before a
delete (right-click Xóa…, the Delete key) that, for a repeating slot, offers to leave out
only that day's broadcast or to delete the whole series. Saved through the task runner
under the signed-in name; the core writes the audit log.

UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from studio.schedule.planner import Occurrence
from ui.slot_dialog import SlotDialog, SlotRequest


class SlotEditing(QObject):
    def __init__(self, panel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.dialog: SlotDialog | None = None
        self.confirm: QMessageBox | None = None
        panel.calendar.edit_requested.connect(self.open_edit_dialog)
        panel.calendar.delete_requested.connect(self.ask_delete)

    def _run(self, title: str, work) -> None:
        from studio.schedule.slots import Slots

        services = self.panel.services
        self.panel.runner.run(title, lambda p, c: work(Slots(services.library().conn), services.operator()),
                              lambda _r: self.panel.refresh(), self.panel.errors.show)

    def _with_slot(self, occurrence: Occurrence, then) -> None:
        """Reads the occurrence's slot off the UI thread, then calls `then(slot)`."""
        def work(progress, cancel):
            from studio.schedule.slots import Slots

            return Slots(self.panel.services.library().conn).get(occurrence.slot_id)

        self.panel.runner.run(self.tr("Opening the broadcast"), work, then, self.panel.errors.show,
                              cancellable=False)

    def open_edit_dialog(self, occurrence: Occurrence) -> None:
        self._with_slot(occurrence, self._show_dialog)

    def _show_dialog(self, slot) -> None:
        panel = self.panel
        self.dialog = SlotDialog(sorted(panel.titles.items()), [(z.id, z.name) for z in panel.zones], slot.start,
                                 panel, slot=slot)
        dialog = self.dialog
        dialog.accepted.connect(lambda: self.update_slot(slot.id, dialog.request()))
        dialog.open()

    def update_slot(self, slot_id: int, request: SlotRequest) -> None:
        self._run(self.tr("Saving the broadcast"), lambda slots, by: slots.update(
            slot_id, by, request.programme_id, request.zone_ids, request.start, request.rrule, request.priority,
            request.start_mode, request.length_min, request.sequence))

    def ask_delete(self, occurrence: Occurrence) -> None:
        self._with_slot(occurrence, lambda slot: self._confirm_delete(occurrence, slot))

    def _confirm_delete(self, occurrence: Occurrence, slot) -> QMessageBox:
        panel = self.panel
        title = panel.titles.get(occurrence.programme_id, "")
        when = occurrence.start.strftime("%H:%M %d/%m/%Y")
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Delete the broadcast"),
                          self.tr("Delete “%1” at %2?").replace("%1", title).replace("%2", when),
                          QMessageBox.StandardButton.NoButton, panel)
        self.only_this = None
        if slot.rrule:
            box.setInformativeText(self.tr("It repeats: delete only this day's broadcast, or the whole series?"))
            self.only_this = box.addButton(self.tr("Only this one"), QMessageBox.ButtonRole.AcceptRole)
            self.whole = box.addButton(self.tr("The whole series"), QMessageBox.ButtonRole.DestructiveRole)
        else:
            self.whole = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(lambda button: self._decided(occurrence, button))
        self.confirm = box
        box.open()
        return box

    def _decided(self, occurrence: Occurrence, button) -> None:
        if button is self.only_this and button is not None:
            self._run(self.tr("Leaving out the broadcast"),
                      lambda slots, by: slots.skip(occurrence.slot_id, occurrence.start, by))
        elif button is self.whole:
            self._run(self.tr("Deleting the broadcast"), lambda slots, by: slots.remove(occurrence.slot_id, by))
