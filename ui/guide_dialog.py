"""Help → Hướng dẫn sử dụng: the Vietnamese user guide inside the window, rendered from
its Markdown (package data, ui/resources/guide/, copied from docs/huong-dan-su-dung.md
at build time). Non-modal, so the officer can read it beside the window. UI thread; the
guide is a small packaged file read once when the dialog opens.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from ui.resources import user_guide


class GuideDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("User guide"))
        self.setModal(False)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        resource = user_guide()
        if resource.is_file():
            self.browser.setMarkdown(resource.read_text(encoding="utf-8"))
        else:
            self.browser.setPlainText(self.tr("The user guide is missing from this installation."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(760, 600)
