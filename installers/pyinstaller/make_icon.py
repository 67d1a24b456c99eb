"""Make the Windows executable's icon: one of the studio's SVG icons rendered at 256 px
into an .ico by Qt's own ico writer (Windows scales it down), so no binary is committed.

`python installers/pyinstaller/make_icon.py OUT.ico` (offscreen Qt; any platform).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICON_NAME = "receivers.svg"  # a loudspeaker: what the studio feeds


def icon_svg() -> bytes:
    from ui.resources import icon_file

    return icon_file(ICON_NAME.removesuffix(".svg")).read_bytes()


def main(out: Path) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QGuiApplication, QIcon, QImage, QPainter, QPixmap
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (QPixmap needs it)
    renderer = QSvgRenderer(QByteArray(icon_svg()))
    if not renderer.isValid():
        sys.exit(f"make_icon: {ICON_NAME} is not a valid SVG")
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not QIcon(QPixmap.fromImage(image)).pixmap(256, 256).save(str(out), "ICO"):
        sys.exit(f"make_icon: Qt could not write {out} (no ico image plugin?)")
    print(f"icon: {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
