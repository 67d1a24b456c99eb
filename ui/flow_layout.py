"""A row of buttons that wraps onto a second line when the window is narrow.

Used for the toolbars of the panels, so the window fits a 1024-pixel-wide screen without
cutting off the last buttons. It behaves as a QHBoxLayout when everything fits on one
line: `addStretch()` takes the free width of its line (what follows it is pushed to the
right end). When it does not fit, items move to the next line and the layout asks for the
height of the lines it needs (height-for-width). UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QSpacerItem, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    # -- QLayout ------------------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt API)
        self._items.append(item)

    def addStretch(self, _stretch: int = 1) -> None:  # noqa: N802 (QBoxLayout's name)
        self.addItem(QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum))

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt API)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt API)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt API)
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt API)
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt API)
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """Everything on one line."""
        shown = self._shown()
        width = sum(item.sizeHint().width() for item in shown) + self.spacing() * max(0, len(shown) - 1)
        height = max((item.sizeHint().height() for item in shown), default=0)
        return self._with_margins(QSize(width, height))

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt API)
        """The widest single item: anything narrower wraps."""
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        return self._with_margins(size)

    # -- layout -------------------------------------------------------------------------------
    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty() or isinstance(item, QSpacerItem)]

    def _with_margins(self, size: QSize) -> QSize:
        m = self.contentsMargins()
        return QSize(size.width() + m.left() + m.right(), size.height() + m.top() + m.bottom())

    def _lines(self, width: int) -> list[list[QLayoutItem]]:
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._shown():
            w = 0 if isinstance(item, QSpacerItem) else item.sizeHint().width()
            extra = w + (self.spacing() if lines[-1] else 0)
            if lines[-1] and w and used + extra > width:
                lines.append([])
                used, extra = 0, w
            lines[-1].append(item)
            used += extra
        return [line for line in lines if any(not isinstance(i, QSpacerItem) for i in line)]

    def _arrange(self, rect: QRect, apply: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        y = area.y()
        for line in self._lines(area.width()):
            widgets = [i for i in line if not isinstance(i, QSpacerItem)]
            height = max(i.sizeHint().height() for i in widgets)
            natural = sum(i.sizeHint().width() for i in widgets) + self.spacing() * (len(widgets) - 1)
            spacers = [i for i in line if isinstance(i, QSpacerItem)]
            free = max(0, area.width() - natural)
            x = area.x()
            for item in line:
                if isinstance(item, QSpacerItem):
                    x += free // len(spacers)
                    continue
                w = min(item.sizeHint().width(), area.width())
                if apply:
                    item.setGeometry(QRect(QPoint(x, y + (height - item.sizeHint().height()) // 2),
                                           QSize(w, item.sizeHint().height())))
                x += w + self.spacing()
            y += height + self.spacing()
        return y - self.spacing() - area.y() + m.top() + m.bottom() if y > area.y() else 0
