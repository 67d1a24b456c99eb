"""Who is using the window: sign in and out (File menu and the status bar, which shows
the name and role), and the way into account management for an admin.

Before anyone signs in the window works as the computer's login name, an editor
(`ui:<login>`, as the command line records `cli:<login>`), so a studio without accounts
keeps working. Once signed in, every action is recorded under the account's name and the
core checks its role (an approver approves, an admin manages accounts). Approving still
asks for the approver's own password each time.

UI thread; the password check (scrypt, tenths of a second) runs in the task runner.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPushButton, QWidget

from studio.accounts.store import Role, User
from ui.login_dialog import LoginDialog

ROLE_NAMES = {Role.EDITOR: QT_TRANSLATE_NOOP("Accounts", "editor"),
              Role.APPROVER: QT_TRANSLATE_NOOP("Accounts", "approver"),
              Role.ADMIN: QT_TRANSLATE_NOOP("Accounts", "administrator")}


def role_name(role: Role) -> str:
    return QCoreApplication.translate("Accounts", ROLE_NAMES[role])


class SignInDialog(LoginDialog):
    """The login dialog that stays open until the name and password are checked."""

    credentials_entered = Signal(str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(self.tr("Sign in"), self.tr(
            "Sign in with your account: what you do is recorded under your name."), parent=parent)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign in"))
        self.setMinimumWidth(380)

    def accept(self) -> None:
        username, password, _ = self.values()
        self.buttons.setEnabled(False)
        self.hint.setText(self.tr("Checking…"))
        self.credentials_entered.emit(username, password)

    def refused(self) -> None:
        self.buttons.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        self.hint.setText(self.tr("Wrong user name or password, or the account is disabled."))

    def signed_in(self) -> None:
        LoginDialog.accept(self)


class SessionControls(QObject):
    user_changed = Signal(object)  # the signed-in User, or None after signing out

    def __init__(self, services, runner, errors, parent: QWidget) -> None:
        super().__init__(parent)
        self.services, self.runner, self.errors, self.window = services, runner, errors, parent
        self.label = QLabel()
        self.button = QPushButton()
        self.button.setFlat(True)
        self.button.clicked.connect(lambda: self.sign_out() if self.user() else self.open_sign_in())
        self.sign_in_action = QAction(self.tr("Sign in…"), parent)
        self.sign_in_action.triggered.connect(self.open_sign_in)
        self.sign_out_action = QAction(self.tr("Sign out"), parent)
        self.sign_out_action.triggered.connect(self.sign_out)
        self.accounts_action = QAction(self.tr("Accounts…"), parent)
        self.accounts_action.triggered.connect(self.open_accounts)
        self.dialog: SignInDialog | None = None
        self.accounts_dialog = None
        self._show()

    def widgets(self) -> list[QWidget]:
        return [self.label, self.button]

    def user(self) -> User | None:
        return self.services.user

    def open_sign_in(self) -> SignInDialog:
        self.dialog = SignInDialog(self.window)
        self.dialog.credentials_entered.connect(self.sign_in)
        self.dialog.open()
        return self.dialog

    def sign_in(self, username: str, password: str) -> None:
        dialog = self.dialog

        def work(progress, cancel) -> User:
            from studio.accounts.store import Accounts

            return Accounts(self.services.library().conn).authenticate(username, password)

        def done(user: User) -> None:
            self.services.user = user
            self._show()
            self.user_changed.emit(user)
            if dialog is not None:
                dialog.signed_in()

        def failed(exc: BaseException, details: str) -> None:
            from studio.errors import AccessDenied

            if dialog is not None:
                dialog.refused()
            if not isinstance(exc, AccessDenied):  # a database problem, not a wrong password
                self.errors.show(exc, details)

        self.runner.run(self.tr("Signing in"), work, done, failed, cancellable=False)

    def sign_out(self) -> None:
        if self.services.user is None:
            return
        self.services.user = None
        if self.accounts_dialog is not None:
            self.accounts_dialog.close()
        self._show()
        self.user_changed.emit(None)

    def open_accounts(self):
        """The account manager, for a signed-in admin only (None otherwise)."""
        from ui.accounts_dialog import AccountsDialog

        user = self.user()
        if user is None or not user.can():
            self.window.statusBar().showMessage(self.tr("Only an administrator can manage accounts: sign in as one."),
                                                10000)
            return None
        self.accounts_dialog = AccountsDialog(self.services, self.runner, user, self.window)
        self.accounts_dialog.account_changed.connect(self._account_changed)
        self.accounts_dialog.open()
        return self.accounts_dialog

    def _account_changed(self, user: User) -> None:
        """The admin changed their own account: the window acts with its new role at once."""
        current = self.user()
        if current is None or user.username != current.username:
            return
        if user.disabled:
            self.sign_out()
            return
        self.services.user = user
        self._show()
        self.user_changed.emit(user)
        if not user.can() and self.accounts_dialog is not None:
            self.accounts_dialog.close()

    def _show(self) -> None:
        user = self.user()
        if user is None:
            self.label.setText(self.tr("Not signed in"))
            self.button.setText(self.tr("Sign in"))
        else:
            self.label.setText(self.tr("Signed in: %1 (%2)").replace("%1", user.display_name or user.username)
                               .replace("%2", role_name(user.role)))
            self.button.setText(self.tr("Sign out"))
        self.sign_in_action.setEnabled(user is None)
        self.sign_out_action.setEnabled(user is not None)
        self.accounts_action.setEnabled(user is not None and user.can())
