"""Quản lý tài khoản (admin only): the accounts with their role and state; add one,
change a role, set a new password, disable or enable. The core refuses anyone but an
admin and keeps the last enabled admin; every change is in the audit log under the
admin's name.

UI thread; reads and changes go through the task runner (scrypt hashing takes a moment).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from studio.accounts.store import MIN_PASSWORD, Role, User
from ui.error_messages import ErrorDialogs
from ui.session_controls import role_name


class AccountsDialog(QDialog):
    account_changed = Signal(object)  # the User as it is now

    def __init__(self, services, runner, admin: User, parent=None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.admin = services, runner, admin
        self.errors = ErrorDialogs(self)
        self.setWindowTitle(self.tr("Accounts"))
        self.users: list[User] = []
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("User name"), self.tr("Full name"), self.tr("Role"),
                                              self.tr("State")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.role = self._roles()
        self.role_button = QPushButton(self.tr("Change role"))
        self.password_button = QPushButton(self.tr("New password…"))
        self.disable_button = QPushButton(self.tr("Disable"))
        selected = QHBoxLayout()
        selected.addWidget(QLabel(self.tr("Selected account:")))
        selected.addWidget(self.role)
        for button in (self.role_button, self.password_button, self.disable_button):
            selected.addWidget(button)
        selected.addStretch(1)

        self.new_username = QLineEdit()
        self.new_display = QLineEdit()
        self.new_role = self._roles()
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password.setPlaceholderText(self.tr("at least %1 characters").replace("%1", str(MIN_PASSWORD)))
        self.add_button = QPushButton(self.tr("Add the account"))
        self.hint = QLabel()
        self.hint.setStyleSheet("color: #c62828;")
        self.chain = QLabel()  # the audit log's chain head: noted with reports, it shows later rewrites
        self.chain.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chain.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("User name:"), self.new_username)
        form.addRow(self.tr("Full name:"), self.new_display)
        form.addRow(self.tr("Role:"), self.new_role)
        form.addRow(self.tr("Password:"), self.new_password)
        form.addRow("", self.add_button)
        new_box = QGroupBox(self.tr("New account"))
        new_box.setLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(selected)
        layout.addWidget(new_box)
        layout.addWidget(self.hint)
        layout.addWidget(self.chain)
        layout.addWidget(buttons)
        self.resize(640, 520)

        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.role_button.clicked.connect(lambda: self.change_role(self.role.currentData()))
        self.password_button.clicked.connect(self.ask_password)
        self.disable_button.clicked.connect(self.toggle_disabled)
        self.add_button.clicked.connect(self.add_account)
        self._selection_changed()
        self.refresh()

    def _roles(self) -> QComboBox:
        box = QComboBox()
        for role in (Role.EDITOR, Role.APPROVER, Role.ADMIN):
            box.addItem(role_name(role), role)
        return box

    def accounts(self):
        from studio.accounts.store import Accounts

        return Accounts(self.services.library().conn)

    def refresh(self, select: str | None = None) -> None:
        def work(progress, cancel):
            from studio.accounts import audit_chain

            accounts = self.accounts()
            return accounts.users(), audit_chain.head(accounts.conn)

        def done(found) -> None:
            users, head = found
            self._fill(users, select)
            self.chain.setText(self.tr("Audit log: %1 entries; chain head: entry %2, %3")
                               .replace("%1", str(head.chained + head.unchained))
                               .replace("%2", str(head.row_id or 0)).replace("%3", head.hash or "-"))

        self.runner.run(self.tr("Reading the accounts"), work, done, self.errors.show, cancellable=False)

    def _fill(self, users: list[User], select: str | None) -> None:
        current = select or (self.selected().username if self.selected() else None)
        self.users = users
        self.table.setRowCount(len(users))
        for row, user in enumerate(users):
            state = self.tr("disabled") if user.disabled else self.tr("active")
            for column, text in enumerate((user.username, user.display_name, role_name(user.role), state)):
                self.table.setItem(row, column, QTableWidgetItem(text))
            if user.username == current:
                self.table.selectRow(row)
        if self.selected() is None and users:
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self) -> User | None:
        rows = self.table.selectionModel().selectedRows()
        return self.users[rows[0].row()] if rows and rows[0].row() < len(self.users) else None

    def select(self, username: str) -> None:
        for row, user in enumerate(self.users):
            if user.username == username:
                self.table.selectRow(row)

    def _selection_changed(self) -> None:
        user = self.selected()
        for widget in (self.role, self.role_button, self.password_button, self.disable_button):
            widget.setEnabled(user is not None)
        if user is not None:
            self.role.setCurrentIndex(self.role.findData(user.role))
            self.disable_button.setText(self.tr("Enable") if user.disabled else self.tr("Disable"))

    def _change(self, title: str, work, username: str) -> None:
        self.hint.clear()

        def done(user: User) -> None:
            self.account_changed.emit(user)
            self.refresh(username)

        self.runner.run(title, lambda p, c: work(self.accounts()), done, self.errors.show, cancellable=False)

    def change_role(self, role: Role) -> None:
        user = self.selected()
        if user is not None and role is not user.role:
            self._change(self.tr("Changing the role"), lambda a: a.set_role(user.username, role, self.admin),
                         user.username)

    def ask_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        password, ok = QInputDialog.getText(self, self.tr("New password"), self.tr("New password for %1:")
                                            .replace("%1", user.username), QLineEdit.EchoMode.Password)
        if ok:
            self.reset_password(password)

    def reset_password(self, password: str) -> None:
        user = self.selected()
        if user is None:
            return
        if len(password) < MIN_PASSWORD:
            self.hint.setText(self.tr("The password needs at least %1 characters.").replace("%1", str(MIN_PASSWORD)))
            return
        self._change(self.tr("Setting the password"), lambda a: a.set_password(user.username, password, self.admin),
                     user.username)

    def toggle_disabled(self) -> None:
        user = self.selected()
        if user is not None:
            self._change(self.tr("Changing the account"),
                         lambda a: a.set_disabled(user.username, not user.disabled, self.admin), user.username)

    def add_account(self) -> None:
        username, password = self.new_username.text().strip(), self.new_password.text()
        if not username or any(c.isspace() for c in username):
            self.hint.setText(self.tr("Type a user name without spaces."))
            return
        if len(password) < MIN_PASSWORD:
            self.hint.setText(self.tr("The password needs at least %1 characters.").replace("%1", str(MIN_PASSWORD)))
            return
        role, display = self.new_role.currentData(), self.new_display.text().strip()
        self._change(self.tr("Adding the account"),
                     lambda a: a.add(username, password, role, display, by=self.admin), username)
        self.new_username.clear()
        self.new_display.clear()
        self.new_password.clear()
