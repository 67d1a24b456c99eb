"""The main window: navigation between the studio's areas, the status bar that shows
background tasks (progress and cancel), menus, the log view and settings.

Built by `ui/app.py`, which hands in the services; nothing here opens files or the
database itself. UI thread.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studio.paths import choose_data_dir
from ui.compose_panel import ComposePanel
from ui.editor_panel import EditorPanel
from ui.error_messages import ErrorDialogs
from ui.first_run_guide import FirstRunGuide
from ui.guide_dialog import GuideDialog
from ui.icons import icon
from ui.library_panel import LibraryPanel
from ui.live_panel import LivePanel
from ui.log_panel import LogBridge, LogPanel
from ui.placeholder_panel import PlaceholderPanel
from ui.preview import Preview
from ui.programmes_panel import ProgrammesPanel
from ui.receivers_panel import OutboxPanel, ReceiversPanel
from ui.record_panel import RecordPanel
from ui.reports_panel import ReportsPanel
from ui.schedule_panel import SchedulePanel
from ui.services import Services
from ui.session_controls import SessionControls
from ui.settings_dialog import SettingsDialog
from ui.task_runner import TaskRunner

log = logging.getLogger(__name__)


class TaskStatus(QWidget):
    """Status-bar widget: the newest visible task with its progress and a cancel button."""

    def __init__(self, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setFixedWidth(180)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self._cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        runner.tasks_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        tasks = self.runner.visible_tasks()
        self.setVisible(bool(tasks))
        if not tasks:
            return
        task = tasks[-1]
        more = len(tasks) - 1
        title = task.title if not more else self.tr("%1 (and %2 more)").replace("%1", task.title).replace("%2", str(more))
        self.label.setText(title)
        if task.total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * task.done / task.total))
        else:
            self.bar.setRange(0, 0)  # busy indicator until the job reports progress
        self.cancel_button.setEnabled(task.cancellable and not task.cancel.is_set())
        self._task_id = task.id

    def _cancel(self) -> None:
        self.runner.cancel(self._task_id)
        self.cancel_button.setEnabled(False)


TITLE_BAR = 32  # pixels the window manager adds above the window (not in availableGeometry)
SMALLEST_SCREEN = QSize(1024, 768)  # every area stays usable on it, status bar included
TASKBAR = 40  # pixels of the screen the system keeps (Windows' taskbar)


def initial_size(available: QSize) -> QSize:
    """1280×800, or less on a smaller screen (a 1366×768 laptop): never taller than the
    free area of the screen, so the status bar is on screen."""
    return QSize(min(1280, available.width()), min(800, available.height() - TITLE_BAR))


AREA_ICONS = {
    "library": "library", "record": "record", "tts": "tts", "programmes": "programmes", "schedule": "schedule",
    "receivers": "receivers", "outbox": "outbox", "reports": "reports", "live": "record",
}


class MainWindow(QMainWindow):
    first_painted = Signal(float)  # time.time() of the first paint

    AREAS = ("library", "record", "tts", "programmes", "schedule", "receivers", "live", "outbox", "reports")

    def __init__(self, services: Services, log_bridge: LogBridge, parent=None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(self.tr("Commune Radio Studio"))
        self.resize(initial_size(self.screen().availableGeometry().size()))
        self.runner = TaskRunner(self)
        self.preview = Preview(services, self.runner, self)
        self.library = LibraryPanel(services, self.runner, self.preview)
        self.editor = EditorPanel(services, self.runner, self.preview)
        self.library.clip_opened.connect(self.editor.open_clip)
        self._painted = False
        self.errors = ErrorDialogs(self)

        library_area = QSplitter(Qt.Orientation.Vertical)
        library_area.addWidget(self.library)
        library_area.addWidget(self.editor)
        library_area.setSizes([330, 470])

        titles = {
            "library": self.tr("Library"), "record": self.tr("Record"), "tts": self.tr("Write a bulletin"),
            "programmes": self.tr("Programmes"), "schedule": self.tr("Schedule"), "receivers": self.tr("Receivers"),
            "outbox": self.tr("Outbox"), "reports": self.tr("Reports"), "live": self.tr("Live broadcast"),
        }
        purposes = {
            "record": self.tr("Record bulletins from a microphone, safe against power cuts."),
            "tts": self.tr("Type or paste a notice and have it read aloud in Vietnamese or a minority language."),
            "programmes": self.tr("Assemble clips and notices into programmes and send them for approval."),
            "schedule": self.tr("Schedule approved programmes per village, with recurrence and priorities."),
            "receivers": self.tr("Pair and watch the loudspeaker receivers of each village."),
            "outbox": self.tr("Deliveries waiting for the network, sent as soon as it is back."),
            "reports": self.tr("What was played where and when, from the receivers' play logs."),
        }
        self.nav = QListWidget()
        self.nav.setFixedWidth(200)
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setStyleSheet("QListWidget { font-size: 14px; } QListWidget::item { padding: 8px; }")
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        self.recorder_panel = RecordPanel(services, self.runner)
        self.recorder_panel.take_imported.connect(self._open_new_take)
        self.compose_panel = ComposePanel(services, self.runner)
        self.compose_panel.bulletin_created.connect(self._bulletin_created)
        self.library.speech_reopened.connect(self._reread)
        self.programmes_panel = ProgrammesPanel(services, self.runner)
        self.schedule_panel = SchedulePanel(services, self.runner)
        self.programmes_panel.programmes_changed.connect(lambda: self.schedule_panel.isVisible()
                                                         and self.schedule_panel.refresh())
        self.receivers_panel = ReceiversPanel(services, self.runner)
        self.outbox_panel = OutboxPanel(services, self.runner)
        self.reports_panel = ReportsPanel(services, self.runner, self.preview)
        self.live_panel = LivePanel(services, self.runner)
        built = {"live": self.live_panel, "library": library_area, "record": self.recorder_panel,
                 "tts": self.compose_panel, "programmes": self.programmes_panel, "schedule": self.schedule_panel,
                 "receivers": self.receivers_panel, "outbox": self.outbox_panel, "reports": self.reports_panel}
        for key in self.AREAS:
            page = built.get(key) or PlaceholderPanel(titles[key], purposes[key])
            self.pages[key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(icon(AREA_ICONS[key]), titles[key])
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)

        central = QWidget()
        row = QHBoxLayout(central)
        row.addWidget(self.nav)
        work = QVBoxLayout()
        self.first_run_guide = self._first_run_guide()
        if self.first_run_guide is not None:
            work.addWidget(self.first_run_guide)
        work.addWidget(self.stack, 1)
        row.addLayout(work, 1)
        self.setCentralWidget(central)

        self.task_status = TaskStatus(self.runner)
        self.statusBar().addPermanentWidget(self.task_status)
        self.session = SessionControls(services, self.runner, self.errors, self)
        for widget in self.session.widgets():
            self.statusBar().addPermanentWidget(widget)
        self.statusBar().showMessage(self.tr("Data folder: %1").replace("%1", str(services.paths.data_dir)))

        self.log_dock = QDockWidget(self.tr("Log"), self)
        self.log_dock.setObjectName("log")
        self.log_dock.setWidget(LogPanel(log_bridge, str(services.paths.log_dir / "studio.log")))
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.log_dock)
        self.log_dock.hide()
        self._build_menus()
        self.library.import_finished.connect(self._report_import)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        import_action = QAction(icon("import"), self.tr("Import audio…"), self, shortcut=QKeySequence.StandardKey.Open)
        import_action.triggered.connect(self.library.choose_files)
        settings_action = QAction(icon("settings"), self.tr("Settings…"), self, shortcut=QKeySequence("Ctrl+,"))
        settings_action.triggered.connect(self.open_settings)
        quit_action = QAction(self.tr("Quit"), self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        for action in (import_action, settings_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (self.session.sign_in_action, self.session.sign_out_action, self.session.accounts_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        log_action = self.log_dock.toggleViewAction()
        log_action.setText(self.tr("Log"))
        log_action.setIcon(icon("log"))
        view_menu.addAction(log_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        guide_action = QAction(self.tr("User guide"), self, shortcut=QKeySequence.StandardKey.HelpContents)
        guide_action.triggered.connect(self.open_guide)
        help_menu.addAction(guide_action)
        about = QAction(self.tr("About"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _first_run_guide(self) -> FirstRunGuide | None:
        """The first steps, until the officer dismisses them once for this data folder."""
        if self.services.preferences.first_run_guide_seen:
            return None
        guide = FirstRunGuide()
        guide.area_requested.connect(self.show_area)
        guide.guide_requested.connect(self.open_guide)
        guide.dismissed.connect(lambda: self.services.save_preferences(
            replace(self.services.preferences, first_run_guide_seen=True)))
        return guide

    def open_guide(self) -> GuideDialog:
        self.guide = GuideDialog(self)
        self.guide.show()
        return self.guide

    def _open_new_take(self, clip_id: int) -> None:
        self.library.refresh(select=clip_id)
        self.editor.open_clip(clip_id)
        self.show_area("library")

    def _reread(self, clip) -> None:
        self.show_area("tts")
        self.compose_panel.load_source(clip)

    def _bulletin_created(self, clip_id: int) -> None:
        self.library.refresh(select=clip_id)
        self.statusBar().showMessage(self.tr("The bulletin is in the library (clip %1).").replace("%1", str(clip_id)),
                                     15000)

    def recover_takes(self) -> None:
        """At start-up: staging files of an interrupted run are swept, and takes left by a
        crash or power cut come back as clips."""
        from studio.audio.recorder import recover_takes

        def work(progress, cancel) -> list[int]:
            library = self.services.library()
            swept = library.store.sweep_incoming()
            if swept:
                log.info("removed %d staging files left by an interrupted run", swept)
            return recover_takes(library, self.services.paths.recordings_dir)

        def done(ids: list[int]) -> None:
            if ids:
                self.statusBar().showMessage(self.tr("Recovered %n unfinished recording(s).", "", len(ids)), 15000)
                self.library.refresh(select=ids[-1])

        self.runner.run(self.tr("Recovering unfinished recordings"), work, done, self.errors.show)

    def show_area(self, key: str) -> None:
        self.nav.setCurrentRow(self.AREAS.index(key))

    def open_settings(self) -> SettingsDialog:
        from studio.audio.playback import output_devices

        try:
            devices = output_devices()
        except Exception as exc:  # no PortAudio devices at all: still let the rest be set
            log.warning("listing output devices failed: %s", exc)
            devices = []
        providers = {c.provider: c.place.value for c in self.services.provider_keys().configs()}
        dialog = SettingsDialog(self.services.preferences, self.services.paths.data_dir, devices, self,
                                providers=providers)
        dialog.accepted.connect(lambda: self.apply_settings(dialog))
        dialog.open()
        return dialog

    def save_provider_keys(self, changes: dict) -> None:
        """Off the UI thread: an OS keyring may take its time (or ask to be unlocked)."""
        def work(progress, cancel):
            for provider, key in changes.items():
                if key is None:
                    self.services.provider_keys().remove(provider)
                else:
                    self.services.provider_keys().set(provider, key)

        def done(_) -> None:
            self.compose_panel.load_voices()
            self.deliver_speech_queue()

        self.runner.run(self.tr("Saving the speech service keys"), work, done, self.errors.show, cancellable=False)

    def deliver_speech_queue(self) -> None:
        """Bulletins queued while a domestic speech platform was offline are made now, in
        the background; a failure shows in the status area, never as a blocking dialog."""
        self.runner.run(self.tr("Making queued bulletins"),
                        lambda progress, cancel: self.services.deliver_speech_queue(cancel),
                        self._speech_queue_delivered, None)

    def _speech_queue_delivered(self, report) -> None:
        if report is None:
            return
        if report.delivered:
            self.library.refresh()
        made, held, failed = len(report.delivered), len(report.held), len(report.failed)
        notes = [text for count, text in (
            (made, self.tr("%n queued bulletin(s) made by the speech service.", "", made)),
            (held, self.tr("%n queued bulletin(s) held: the speech service refused the key or the account's "
                           "quota is used up (Settings, Speech services).", "", held)),
            (failed, self.tr("%n queued bulletin(s) could not be made by the speech service; the reading by "
                             "this computer's voice stays in the library.", "", failed))) if count]
        if notes:
            self.statusBar().showMessage(" ".join(notes), 30000)

    def apply_settings(self, dialog: SettingsDialog) -> None:
        preferences = dialog.preferences()
        folder = dialog.chosen_data_dir()
        try:
            self.services.save_preferences(preferences)
            if folder.resolve() != self.services.paths.data_dir.resolve():
                choose_data_dir(folder)
        except Exception as exc:
            self.errors.show(exc)
            return
        changes = dialog.provider_changes()
        if changes:
            self.save_provider_keys(changes)
        self.preview.set_device(preferences.output_device)
        self.editor.measure()
        log.info("settings saved: %s", preferences)

    def _report_import(self, new_ids: list, failures: list) -> None:
        message = self.tr("Imported %n file(s).", "", len(new_ids))
        if failures:
            message += " " + self.tr("%n file(s) could not be imported.", "", len(failures))
        videos = self.library.last_import_videos
        if videos:
            message += " " + self.tr("%n video(s): only the sound was imported, the picture was left out.", "", videos)
        self.statusBar().showMessage(message, 10000)

    def _about(self) -> None:
        """The installed voices' attributions (their licences ask for it) are read off the
        UI thread, then the box opens."""
        def done(packs) -> None:
            text = self.tr("Commune Radio Studio: record, clean, schedule and publish the commune's loudspeaker bulletins.")
            if packs:
                text += "\n\n" + self.tr("Installed voices:")
                for pack in packs:
                    text += "\n• " + self.tr("%1 (%2): %3").replace("%1", pack.name).replace(
                        "%2", pack.licence).replace("%3", pack.attribution)
            self.about_text = text
            QMessageBox.about(self, self.tr("About"), text)

        self.runner.run(self.tr("Reading the installed voices"), lambda progress, cancel: self.services.voice_packs(),
                        done, lambda exc, details: done([]), cancellable=False)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit(time.time())

    def closeEvent(self, event) -> None:  # noqa: N802
        self.recorder_panel.shutdown()
        self.live_panel.shutdown()
        self.compose_panel.stop()
        self.services.stop_delivery()
        self.services.stop_speech()
        self.preview.stop()
        self.runner.shutdown()
        self.editor.shutdown()
        super().closeEvent(event)
