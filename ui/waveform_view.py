"""Waveform of one clip drawn from its peak pyramid, at any zoom, with the edit list drawn
over it: trimmed-off ends and cut ranges shaded, fades as ramps, gain applied to the
drawing, the selection and the play cursor.

Zoom: mouse wheel (around the pointer), Ctrl+wheel or +/- keys; scroll: Shift+wheel,
arrow keys, Home/End, or the editor's scroll bar. Selection: drag with the left button;
a click moves the cursor. Each paint asks the pyramid for exactly one min/max column
per pixel (O(width), whatever the zoom), so a 2-hour recording scrolls as smoothly as a
short one. UI thread only; the pyramid is loaded into memory by a background task.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from studio.audio.edits import EditList
from studio.audio.peaks import PeakPyramid

MIN_FRAMES_PER_PIXEL = 1.0
ZOOM_STEP = 1.25

BACKGROUND = QColor("#16212b")
WAVE = QColor("#4fc3f7")
WAVE_OUT = QColor("#3a4a57")
CUT = QColor(229, 57, 53, 90)
SELECTION = QColor(255, 255, 255, 50)
CURSOR = QColor("#ffca28")
FADE = QColor("#a5d6a7")
GRID = QColor("#24323e")
MARKER = QColor("#ff8a65")


class WaveformView(QWidget):
    view_changed = Signal()  # start or zoom moved (the scroll bar follows)
    selection_changed = Signal()
    cursor_moved = Signal(float)  # seconds

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(160)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self.pyramid: PeakPyramid | None = None
        self.sample_rate = 48000
        self.edits = EditList()
        self.start = 0.0  # first visible frame
        self.frames_per_pixel = 1.0
        self.selection: tuple[float, float] | None = None  # frames
        self.cursor = 0.0  # frames
        self.play_position: float | None = None  # frames
        self.markers: tuple[float, ...] = ()  # seconds
        self._drag_from: float | None = None
        self.paint_count = 0

    # -- content --------------------------------------------------------------------------
    def set_clip(self, pyramid: PeakPyramid, sample_rate: int, edits: EditList) -> None:
        self.pyramid, self.sample_rate, self.edits = pyramid, sample_rate, edits
        self.selection, self.cursor, self.play_position = None, 0.0, None
        self.zoom_to_fit()

    def clear(self) -> None:
        self.pyramid = None
        self.update()

    def set_edits(self, edits: EditList) -> None:
        self.edits = edits
        self.update()

    @property
    def total_frames(self) -> int:
        return self.pyramid.frames if self.pyramid else 0

    # -- view -----------------------------------------------------------------------------
    def max_frames_per_pixel(self) -> float:
        return max(MIN_FRAMES_PER_PIXEL, self.total_frames / max(1, self.width()))

    def visible_frames(self) -> float:
        return self.frames_per_pixel * max(1, self.width())

    def set_view(self, start: float, frames_per_pixel: float) -> None:
        fpp = float(np.clip(frames_per_pixel, MIN_FRAMES_PER_PIXEL, self.max_frames_per_pixel()))
        span = fpp * max(1, self.width())
        start = float(np.clip(start, 0.0, max(0.0, self.total_frames - span)))
        if (start, fpp) != (self.start, self.frames_per_pixel):
            self.start, self.frames_per_pixel = start, fpp
            self.view_changed.emit()
            self.update()

    def zoom_to_fit(self) -> None:
        self.start = 0.0
        self.frames_per_pixel = self.max_frames_per_pixel()
        self.view_changed.emit()
        self.update()

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        """factor > 1 zooms in, keeping the frame under `anchor_x` (pixels) in place."""
        x = self.width() / 2 if anchor_x is None else anchor_x
        anchor = self.start + x * self.frames_per_pixel
        fpp = self.frames_per_pixel / factor
        self.set_view(anchor - x * fpp, fpp)

    def scroll_pixels(self, pixels: float) -> None:
        self.set_view(self.start + pixels * self.frames_per_pixel, self.frames_per_pixel)

    def frame_at(self, x: float) -> float:
        return float(np.clip(self.start + x * self.frames_per_pixel, 0, self.total_frames))

    def x_of(self, frame: float) -> float:
        return (frame - self.start) / self.frames_per_pixel

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.set_view(self.start, self.frames_per_pixel)

    # -- selection ------------------------------------------------------------------------
    def selection_seconds(self) -> tuple[float, float] | None:
        if self.selection is None:
            return None
        a, b = self.selection
        return a / self.sample_rate, b / self.sample_rate

    def set_selection_seconds(self, start: float, end: float) -> None:
        self.selection = (start * self.sample_rate, end * self.sample_rate)
        self.selection_changed.emit()
        self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.pyramid:
            self._drag_from = self.frame_at(event.position().x())
            self.cursor = self._drag_from
            if self.selection is not None:
                self.selection = None
                self.selection_changed.emit()
            self.cursor_moved.emit(self.cursor / self.sample_rate)
            self.update()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._drag_from is not None:
            here = self.frame_at(event.position().x())
            a, b = sorted((self._drag_from, here))
            self.selection = (a, b) if b - a >= self.frames_per_pixel * 2 else None
            self.selection_changed.emit()
            self.update()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        self._drag_from = None

    def wheelEvent(self, event) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120.0 or event.angleDelta().x() / 120.0
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.scroll_pixels(-steps * self.width() / 8)
        else:
            self.zoom(ZOOM_STEP**steps, event.position().x())
        event.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(ZOOM_STEP * ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.zoom(1 / (ZOOM_STEP * ZOOM_STEP))
        elif key == Qt.Key.Key_Left:
            self.scroll_pixels(-self.width() / 10)
        elif key == Qt.Key.Key_Right:
            self.scroll_pixels(self.width() / 10)
        elif key == Qt.Key.Key_Home:
            self.set_view(0, self.frames_per_pixel)
        elif key == Qt.Key.Key_End:
            self.set_view(self.total_frames, self.frames_per_pixel)
        elif key == Qt.Key.Key_0:
            self.zoom_to_fit()
        else:
            super().keyPressEvent(event)

    # -- painting -------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        self.paint_count += 1
        painter = QPainter(self)
        width, height = self.width(), self.height()
        painter.fillRect(self.rect(), BACKGROUND)
        mid = height / 2
        painter.setPen(GRID)
        painter.drawLine(QLineF(0, mid, width, mid))
        if self.pyramid is None or self.total_frames == 0:
            painter.setPen(QColor("#90a4ae"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Open a clip from the library to edit it."))
            return
        end = min(self.total_frames, self.start + self.visible_frames())
        columns = min(width, max(1, int(np.ceil((end - self.start) / self.frames_per_pixel))))
        peaks = self.pyramid.columns(int(self.start), int(end), columns)
        gain = 10 ** (self.edits.gain_db / 20.0)
        scale = (height / 2 - 2) * gain
        top = np.clip(mid - peaks[:, 1] * scale, 0, height)
        bottom = np.clip(mid - peaks[:, 0] * scale, 0, height)
        bottom = np.maximum(bottom, top + 1)
        frames = self.start + (np.arange(columns, dtype=np.float64) + 0.5) * self.frames_per_pixel
        colours = np.where(self._kept_mask(frames), np.uint32(WAVE.rgba()), np.uint32(WAVE_OUT.rgba()))
        # One image filled by numpy instead of a QLineF per column: no per-pixel Python
        # objects, so no garbage-collector pauses while scrolling.
        rows = np.arange(height, dtype=np.float32)[:, None]
        inside = (rows >= np.floor(top)[None, :]) & (rows < np.ceil(bottom)[None, :])
        pixels = np.where(inside, colours[None, :], np.uint32(0))
        image = QImage(pixels.data, columns, height, columns * 4, QImage.Format.Format_ARGB32)
        painter.drawImage(0, 0, image)
        del image, pixels
        self._paint_overlays(painter, height)

    def _kept_mask(self, frames: np.ndarray) -> np.ndarray:
        seconds = frames / self.sample_rate
        edits = self.edits
        keep = seconds >= edits.trim_in
        if edits.trim_out is not None:
            keep &= seconds <= edits.trim_out
        for a, b in edits.cuts:
            keep &= ~((seconds >= a) & (seconds < b))
        return keep

    def _paint_overlays(self, painter: QPainter, height: int) -> None:
        rate = self.sample_rate
        for a, b in self.edits.cuts:
            painter.fillRect(QRectF(self.x_of(a * rate), 0, (b - a) * rate / self.frames_per_pixel, height), CUT)
        edits = self.edits
        out = edits.trim_out if edits.trim_out is not None else self.total_frames / rate
        painter.setPen(QPen(FADE, 2))
        if edits.fade_in > 0:
            x0, x1 = self.x_of(edits.trim_in * rate), self.x_of((edits.trim_in + edits.fade_in) * rate)
            painter.drawLine(QPointF(x0, height - 2), QPointF(x1, 2))
        if edits.fade_out > 0:
            x0, x1 = self.x_of((out - edits.fade_out) * rate), self.x_of(out * rate)
            painter.drawLine(QPointF(x0, 2), QPointF(x1, height - 2))
        painter.setPen(QPen(MARKER, 1, Qt.PenStyle.DashLine))
        for seconds in self.markers:
            x = self.x_of(seconds * rate)
            if 0 <= x <= self.width():
                painter.drawLine(QLineF(x, 0, x, height))
                painter.fillRect(QRectF(x - 4, 0, 8, 8), MARKER)
        if self.selection is not None:
            a, b = self.selection
            painter.fillRect(QRectF(self.x_of(a), 0, (b - a) / self.frames_per_pixel, height), SELECTION)
        painter.setPen(QPen(CURSOR, 1))
        position = self.play_position if self.play_position is not None else self.cursor
        x = self.x_of(position)
        if 0 <= x <= self.width():
            painter.drawLine(QLineF(x, 0, x, height))
