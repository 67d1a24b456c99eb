"""The Settings section for the domestic speech platforms (FPT.AI, Viettel AI, Zalo AI):
one row per provider where the officer pastes the API key once, or removes it. The panel
only collects what changed (`changes()`); the main window stores it through the core's
`KeyStore` (OS keyring, or a 0600 file). Keys are never shown back. UI thread.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel, QLineEdit, QSizePolicy, QVBoxLayout

from studio.tts.providers.adapters import ADAPTERS, adapter_for


class SpeechServicesPanel(QGroupBox):
    def __init__(self, configured: dict[str, str], parent=None) -> None:
        """`configured`: provider id -> where its key is kept ("keyring" or "file")."""
        super().__init__(self.tr("Speech services (domestic platforms)"), parent)
        self.keys: dict[str, QLineEdit] = {}
        self.removes: dict[str, QCheckBox] = {}
        column = QVBoxLayout(self)
        note = QLabel(self.tr("Paste the API key from the provider's account once; its voices then appear in "
                              "the voice list. Without a connection, bulletins wait and this computer's voice "
                              "reads them meanwhile."))
        note.setWordWrap(True)
        note.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        note.setMinimumHeight(note.fontMetrics().lineSpacing() * 3 + 4)  # wrapped labels under-report
        column.addWidget(note)
        grid = QGridLayout()
        column.addLayout(grid)
        for row, provider in enumerate(ADAPTERS):
            adapter = adapter_for(provider)
            key = QLineEdit()
            key.setEchoMode(QLineEdit.EchoMode.Password)
            key.setObjectName(f"key-{provider}")
            if provider in configured:
                key.setPlaceholderText(self.tr("Key saved; paste a new one to replace it"))
            else:
                key.setPlaceholderText(self.tr("Paste the API key"))
            remove = QCheckBox(self.tr("Remove key"))
            remove.setEnabled(provider in configured)
            grid.addWidget(QLabel(adapter.label), row, 0)
            grid.addWidget(key, row, 1)
            grid.addWidget(remove, row, 2)
            self.keys[provider] = key
            self.removes[provider] = remove

    def changes(self) -> dict[str, str | None]:
        """Provider -> its new key, or None to forget it; providers left alone are absent."""
        changed: dict[str, str | None] = {}
        for provider, field in self.keys.items():
            if self.removes[provider].isChecked():
                changed[provider] = None
            elif field.text().strip():
                changed[provider] = field.text().strip()
        return changed
