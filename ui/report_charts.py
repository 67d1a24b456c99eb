"""The Báo cáo area's charts (pyqtgraph, drawn by Qt in the window): hours per month by
category (stacked), availability per receiver, planned vs played. A click on a bar emits
`bar_clicked(key)` with what that bar stands for (a month, a receiver's name, an outcome),
for the drill-down. UI thread.
"""

from __future__ import annotations

import html

import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

MAX_LABELS = 6
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")


class BarChart(pg.PlotWidget):
    bar_clicked = Signal(str)

    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent, background="w")
        self.setTitle(title, color="#222", size="10pt")
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.getPlotItem().showGrid(y=True, alpha=0.3)
        self.keys: list[str] = []
        self.scene().sigMouseClicked.connect(self._clicked)
        self.setMinimumHeight(160)

    def show_bars(self, keys: list[str], labels: list[str], stacks: list[tuple[str, list[float]]],
                  max_labels: int = MAX_LABELS) -> None:
        """Bars at 0..n-1, one stacked series per (name, values), coloured by `COLOURS`."""
        self.clear()
        self.keys = keys
        base = [0.0] * len(keys)
        for index, (_name, values) in enumerate(stacks):
            item = pg.BarGraphItem(x=list(range(len(keys))), height=values, y0=list(base), width=0.7,
                                   brush=COLOURS[index % len(COLOURS)], pen=None)
            self.addItem(item)
            base = [b + v for b, v in zip(base, values)]
        axis = self.getAxis("bottom")
        step = max(1, -(-len(labels) // max_labels))  # every label up to MAX_LABELS, then every n-th
        axis.setTicks([[(i, label) for i, label in enumerate(labels) if i % step == 0]])
        self.setXRange(-0.6, max(len(keys), 1) - 0.4, padding=0)
        self.setYRange(0, max(base + [1.0]) * 1.1, padding=0)

    def _clicked(self, event) -> None:
        point = self.getPlotItem().vb.mapSceneToView(event.scenePos())
        index = round(point.x())
        if 0 <= index < len(self.keys) and point.y() >= 0:
            self.bar_clicked.emit(self.keys[index])


class ReportCharts(QWidget):
    def __init__(self, titles: tuple[str, str, str], parent=None) -> None:
        super().__init__(parent)
        self.months, self.availability, self.planned = (BarChart(t) for t in titles)
        self.legend = QLabel(wordWrap=True)  # the month chart's categories, as coloured squares
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        column = QVBoxLayout()
        column.addWidget(self.months, 1)
        column.addWidget(self.legend)
        row.addLayout(column, 1)
        for chart in (self.availability, self.planned):
            row.addWidget(chart, 1)

    def set_legend(self, names: list[str]) -> None:
        self.legend.setText(" ".join(f'<span style="color:{COLOURS[i % len(COLOURS)]}">■</span>&nbsp;{html.escape(n)}'
                                     for i, n in enumerate(names)))
