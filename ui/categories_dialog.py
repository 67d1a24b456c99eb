"""Chuyên mục (admin only): the programme categories the reports count hours under; add
one, rename one, retire one (offered no more; its programmes and past reports keep it) or
bring a retired one back. The core refuses anyone but an admin and writes every change to
the audit log under the admin's name, as the CLI's `categories` does.

UI thread; reads and changes go through the task runner.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from studio.accounts.store import User
from ui.error_messages import ErrorDialogs


class CategoriesDialog(QDialog):
    categories_changed = Signal()

    def __init__(self, services, runner, admin: User, parent=None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.admin = services, runner, admin
        self.errors = ErrorDialogs(self)
        self.setWindowTitle(self.tr("Programme categories"))
        self.categories: list = []
        self.list = QListWidget()
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.rename_button = QPushButton(self.tr("Rename…"))
        self.retire_button = QPushButton(self.tr("Retire"))
        self.rename_button.clicked.connect(self.ask_rename)
        self.retire_button.clicked.connect(self.toggle_retired)
        selected = QHBoxLayout()
        selected.addWidget(self.rename_button)
        selected.addWidget(self.retire_button)
        selected.addStretch(1)
        self.new_name = QLineEdit(placeholderText=self.tr("e.g. Văn hoá – xã hội"))
        self.new_name.returnPressed.connect(lambda: self.add(self.new_name.text()))
        self.add_button = QPushButton(self.tr("Add the category"))
        self.add_button.clicked.connect(lambda: self.add(self.new_name.text()))
        new_row = QHBoxLayout()
        new_row.addWidget(QLabel(self.tr("New category:")))
        new_row.addWidget(self.new_name, 1)
        new_row.addWidget(self.add_button)
        note = QLabel(self.tr("A retired category is no longer offered for programmes; the programmes that have "
                              "it and the reports keep it. Every change is written to the audit log."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(selected)
        layout.addLayout(new_row)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(520, 460)
        self._selection_changed()
        self.refresh()

    def _store(self):
        from studio.reports.categories import Categories

        return Categories(self.services.library().conn)

    def refresh(self, select: str | None = None) -> None:
        self.runner.run(self.tr("Reading the categories"), lambda p, c: self._store().all(retired=True),
                        lambda found: self._fill(found, select), self.errors.show, cancellable=False)

    def _fill(self, categories: list, select: str | None) -> None:
        current = select or (self.selected().name if self.selected() else None)
        self.categories = categories
        self.list.clear()
        for category in categories:
            text = (self.tr("%1 (retired)").replace("%1", category.name) if category.retired else category.name)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, category.name)
            if category.retired:
                item.setForeground(QColor("#757575"))
            self.list.addItem(item)
            if category.name == current:
                item.setSelected(True)
                self.list.setCurrentItem(item)
        self._selection_changed()

    def selected(self):
        row = self.list.currentRow()
        items = self.list.selectedItems()
        return self.categories[row] if items and 0 <= row < len(self.categories) else None

    def select(self, name: str) -> None:
        for row, category in enumerate(self.categories):
            if category.name == name:
                self.list.setCurrentRow(row)

    def _selection_changed(self) -> None:
        category = self.selected()
        self.rename_button.setEnabled(category is not None)
        self.retire_button.setEnabled(category is not None)
        if category is not None:
            self.retire_button.setText(self.tr("Bring back") if category.retired else self.tr("Retire"))

    def _change(self, title: str, work, select: str | None) -> None:
        def done(category) -> None:
            self.categories_changed.emit()
            self.refresh(getattr(category, "name", None) or select)

        self.runner.run(title, lambda p, c: work(self._store()), done, self.errors.show, cancellable=False)

    def add(self, name: str) -> None:
        if not name.strip():
            return
        self.new_name.clear()
        self._change(self.tr("Adding the category"), lambda store: store.add(name, self.admin), name.strip())

    def ask_rename(self) -> None:
        category = self.selected()
        if category is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("Rename the category"), self.tr("New name for “%1”:")
                                        .replace("%1", category.name), QLineEdit.EchoMode.Normal, category.name)
        if ok:
            self.rename(name)

    def rename(self, new_name: str) -> None:
        category = self.selected()
        if category is not None and new_name.strip() and new_name.strip() != category.name:
            self._change(self.tr("Renaming the category"),
                         lambda store: store.rename(category.name, new_name, self.admin), new_name.strip())

    def toggle_retired(self) -> None:
        category = self.selected()
        if category is None:
            return
        if category.retired:
            self._change(self.tr("Bringing the category back"),
                         lambda store: store.reinstate(category.name, self.admin), category.name)
        else:
            self._change(self.tr("Retiring the category"),
                         lambda store: store.retire(category.name, self.admin), category.name)
