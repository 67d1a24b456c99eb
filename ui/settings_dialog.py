"""Settings: data folder, audio output device, loudness target, speech filter, language,
how long the archive keeps what was broadcast, and the reports' header (who issues them),
and the API keys of the domestic speech platforms (ui/speech_services_panel.py).

The dialog edits a `Preferences` value and returns a new one (plus the chosen data
folder); it never stores widget indices. The device list is read when the dialog opens
(PortAudio's query is quick and local). UI thread.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from studio.preferences import REPORT_HEADER_LIMIT, TARGET_LUFS_RANGE, Preferences, UiLanguage
from ui.speech_services_panel import SpeechServicesPanel


class SettingsDialog(QDialog):
    def __init__(self, preferences: Preferences, data_dir: Path, devices: list[str], parent=None,
                 providers: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self._preferences = preferences
        self.data_dir = QLineEdit(str(data_dir))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.data_dir, 1)
        folder_row.addWidget(browse)
        folder = QWidget()
        folder.setLayout(folder_row)
        folder_row.setContentsMargins(0, 0, 0, 0)

        self.device = QComboBox()
        self.device.addItem(self.tr("System default"), "")
        for name in devices:
            self.device.addItem(name, name)
        if preferences.output_device and preferences.output_device not in devices:
            self.device.addItem(self.tr("%1 (not connected)").replace("%1", preferences.output_device),
                                preferences.output_device)
        self.device.setCurrentIndex(max(0, self.device.findData(preferences.output_device)))

        low, high = TARGET_LUFS_RANGE
        self.target = QDoubleSpinBox(minimum=low, maximum=high, singleStep=0.5, decimals=1, suffix=" LUFS")
        self.target.setValue(preferences.target_lufs)
        self.high_pass = QCheckBox(self.tr("Remove rumble below 100 Hz (speech on horn loudspeakers)"))
        self.high_pass.setChecked(preferences.speech_high_pass)
        self.language = QComboBox()
        self.language.addItem("Tiếng Việt", UiLanguage.VIETNAMESE.value)
        self.language.addItem("English", UiLanguage.ENGLISH.value)
        self.language.setCurrentIndex(self.language.findData(preferences.ui_language.value))

        self.archive_months = QSpinBox(minimum=1, maximum=120, suffix=self.tr(" months"))
        self.archive_months.setValue(preferences.archive_months)
        header = QGroupBox(self.tr("Report header (PDF and yearly report)"))
        header_form = QFormLayout(header)
        self.header: dict[str, QLineEdit] = {}
        for name, label, example in (
                ("report_authority", self.tr("Superior body"), self.tr("e.g. UBND huyện Bù Gia Mập")),
                ("report_commune", self.tr("Commune (issuing body)"), self.tr("e.g. UBND xã Đắk Ơ")),
                ("report_number", self.tr("Number and symbol"), self.tr("e.g. 15/BC-UBND")),
                ("report_place", self.tr("Place of the date line"), self.tr("e.g. Đắk Ơ")),
                ("report_signer_title", self.tr("Signer's title"), self.tr("e.g. Chủ tịch")),
                ("report_signer", self.tr("Signer's name"), self.tr("e.g. Nguyễn Văn A"))):
            edit = QLineEdit(getattr(preferences, name), maxLength=REPORT_HEADER_LIMIT, placeholderText=example)
            self.header[name] = edit
            header_form.addRow(label, edit)

        note = QLabel(self.tr("A new data folder or language takes effect when the studio starts again."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        form = QFormLayout(self)
        form.addRow(self.tr("Data folder"), folder)
        form.addRow(self.tr("Audio output"), self.device)
        form.addRow(self.tr("Loudness target"), self.target)
        form.addRow("", self.high_pass)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Keep the broadcast archive"), self.archive_months)
        form.addRow(header)
        self.speech_services = SpeechServicesPanel(providers or {})
        form.addRow(self.speech_services)
        form.addRow(note)
        form.addRow(buttons)
        self.resize(560, 0)

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Data folder"), self.data_dir.text())
        if chosen:
            self.data_dir.setText(chosen)

    def preferences(self) -> Preferences:
        return replace(
            self._preferences,
            ui_language=UiLanguage(self.language.currentData()),
            output_device=self.device.currentData(),
            target_lufs=round(self.target.value(), 1),
            speech_high_pass=self.high_pass.isChecked(),
            archive_months=self.archive_months.value(),
            **{name: edit.text().strip() for name, edit in self.header.items()},
        )

    def provider_changes(self) -> dict[str, str | None]:
        return self.speech_services.changes()

    def chosen_data_dir(self) -> Path:
        return Path(self.data_dir.text()).expanduser()
