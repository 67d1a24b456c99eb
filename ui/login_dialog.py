"""Asks an approver for their name and password (approval is personal: the commune
leader signs in at the officer's computer for that one decision). UI thread; the check
itself runs in the caller's background task."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)


class LoginDialog(QDialog):
    def __init__(self, title: str, prompt: str, ask_comment: bool = False, comment_required: bool = False,
                 parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.comment = QPlainTextEdit()
        self.comment.setMaximumHeight(80)
        self.comment_required = comment_required
        form = QFormLayout()
        form.addRow(self.tr("User name:"), self.username)
        form.addRow(self.tr("Password:"), self.password)
        if ask_comment:
            form.addRow(self.tr("Comment:"), self.comment)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Confirm"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.hint = QLabel()
        self.hint.setStyleSheet("color: #c62828;")
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)

    def _accept(self) -> None:
        if not self.username.text().strip() or not self.password.text():
            self.hint.setText(self.tr("Enter the user name and the password."))
            return
        if self.comment_required and not self.comment.toPlainText().strip():
            self.hint.setText(self.tr("Say what should be changed."))
            return
        self.accept()

    def values(self) -> tuple[str, str, str]:
        return self.username.text().strip(), self.password.text(), self.comment.toPlainText().strip()
