"""The calendar's colour key: one swatch per zone in the colour its blocks are drawn in,
and what the outlines mean, as one wrapping line (many zones never widen the window).
UI thread only."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QLabel


class ZoneLegend(QLabel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.names: list[str] = []

    def set_zones(self, zones: list[tuple[int, str]]) -> None:
        from ui.week_calendar import zone_colour

        self.names = [name for _id, name in zones]
        swatch = "<span style='background-color:{};'>&nbsp;&nbsp;&nbsp;&nbsp;</span>&nbsp;{}"
        entries = [swatch.format(zone_colour(zone_id).name(), escape(name).replace(" ", "&nbsp;"))
                   for zone_id, name in zones]
        priority, emergency, to_fix = self.tr("priority"), self.tr("emergency"), self.tr("to fix")
        entries += [f"<span style='color:#ef6c00;'>▭</span>&nbsp;{priority}",
                    f"<span style='color:#c62828;'>▭</span>&nbsp;{emergency}", f"⚠&nbsp;{to_fix}"]
        self.setText("&nbsp;&nbsp; ".join(entries))
