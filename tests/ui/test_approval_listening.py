"""The approver listens before approving (issue 14): the approval dialog plays the exact
rendered programme, each language version, through the preview player; what reaches the
file-backed ALSA device is that render, sample for sample, and not silence."""

from __future__ import annotations

import numpy as np
import soundfile as sf

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.audio.settings import RenderSettings
from studio.programmes.model import Item, Spec, State
from studio.programmes.render import render_all, render_programme
from studio.programmes.workflow import Programmes
from tests.support.tools import write_audio


def idle(qtbot, window):
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=60000)


def test_the_approver_hears_each_language_version_before_approving(qtbot, studio_window, tmp_path, sound):
    window = studio_window
    library = window.services.library()
    vi, bahnar = (library.import_file(write_audio(tmp_path / f"{n}.wav", synthetic.speech_like(s, seed=n),
                                                  subtype="PCM_16")).clip.id for n, s in ((1, 3.0), (2, 4.0)))
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    programmes = Programmes(library, accounts)
    programme = programmes.create("Bản tin sáng", Spec((Item(clip=vi, variants=(("bahnar", bahnar),)),)), admin)
    programmes.submit(programme.id, admin, render_all(programmes), RenderSettings().cache_fields())
    expected = {lang: sf.read(str(render_programme(programmes, programmes.get(programme.id), lang,
                                                   RenderSettings()).media_path), dtype="float32")[0]
                for lang in ("vi", "bahnar")}

    window.show_area("programmes")
    panel = window.programmes_panel
    idle(qtbot, window)
    panel.open_programme(programmes.get(programme.id))
    idle(qtbot, window)
    panel.approve_button.click()
    dialog = panel._login
    assert set(dialog.listen_buttons) == {"vi", "bahnar"}

    with qtbot.waitSignal(dialog.preview.started, timeout=30000):
        dialog.listen_buttons["bahnar"].click()
    assert "■" in dialog.listen_buttons["bahnar"].text()
    qtbot.waitUntil(lambda: not dialog.preview.playing, timeout=20000)
    want = expected["bahnar"]
    first = int(np.flatnonzero(np.abs(want) > 1e-3)[0])
    # the device may get some silence before the first block: align on the first sound
    qtbot.waitUntil(lambda: np.any(np.abs(sound.played()) > 1e-3), timeout=5000)
    lead = int(np.flatnonzero(np.abs(sound.played()) > 1e-3)[0]) - first
    qtbot.waitUntil(lambda: len(sound.played()) >= lead + len(want), timeout=5000)
    played = sound.played()[lead: lead + len(want)]
    assert np.sqrt(np.mean(played ** 2)) > 0.01  # not silence
    np.testing.assert_allclose(played, want, atol=1e-4)  # the exact Ba Na render
    assert len(want) != len(expected["vi"])

    dialog.username.setText("chutich")
    dialog.password.setText("matkhau-chutich")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.state is State.APPROVED, timeout=60000)
