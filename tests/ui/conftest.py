"""The real window, built by the composition root on a temporary data folder."""

from __future__ import annotations

import pytest

from tests.support.ui import open_window


@pytest.fixture
def studio_window(qtbot, data_dir):
    with open_window(qtbot, data_dir) as window:
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=10000)
        yield window
