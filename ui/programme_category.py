"""The category (chuyên mục) of the programme open in Chương trình: a choice among the
categories an admin keeps (ui/categories_dialog.py). A retired category is offered only
to the programme that already has it. Choosing one sets it at once (it is not part of the
content an approver signs, so approval is not touched) and the core writes it to the audit
log under the operator's name; the reports count the programme's hours under it.

UI thread; reads and the change go through the task runner.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox

from ui.error_messages import ErrorDialogs


class ProgrammeCategoryChoice(QComboBox):
    category_set = Signal(int, object)  # programme id, category name or None

    def __init__(self, services, runner, errors: ErrorDialogs, parent=None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.errors = services, runner, errors
        self.categories: list = []
        self.assigned: dict[int, str] = {}
        self.programme_id: int | None = None
        self.activated.connect(lambda _index: self.choose(self.currentData()))
        self.setEnabled(False)

    def load(self) -> None:
        """Read the categories and every programme's one (off the UI thread)."""
        services = self.services

        def work(progress, cancel):
            from studio.reports.categories import Categories

            conn = services.library().conn
            assigned = {row[0]: row[1] for row in conn.execute(
                "SELECT p.id, c.name FROM programmes p JOIN programme_categories c ON c.id = p.category_id")}
            return Categories(conn).all(retired=True), assigned

        def done(found) -> None:
            self.categories, self.assigned = found
            self.show_programme(self.programme_id)

        self.runner.run(self.tr("Reading the categories"), work, done, self.errors.show, cancellable=False)

    def show_programme(self, programme_id: int | None) -> None:
        self.programme_id = programme_id
        current = self.assigned.get(programme_id) if programme_id is not None else None
        self.blockSignals(True)
        self.clear()
        self.addItem(self.tr("(no category)"), None)
        for category in self.categories:
            if not category.retired or category.name == current:
                label = self.tr("%1 (retired)").replace("%1", category.name) if category.retired else category.name
                self.addItem(label, category.name)
        self.setCurrentIndex(max(0, self.findData(current)) if current is not None else 0)
        self.blockSignals(False)
        self.setEnabled(programme_id is not None)

    def choose(self, name: str | None) -> None:
        programme_id = self.programme_id
        if programme_id is None or self.assigned.get(programme_id) == name:
            return
        services = self.services

        def work(progress, cancel):
            from studio.reports.categories import Categories

            Categories(services.library().conn).assign(programme_id, name, services.operator())
            return name

        def done(chosen) -> None:
            if chosen is None:
                self.assigned.pop(programme_id, None)
            else:
                self.assigned[programme_id] = chosen
            self.category_set.emit(programme_id, chosen)

        def failed(exc, details) -> None:
            self.show_programme(self.programme_id)  # back to what is stored
            self.errors.show(exc, details)

        self.runner.run(self.tr("Setting the category"), work, done, failed, cancellable=False)
