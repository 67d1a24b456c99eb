"""Changing or trashing a clip that an approved programme uses warns first (issue 14,
defect 1): the editor's fade-in and the library's trash name the programmes that will need
approval again; cancel changes nothing, confirming goes on; a clip no approved programme
uses changes without a question."""

from __future__ import annotations

import sqlite3

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.audio.settings import RenderSettings
from studio.programmes.model import Item, Spec
from studio.programmes.render import render_all
from studio.programmes.workflow import Programmes
from tests.support.tools import write_audio
from tests.support.ui import import_by_drop


def stored(data_dir, clip_id) -> tuple[int, str | None]:
    with sqlite3.connect(data_dir / "studio.db") as conn:
        return tuple(conn.execute("SELECT edit_version, deleted_at FROM clips WHERE id = ?", (clip_id,)).fetchone())


def idle(qtbot, window):
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=30000)


def test_changing_or_trashing_a_clip_of_an_approved_programme_warns_first(qtbot, studio_window, tmp_path, data_dir):
    window = studio_window
    sources = [write_audio(tmp_path / "tiem.wav", synthetic.speech_like(4.0, seed=1), subtype="PCM_16"),
               write_audio(tmp_path / "nhac.wav", synthetic.speech_like(3.0, seed=2), subtype="PCM_16")]
    (used, unused), _ = import_by_drop(qtbot, window, sources)
    library = window.services.library()
    library.rename(used, "Thông báo tiêm chủng")
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    approver = accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    programmes = Programmes(library, accounts)
    settings = RenderSettings().cache_fields()
    for title in ("Bản tin sáng", "Bản tin chiều"):
        programme = programmes.create(title, Spec((Item(clip=used),)), admin)
        programmes.submit(programme.id, admin, render_all(programmes), settings)
        programmes.approve(programme.id, approver, render_all(programmes), settings)

    window.library.select_clip(used)
    editor = window.editor
    with qtbot.waitSignal(editor.clip_loaded, timeout=20000):
        window.library.open_selected()
    editor.fade_in.setValue(0.5)
    warning = editor.guard.dialog
    assert warning is not None and warning.isVisible()
    assert "Bản tin sáng" in warning.text() and "Bản tin chiều" in warning.text()
    assert "phê duyệt lại" in warning.text()
    warning.reject()  # cancel: the clip is unchanged, the spin box goes back
    assert editor.fade_in.value() == 0.0 and editor.edits.fade_in == 0.0
    idle(qtbot, window)
    assert stored(data_dir, used)[0] == 0

    editor.fade_in.setValue(0.5)
    editor.guard.ok_button.click()
    assert editor.edits.fade_in == 0.5
    qtbot.waitUntil(lambda: stored(data_dir, used)[0] == 1, timeout=10000)
    idle(qtbot, window)
    editor.fade_out.setValue(1.0)  # the programmes already need approval again: no second question
    assert editor.guard.dialog is None and editor.edits.fade_out == 1.0

    # undoing both brings back the approved audio; redoing would lose it again, so it asks
    editor.undo_button.click()
    editor.undo_button.click()
    qtbot.waitUntil(lambda: stored(data_dir, used)[0] == 0, timeout=10000)
    qtbot.waitUntil(lambda: len(editor.guard.known.get(used) or []) == 2, timeout=10000)
    editor.redo_button.click()
    assert editor.guard.dialog is not None and "Bản tin sáng" in editor.guard.dialog.text()
    editor.guard.dialog.reject()
    assert editor.edits.fade_in == 0.0
    idle(qtbot, window)

    # the trash (the programmes are approved with matching audio again)
    window.library.select_clip(used)
    window.library.delete_button.click()
    qtbot.waitUntil(lambda: window.library.trash_guard.dialog is not None, timeout=10000)
    question = window.library.trash_guard.dialog
    assert "Bản tin sáng" in question.text() and "thùng rác" in question.text()
    question.reject()
    idle(qtbot, window)
    assert stored(data_dir, used)[1] is None  # still in the library
    window.library.delete_button.click()
    qtbot.waitUntil(lambda: window.library.trash_guard.dialog is not None, timeout=10000)
    window.library.trash_guard.ok_button.click()
    qtbot.waitUntil(lambda: stored(data_dir, used)[1] is not None, timeout=10000)

    idle(qtbot, window)
    window.library.select_clip(unused)  # no approved programme uses it: no question
    window.library.delete_button.click()
    qtbot.waitUntil(lambda: stored(data_dir, unused)[1] is not None, timeout=10000)
    assert window.library.trash_guard.dialog is None
