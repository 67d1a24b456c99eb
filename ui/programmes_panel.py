"""Chương trình: assemble clips and jingles into a programme, send it for approval.

Left, the programmes with their state; right, the one being edited: items in playing order (drag to reorder;
`ui/programme_items.py`), each with its length and the pause after it, language variants, a relayed station
("Tiếp sóng…", `ui/programme_stream.py`), intro/outro jingles and a music bed; the total length per language;
the approval state with its history. "Submit" renders and binds the audio; "Approve…"/"Reject…" ask the
approver's own name and password. Saving a change to a submitted or approved programme returns it to draft
(the core does it, the panel shows it).

Threads: UI thread; every database and render step goes through the task runner, with
the thread's own library connection.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from studio.audio.settings import RenderSettings
from studio.languages import display_name, order
from studio.programmes.model import Item, Programme, Spec, State, jingle_name, jingles
from ui.approval_dialog import ApprovalDialog
from ui.clip_table_model import format_duration
from ui.error_messages import ErrorDialogs
from ui.icons import icon
from ui.language_choice import code_for_name, minority_names
from ui.programme_category import ProgrammeCategoryChoice
from ui.programme_history import ProgrammeHistoryList, read_history
from ui.programme_items import ProgrammeItemsList
from ui.programme_stream import ProgrammeStreamEditing
from ui.services import Services
from ui.task_runner import TaskRunner

log = logging.getLogger(__name__)

ITEM_ROLE = Qt.ItemDataRole.UserRole


class ProgrammesPanel(QWidget):
    programmes_changed = Signal()

    def __init__(self, services: Services, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.services, self.runner = services, runner
        self.errors = ErrorDialogs(self)
        self.settings = RenderSettings()
        self.current: Programme | None = None
        self.clip_titles: dict[int, tuple[str, float]] = {}
        self._loaded = False
        self.state_names = {
            State.DRAFT: self.tr("Draft"), State.SUBMITTED: self.tr("Waiting for approval"),
            State.APPROVED: self.tr("Approved"), State.REJECTED: self.tr("Rejected"),
        }

        self.list = QListWidget()
        self.new_button = QPushButton(icon("programmes"), self.tr("New programme"))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.new_button)
        left_layout.addWidget(self.list, 1)

        self.title = QLineEdit()
        self.category = ProgrammeCategoryChoice(services, runner, self.errors)
        self.items = ProgrammeItemsList()
        self.clip_choice = QComboBox()
        self.add_clip_button = QPushButton(self.tr("Add clip"))
        self.jingle_choice = QComboBox()
        for name in jingles():
            self.jingle_choice.addItem(jingle_name(name), name)
        self.add_jingle_button = QPushButton(self.tr("Add jingle"))
        self.remove_button = QPushButton(icon("trash"), self.tr("Remove item"))
        self.variant_button = QPushButton(self.tr("Language version…"))
        self.gap = QDoubleSpinBox()
        self.gap.setRange(0.0, 60.0)
        self.gap.setSingleStep(0.1)
        self.gap.setSuffix(" s")
        self.intro = QComboBox()
        self.outro = QComboBox()
        self.bed = QComboBox()
        for combo in (self.intro, self.outro):
            combo.addItem(self.tr("(none)"), None)
            for name in jingles():
                combo.addItem(jingle_name(name), name)
        self.bed.addItem(self.tr("(none)"), None)
        self.total = QLabel()
        self.state_label = QLabel()
        self.history = ProgrammeHistoryList()
        self.save_button = QPushButton(self.tr("Save"))
        self.submit_button = QPushButton(self.tr("Submit for approval"))
        self.approve_button = QPushButton(self.tr("Approve…"))
        self.reject_button = QPushButton(self.tr("Reject…"))

        add_row = QHBoxLayout()
        add_row.addWidget(self.clip_choice, 2)
        add_row.addWidget(self.add_clip_button)
        add_row.addWidget(self.jingle_choice, 1)
        add_row.addWidget(self.add_jingle_button)
        item_row = QHBoxLayout()
        item_row.addWidget(QLabel(self.tr("Pause after:")))
        item_row.addWidget(self.gap)
        item_row.addWidget(self.variant_button)
        item_row.addWidget(self.remove_button)
        item_row.addStretch(1)
        self.stream_editing = ProgrammeStreamEditing(self, item_row)  # "Tiếp sóng…" (a relayed station)
        form = QFormLayout()
        form.addRow(self.tr("Title:"), self.title)
        form.addRow(self.tr("Category:"), self.category)
        form.addRow(self.tr("Intro:"), self.intro)
        form.addRow(self.tr("Outro:"), self.outro)
        form.addRow(self.tr("Music bed:"), self.bed)
        actions = QHBoxLayout()
        for button in (self.save_button, self.submit_button, self.approve_button, self.reject_button):
            actions.addWidget(button)
        actions.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(form)
        right_layout.addWidget(QLabel(self.tr("Items, in playing order (drag to reorder):")))
        right_layout.addWidget(self.items, 1)
        right_layout.addLayout(item_row)
        right_layout.addLayout(add_row)
        right_layout.addWidget(self.total)
        right_layout.addWidget(self.state_label)
        right_layout.addLayout(actions)
        right_layout.addWidget(QLabel(self.tr("History:")))
        right_layout.addWidget(self.history)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([300, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.list.currentRowChanged.connect(self._open_row)
        self.new_button.clicked.connect(self.new_programme)
        self.add_clip_button.clicked.connect(self.add_selected_clip)
        self.add_jingle_button.clicked.connect(lambda: self.add_item(Item(jingle=self.jingle_choice.currentData())))
        self.remove_button.clicked.connect(self.remove_item)
        self.variant_button.clicked.connect(self.add_variant)
        self.items.currentRowChanged.connect(self._item_selected)
        self.items.model().rowsMoved.connect(lambda *_: self._changed())
        self.gap.valueChanged.connect(self._gap_changed)
        for combo in (self.intro, self.outro, self.bed):
            combo.currentIndexChanged.connect(lambda _i: self._changed())
        self.save_button.clicked.connect(self.save)
        self.submit_button.clicked.connect(self.submit)
        self.approve_button.clicked.connect(lambda: self.decide(approve=True))
        self.reject_button.clicked.connect(lambda: self.decide(approve=False))
        self._update_buttons()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self.refresh()
        self.category.load()  # an admin may have changed the list

    # -- loading ------------------------------------------------------------------------------
    def refresh(self, select: int | None = None) -> None:
        fields = self.settings.cache_fields()

        def work(progress, cancel):
            programmes = self.services.programmes()
            library = programmes.library
            clips = {c.id: (c.title, library.edits(c.id).validate(c.duration_s, c.id)) for c in library.clips()}
            return clips, programmes.overview(fields)

        def done(value) -> None:
            self.clip_titles, rows = value
            self.items.titles = self.clip_titles
            keep = select if select is not None else (self.current.id if self.current else None)
            self.clip_choice.clear()
            self.bed.blockSignals(True)
            bed = self.bed.currentData()
            self.bed.clear()
            self.bed.addItem(self.tr("(none)"), None)
            for clip_id, (title, seconds) in sorted(self.clip_titles.items()):
                self.clip_choice.addItem(f"{title} ({format_duration(seconds)})", clip_id)
                self.bed.addItem(title, clip_id)
            self.bed.setCurrentIndex(max(0, self.bed.findData(bed)))
            self.bed.blockSignals(False)
            self.new_button.setEnabled(bool(self.clip_titles))
            self.new_button.setToolTip("" if self.clip_titles else self.tr("Import or record a clip first."))
            self.list.blockSignals(True)
            self.list.clear()
            for programme, seconds in rows:
                minutes = format_duration(seconds.get("vi", 0.0)) if seconds else "?"
                item = QListWidgetItem(f"{programme.title}\n{self.state_names[programme.state]} · {minutes}")
                item.setData(ITEM_ROLE, programme)
                self.list.addItem(item)
            self.list.blockSignals(False)
            self._loaded = True
            for row in range(self.list.count()):
                if self.list.item(row).data(ITEM_ROLE).id == keep:
                    self.list.setCurrentRow(row)
                    return
            if self.current is None and self.list.count():
                self.list.setCurrentRow(0)

        self.runner.run(self.tr("Loading programmes"), work, done, self.errors.show, cancellable=False)

    def _open_row(self, row: int) -> None:
        if row < 0:
            return
        self.open_programme(self.list.item(row).data(ITEM_ROLE))

    def open_programme(self, programme: Programme) -> None:
        self.current = programme
        self.title.setText(programme.title)
        self.category.show_programme(programme.id)
        self.items.clear()
        for item in programme.spec.items:
            self.items.append_item(item)
        for combo, value in ((self.intro, programme.spec.intro), (self.outro, programme.spec.outro),
                             (self.bed, programme.spec.bed.clip if programme.spec.bed else None)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
        self._dirty = False
        self._show_state()
        self._load_history(programme.id)

    def _load_history(self, programme_id: int) -> None:
        self.runner.run(self.tr("Loading history"), lambda p, c: read_history(self.services.programmes(), programme_id),
                        self.history.show_entries, self.errors.show, cancellable=False)

    # -- editing ------------------------------------------------------------------------------
    def spec(self) -> Spec:
        bed = self.bed.currentData()
        return Spec(self.items.values(), self.intro.currentData(), self.outro.currentData(),
                    Item(clip=bed) if bed is not None else None)

    def add_item(self, item: Item) -> None:
        self.items.append_item(item)
        self._changed()

    def add_selected_clip(self) -> None:
        clip_id = self.clip_choice.currentData()
        if clip_id is not None:
            self.add_item(Item(clip=clip_id))

    def remove_item(self) -> None:
        row = self.items.currentRow()
        if row >= 0:
            self.items.takeItem(row)
            self._changed()

    def add_variant(self) -> None:
        row = self.items.currentRow()
        if row < 0 or self.items.item_at(row).clip is None:  # a jingle or a stream has no versions
            return
        name, ok = QInputDialog.getItem(self, self.tr("Language version"), self.tr("Language:"), minority_names(), 0,
                                        False)
        if not ok or code_for_name(name) is None:
            return
        titles = [self.clip_choice.itemText(i) for i in range(self.clip_choice.count())]
        choice, ok = QInputDialog.getItem(self, self.tr("Language version"),
                                          self.tr("Clip read in %1:").replace("%1", name), titles, 0, False)
        if ok:
            self.set_variant(row, code_for_name(name), self.clip_choice.itemData(titles.index(choice)))

    def set_variant(self, row: int, language: str, clip_id: int) -> None:
        self.items.set_variant(row, language, clip_id)
        self._changed()

    def _item_selected(self, row: int) -> None:
        if row >= 0:
            self.gap.blockSignals(True)
            self.gap.setValue(self.items.item_at(row).gap_after)
            self.gap.blockSignals(False)
        self._update_buttons()

    def _gap_changed(self, value: float) -> None:
        row = self.items.currentRow()
        if row >= 0:
            self.items.set_gap(row, value)
            self._changed()

    def _changed(self) -> None:
        self._dirty = True
        self._show_state()

    def _show_state(self) -> None:
        programme = self.current
        if programme is None:
            self.total.setText("")
            self.state_label.setText("")
            self._update_buttons()
            return
        total = self._estimate(self.spec())
        self.total.setText(self.tr("Total length: %1").replace("%1", total))
        state = self.state_names[programme.state]
        if self._dirty and programme.state is not State.DRAFT:
            state += " — " + self.tr("saving returns it to draft")
        if programme.comment:
            state += " — " + programme.comment
        colour = {State.APPROVED: "#2e7d32", State.REJECTED: "#c62828", State.SUBMITTED: "#ef6c00"}.get(
            programme.state, "#455a64")
        self.state_label.setText(f"<b style='color:{colour}'>{state}</b>")
        self._update_buttons()

    def _estimate(self, spec: Spec) -> str:
        """Length per language from the clip lengths already loaded (no database)."""
        from studio.programmes.model import estimate_durations

        seconds = estimate_durations(spec, {clip: length for clip, (_title, length) in self.clip_titles.items()})
        return ", ".join(f"{display_name(code)} {format_duration(seconds[code])}" for code in sorted(seconds, key=order))

    def _update_buttons(self) -> None:
        programme = self.current
        has = programme is not None
        dirty = getattr(self, "_dirty", False)
        self.save_button.setEnabled(has and dirty)
        self.submit_button.setEnabled(has and not dirty and programme.state in (State.DRAFT, State.REJECTED)
                                      and self.items.count() > 0)
        for button in (self.approve_button, self.reject_button):
            button.setEnabled(has and not dirty and programme.state is State.SUBMITTED)
        self.remove_button.setEnabled(self.items.currentRow() >= 0)
        self.variant_button.setEnabled(self.items.current_is_clip())

    # -- actions ------------------------------------------------------------------------------
    def new_programme(self) -> None:
        title, ok = QInputDialog.getText(self, self.tr("New programme"), self.tr("Title:"))
        if not ok or not title.strip():
            return
        clip_id = self.clip_choice.currentData()
        if clip_id is not None:
            self.create(title, Spec((Item(clip=clip_id),)))

    def create(self, title: str, spec: Spec) -> None:
        operator = self.services.operator()
        self.runner.run(self.tr("Creating the programme"),
                        lambda p, c: self.services.programmes().create(title, spec, operator).id,
                        lambda programme_id: self._after_change(programme_id), self.errors.show)

    def save(self) -> None:
        if self.current is None:
            return
        programme_id, title, spec, operator = self.current.id, self.title.text(), self.spec(), self.services.operator()
        self.runner.run(self.tr("Saving the programme"),
                        lambda p, c: self.services.programmes().update(programme_id, operator, title, spec).id,
                        self._after_change, self.errors.show)

    def submit(self) -> None:
        from studio.programmes.render import render_all

        if self.current is None:
            return
        programme_id, operator, settings = self.current.id, self.services.operator(), self.settings

        def work(progress, cancel):
            programmes = self.services.programmes()
            return programmes.submit(programme_id, operator, render_all(programmes, settings, cancel),
                                     settings.cache_fields()).id

        self.runner.run(self.tr("Rendering and submitting"), work, self._after_change, self.errors.show)

    def decide(self, approve: bool) -> None:
        if self.current is None:
            return
        title = self.tr("Approve the programme") if approve else self.tr("Reject the programme")
        prompt = (self.tr("The commune leader approves “%1” with their own account.") if approve else
                  self.tr("Reject “%1” and say what to change.")).replace("%1", self.current.title)
        dialog = ApprovalDialog.for_panel(self, title, prompt, approve)  # listens to each language first
        dialog.accepted.connect(lambda: self._decide(approve, *dialog.values()))
        dialog.open()
        self._login = dialog

    def _decide(self, approve: bool, username: str, password: str, comment: str) -> None:
        from studio.programmes.render import render_all

        programme_id, settings = self.current.id, self.settings

        def work(progress, cancel):
            programmes = self.services.programmes()
            return programmes.decide_as(programme_id, username, password, approve,
                                        render_all(programmes, settings, cancel), settings.cache_fields(), comment).id

        self.runner.run(self.tr("Recording the decision"), work, self._after_change, self.errors.show)

    def _after_change(self, programme_id: int) -> None:
        self.current = None
        self.refresh(select=programme_id)
        self.programmes_changed.emit()
