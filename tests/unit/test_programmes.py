"""Programmes, accounts and approval on a real library (SQLite file, media store, the
real render path), with synthesised audio."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import numpy as np
import pytest
import soundfile as sf

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.audio.edits import EditList
from studio.audio.settings import RenderSettings
from studio.errors import AccessDenied, ApprovalError, InvalidPreference, InvalidProgramme
from studio.programmes.model import Item, Spec, State, parse_items
from studio.programmes.render import render_all, render_programme
from studio.programmes.workflow import Programmes
from tests.support.tools import write_audio

SETTINGS = RenderSettings()
FIELDS = SETTINGS.cache_fields()


@pytest.fixture
def studio(library, tmp_path):
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    editor = accounts.add("bientap", "matkhau-bientap", Role.EDITOR, by=admin)
    approver = accounts.add("chutich", "matkhau-chutich", Role.APPROVER, "Chủ tịch UBND xã", by=admin)
    clips = []
    for n, seconds in enumerate((4.0, 3.0, 5.0)):
        path = write_audio(tmp_path / f"tin-{n}.wav", synthetic.speech_like(seconds, seed=n), subtype="PCM_16")
        clips.append(library.import_file(path).clip.id)
    return Programmes(library, accounts), accounts, editor, approver, clips


def test_accounts_roles_and_passwords(library):
    accounts = Accounts(library.conn)
    with pytest.raises(AccessDenied):
        accounts.add("bientap", "matkhau-bientap", Role.EDITOR)  # the first account must be an admin
    admin = accounts.add("quantri", "mat-khau-dai", Role.ADMIN)
    editor = accounts.add("bientap", "matkhau-bientap", Role.EDITOR, by=admin)
    with pytest.raises(AccessDenied):
        accounts.add("khac", "matkhau-khac", Role.ADMIN, by=editor)
    with pytest.raises(InvalidPreference):
        accounts.add("ngan", "1234", Role.EDITOR, by=admin)
    with pytest.raises(InvalidPreference):
        accounts.add("bientap", "matkhau-moi1", Role.EDITOR, by=admin)
    assert accounts.authenticate("bientap", "matkhau-bientap").role is Role.EDITOR
    with pytest.raises(AccessDenied):
        accounts.authenticate("bientap", "sai-mat-khau")
    with pytest.raises(AccessDenied):
        accounts.authenticate("khong-co", "sai-mat-khau")
    stored = library.conn.execute("SELECT password_hash FROM users WHERE username='bientap'").fetchone()[0]
    assert stored.startswith("scrypt$") and "matkhau" not in stored
    raw = (library.paths.database).read_bytes() + (library.paths.database.with_name("studio.db-wal").read_bytes()
                                                    if library.paths.database.with_name("studio.db-wal").exists() else b"")
    assert b"matkhau-bientap" not in raw
    assert [e.action for e in accounts.history()][-2:] == ["login-failed", "login-failed"]


def test_the_approval_workflow_and_who_may_do_what(studio):
    programmes, accounts, editor, approver, clips = studio
    render = render_all(programmes, SETTINGS)
    programme = programmes.create("Bản tin sáng", Spec((Item(clip=clips[0]), Item(jingle="chuong-bao"),
                                                        Item(clip=clips[1]))), editor)
    assert programme.state is State.DRAFT
    with pytest.raises(ApprovalError):
        programmes.approve(programme.id, approver, render, FIELDS)  # a draft
    submitted = programmes.submit(programme.id, editor, render, FIELDS)
    assert submitted.state is State.SUBMITTED and set(submitted.audio) == {"vi"}
    assert programmes.library.store.has(submitted.audio["vi"])  # bound to a real rendered file
    with pytest.raises(AccessDenied):
        programmes.approve(programme.id, editor, render, FIELDS)  # an editor cannot approve
    with pytest.raises(InvalidProgramme):
        programmes.reject(programme.id, approver, "  ")  # a rejection says why
    rejected = programmes.reject(programme.id, approver, "Đọc lại đoạn 2 chậm hơn")
    assert rejected.state is State.REJECTED and rejected.comment == "Đọc lại đoạn 2 chậm hơn"
    programmes.submit(programme.id, editor, render, FIELDS)
    approved = programmes.approve(programme.id, approver, render, FIELDS, "Đồng ý")
    assert approved.state is State.APPROVED and approved.decided_by == "chutich"
    assert programmes.is_approved(approved, FIELDS)
    actions = [(e.username, e.action) for e in programmes.history(programme.id)]
    assert actions == [("bientap", "create"), ("bientap", "submit"), ("chutich", "reject"),
                       ("bientap", "submit"), ("chutich", "approve")]


def test_any_change_returns_an_approved_programme_to_draft(studio):
    programmes, accounts, editor, approver, clips = studio
    render = render_all(programmes, SETTINGS)
    programme = programmes.create("Thông báo", Spec((Item(clip=clips[0]),)), editor)
    programmes.submit(programme.id, editor, render, FIELDS)
    programmes.approve(programme.id, approver, render, FIELDS)

    # 1. editing the programme itself
    edited = programmes.update(programme.id, editor, spec=Spec((Item(clip=clips[0]), Item(clip=clips[1]))))
    assert edited.state is State.DRAFT and edited.content_sha256 is None
    assert programmes.history(programme.id)[-1].detail == {"returned_to_draft": True, "was": "approved"}

    # 2. editing a clip the approved programme plays
    programmes.submit(programme.id, editor, render, FIELDS)
    approved = programmes.approve(programme.id, approver, render, FIELDS)
    programmes.library.set_edits(clips[1], EditList(gain_db=-3.0))
    assert not programmes.is_approved(approved, FIELDS)
    assert programmes.revalidate(programme.id, FIELDS).state is State.DRAFT
    assert programmes.history(programme.id)[-1].action == "returned-to-draft"

    # 3. the audio changing between submission and approval
    programmes.submit(programme.id, editor, render, FIELDS)
    programmes.library.set_edits(clips[0], EditList(fade_in=0.5))
    with pytest.raises(ApprovalError):
        programmes.approve(programme.id, approver, render, FIELDS)
    assert programmes.get(programme.id).state is State.DRAFT


def test_rendered_programme_has_its_gaps_jingles_variants_and_loudness(studio, tmp_path):
    programmes, accounts, editor, approver, clips = studio
    spec = Spec((Item(clip=clips[0], gap_after=1.0), Item(clip=clips[1], variants=(("bahnar", clips[2]),))),
                intro="chuong-mo-dau", outro="chuong-ket-thuc")
    programme = programmes.create("Hai thứ tiếng", spec, editor)
    durations = programmes.durations(spec)
    assert durations["vi"] == pytest.approx(3.65 + 0.4 + 4.0 + 1.0 + 3.0 + 0.4 + 3.65, abs=0.05)
    assert durations["bahnar"] == pytest.approx(durations["vi"] + 2.0, abs=0.05)
    for language in ("vi", "bahnar"):
        result = render_programme(programmes, programme, language, SETTINGS)
        audio, rate = sf.read(result.media_path)
        assert len(audio) / rate == pytest.approx(durations[language], abs=0.05)
        assert result.loudness_lufs == pytest.approx(-16.0, abs=0.5) and result.true_peak_dbtp <= -1.0
    again = render_programme(programmes, programme, "vi", SETTINGS)
    assert again.cached

    crossfaded = programmes.update(programme.id, editor, spec=replace(spec, items=(
        spec.items[0], replace(spec.items[1], crossfade=2.0))))
    assert programmes.durations(crossfaded.spec)["vi"] == pytest.approx(durations["vi"] - 1.0 - 2.0, abs=0.05)


def test_the_music_bed_ducks_under_speech(studio, tmp_path, library):
    programmes, accounts, editor, approver, clips = studio
    speech = np.concatenate([synthetic.speech_like(3.0, seed=5), np.zeros(48000 * 3, dtype=np.float32)])
    talk = library.import_file(write_audio(tmp_path / "noi-roi-im.wav", speech, subtype="PCM_16")).clip.id
    bed = library.import_file(write_audio(tmp_path / "nhac-nen.wav", synthetic.sine(10.0, 220.0, amplitude=0.3),
                                          subtype="PCM_16")).clip.id
    programme = programmes.create("Có nhạc nền", Spec((Item(clip=talk),), bed=Item(clip=bed), bed_level_db=-20,
                                                      duck_db=15), editor)
    audio, rate = sf.read(render_programme(programmes, programme, "vi", SETTINGS).media_path)
    spectrum_under_speech = np.abs(np.fft.rfft(audio[int(1.0 * rate):int(2.5 * rate)]))
    spectrum_in_silence = np.abs(np.fft.rfft(audio[int(4.5 * rate):int(5.5 * rate)]))
    bin_under = int(220 * 1.5)  # 220 Hz in a 1.5 s window
    bin_silent = 220
    under = spectrum_under_speech[bin_under - 2:bin_under + 3].max() / 1.5
    silent = spectrum_in_silence[bin_silent - 2:bin_silent + 3].max()
    assert 20 * np.log10(silent / under) == pytest.approx(15.0, abs=2.5)


def test_bad_programmes_are_refused(studio):
    programmes, accounts, editor, approver, clips = studio
    with pytest.raises(InvalidProgramme):
        programmes.create("Trống", Spec(()), editor)
    with pytest.raises(InvalidProgramme):
        programmes.create("Clip lạ", Spec((Item(clip=999),)), editor)
    with pytest.raises(InvalidProgramme):
        programmes.create("Nhạc lạ", Spec((Item(jingle="khong-co"),)), editor)
    with pytest.raises(InvalidProgramme):
        parse_items(["12,bahnar"])
    assert parse_items(["12,bahnar=15", "jingle:chuong-bao"]) == (
        Item(clip=12, variants=(("bahnar", 15),)), Item(jingle="chuong-bao"))


def test_a_failed_step_leaves_the_database_as_it_was(studio):
    programmes, accounts, editor, approver, clips = studio
    programme = programmes.create("Bản tin", Spec((Item(clip=clips[0]),)), editor)

    def broken_render(_programme):
        raise sqlite3.OperationalError("disk I/O error")

    with pytest.raises(sqlite3.OperationalError):
        programmes.submit(programme.id, editor, broken_render, FIELDS)
    assert programmes.get(programme.id).state is State.DRAFT
    assert [e.action for e in programmes.history(programme.id)] == ["create"]


def test_estimate_adds_items_pauses_and_jingles_per_language():
    from studio.programmes.model import INTRO_GAP, Item, Spec, estimate_durations, jingle_info, jingles

    chime = jingles()[0]
    spec = Spec((Item(clip=1, variants=(("bahnar", 2),), gap_after=0.5), Item(clip=3, gap_after=9.0)), intro=chime)
    seconds = estimate_durations(spec, {1: 10.0, 2: 14.0, 3: 5.0})
    intro = jingle_info(chime)[1] + INTRO_GAP
    assert seconds["vi"] == pytest.approx(intro + 10.0 + 0.5 + 5.0)  # no pause after the last item
    assert seconds["bahnar"] == pytest.approx(intro + 14.0 + 0.5 + 5.0)
    assert estimate_durations(spec, {})["vi"] == pytest.approx(intro + 0.5)  # unknown clips count 0 s


def test_a_decision_is_checked_against_the_approvers_own_password(studio):
    programmes, accounts, editor, approver, clips = studio
    render = render_all(programmes, SETTINGS)
    programme = programmes.create("Tin chiều", Spec((Item(clip=clips[0]),)), editor)
    programmes.submit(programme.id, editor, render, FIELDS)
    with pytest.raises(AccessDenied):
        programmes.decide_as(programme.id, "chutich", "sai-mat-khau", True, render, FIELDS)
    with pytest.raises(AccessDenied):  # a right password of an editor is still not an approver
        programmes.decide_as(programme.id, "bientap", "matkhau-bientap", True, render, FIELDS)
    assert programmes.get(programme.id).state is State.SUBMITTED
    decided = programmes.decide_as(programme.id, "chutich", "matkhau-chutich", False, render, FIELDS, "Ngắn lại")
    assert decided.state is State.REJECTED and decided.decided_by == "chutich"


def test_the_overview_lists_a_programme_whose_clip_is_gone(studio):
    programmes, accounts, editor, approver, clips = studio
    kept = programmes.create("Đủ", Spec((Item(clip=clips[1]),)), editor)
    broken = programmes.create("Thiếu", Spec((Item(clip=clips[2]),)), editor)
    programmes.library.conn.execute("DELETE FROM clip_edits WHERE clip_id = ?", (clips[2],))
    programmes.library.conn.execute("DELETE FROM clips WHERE id = ?", (clips[2],))
    rows = {programme.id: seconds for programme, seconds in programmes.overview(FIELDS)}
    assert rows[kept.id]["vi"] == pytest.approx(3.0, abs=0.01) and rows[broken.id] == {}
