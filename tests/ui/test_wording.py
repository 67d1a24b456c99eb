"""What the officer reads is Vietnamese, formatted the Vietnamese way: the programme
history (steps, who, why), language names from the core's one enum, chime names, voice
names and decimal commas, through the real window in Vietnamese."""

from __future__ import annotations

import re
from pathlib import Path

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.audio.edits import EditList
from studio.audio.settings import RenderSettings
from studio.languages import Language
from studio.programmes.model import JINGLE_NAMES, Item, Spec, State, jingles
from studio.tts.engines import Voice
from tests.support.tools import write_audio

ROOT = Path(__file__).resolve().parents[2]
FIELDS = RenderSettings().cache_fields()


def idle(qtbot, window):
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=30000)


def clips(window, tmp_path, languages=("vi", "vi")):
    library = window.services.library()
    return [library.import_file(write_audio(tmp_path / f"tin-{n}.wav", synthetic.speech_like(3.0, seed=n),
                                            subtype="PCM_16"), title=f"Tin {n}", language=lang).clip.id
            for n, lang in enumerate(languages)]


def test_programme_history_names_each_step_and_who_in_vietnamese(qtbot, studio_window, tmp_path):
    window = studio_window
    ids = clips(window, tmp_path)
    programmes = window.services.programmes()
    accounts = Accounts(programmes.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN, display_name="Nguyễn Văn Quản")
    programme = programmes.create("Bản tin sáng", Spec((Item(clip=ids[0]),)), window.services.operator())
    programmes.submit(programme.id, admin, lambda p: {"vi": "0" * 64}, FIELDS)
    accounts.record("cli:bao", "edit", "programme", programme.id, {"returned_to_draft": False})
    programmes.library.set_edits(ids[0], EditList(gain_db=-3.0))  # the studio returns it to draft
    assert programmes.revalidate(programme.id, FIELDS).state is State.DRAFT

    window.show_area("programmes")
    panel = window.programmes_panel
    qtbot.waitUntil(lambda: panel.current is not None and panel.history.count() == 4, timeout=20000)
    lines = [panel.history.item(i).text() for i in range(panel.history.count())]
    login = window.services.operator().username.removeprefix("ui:")
    assert lines[0].endswith(f"  {login}: tạo")
    assert lines[1].endswith("  Nguyễn Văn Quản: gửi phê duyệt")  # an account by its full name
    assert lines[2].endswith("  bao (máy tính, dòng lệnh): sửa")
    assert lines[3].endswith("  Studio (tự động): trở về bản nháp — một đoạn âm thanh hay tiếng chuông trong đó "
                             "đã thay đổi sau khi gửi phê duyệt")
    for raw in ("create", "submit", "returned-to-draft", "(studio)", "ui:", "cli:", "content changed"):
        assert not any(raw in line for line in lines), raw


def test_every_language_list_of_the_window_comes_from_the_one_enum(qtbot, studio_window, tmp_path):
    from ui.language_choice import minority_names
    from ui.zones_dialog import ZonesDialog

    names = [language.vietnamese_name for language in Language]
    assert names == ["Tiếng Việt", "Ba Na", "Xơ Đăng", "Gia Rai"]
    dialog = ZonesDialog([])
    combo = dialog.language
    assert [combo.itemText(i) for i in range(combo.count())] == names
    assert [combo.itemData(i) for i in range(combo.count())] == [language.code for language in Language]
    assert not combo.isEditable()
    assert minority_names() == names[1:]  # what "Language version…" offers

    # No panel keeps a list of codes of its own (the disagreeing bdq/sed/jra and bahnar lists).
    for path in sorted((ROOT / "ui").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        found = re.findall(r"""["'](bahnar|sedang|jarai|bdq|sed|jra)["']""", text)
        assert not found, f"{path.name} lists language codes itself: {found}"

    # Older codes read as the same language: a clip stored as "bdq" is a Ba Na clip.
    window = studio_window
    ids = clips(window, tmp_path, ("vi", "bdq"))
    window.services.library().conn.execute("UPDATE clips SET language = 'jra' WHERE id = ?", (ids[0],))
    window.services.library().conn.commit()
    window.library.refresh()
    idle(qtbot, window)
    model = window.library.model
    column = model.LANGUAGE
    shown = sorted(model.data(model.index(row, column)) for row in range(model.rowCount()))
    assert shown == ["Ba Na", "Gia Rai"]

    # A programme's length per language version names the languages.
    window.show_area("programmes")
    panel = window.programmes_panel
    idle(qtbot, window)
    panel.create("Thông báo", Spec((Item(clip=ids[0], variants=((Language.SEDANG.code, ids[1]),)),)))
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.title == "Thông báo", timeout=20000)
    assert re.search(r"Tiếng Việt \d+:\d\d, Xơ Đăng \d+:\d\d$", panel.total.text()), panel.total.text()
    assert "sedang" not in panel.items.item(0).text() and "Xơ Đăng" in panel.items.item(0).text()


def test_chimes_are_shown_by_their_vietnamese_names(qtbot, studio_window, tmp_path):
    window = studio_window
    clips(window, tmp_path)
    window.show_area("programmes")
    panel = window.programmes_panel
    idle(qtbot, window)
    assert set(JINGLE_NAMES) == set(jingles())  # every chime the studio ships has a name
    for combo in (panel.jingle_choice, panel.intro, panel.outro):
        texts = [combo.itemText(i) for i in range(combo.count())]
        assert "Chuông mở đầu" in texts and not any("chuong-" in text for text in texts)
    panel.create("Có chuông", Spec((Item(jingle="chuong-bao"),)))
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.title == "Có chuông", timeout=20000)
    assert panel.items.item(0).text().startswith("♪ Chuông báo")
    panel.jingle_choice.setCurrentIndex(panel.jingle_choice.findData("chuong-ket-thuc"))
    panel.add_jingle_button.click()
    assert panel.items.item_at(1).jingle == "chuong-ket-thuc"  # the slug is what is stored


def test_voices_are_named_by_their_accent_in_vietnamese(qtbot, studio_window):
    from ui.voice_names import voice_labels

    voices = [Voice("vi", "Vietnamese (Northern)", ("vi",), "espeak-ng"),
              Voice("vi-vn-x-central", "Vietnamese (Central)", ("vi-vn-x-central",), "espeak-ng"),
              Voice("vi-vn-x-south", "Vietnamese (Southern)", ("vi-vn-x-south",), "espeak-ng"),
              Voice("HKEY_AN", "Microsoft An", ("vi-VN",), "pyttsx3")]
    assert voice_labels(voices) == ["Giọng miền Bắc", "Giọng miền Trung", "Giọng miền Nam",
                                    "Giọng tiếng Việt: Microsoft An"]
    twins = [Voice("a", "Vietnamese (Northern)", ("vi",), "x"), Voice("b", "Northern female", ("vi",), "y")]
    assert voice_labels(twins) == ["Giọng miền Bắc (Vietnamese (Northern))", "Giọng miền Bắc (Northern female)"]

    window = studio_window
    window.show_area("tts")
    idle(qtbot, window)
    combo = window.compose_panel.voice
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert not any("Vietnamese" in text for text in texts), texts

    # A bulletin made with a voice this computer does not list still names it by its accent.
    from types import SimpleNamespace

    from studio.tts.synthesis import SpeechSource

    source = SpeechSource("Thông báo", "espeak-ng", "vi-vn-x-south-old", 140, 1.0, "south", "0")
    window.compose_panel.load_source(SimpleNamespace(speech_json=source.to_json(), title="Thông báo"))
    assert combo.currentText() == "Giọng miền Nam" and combo.currentData() == "vi-vn-x-south-old"


def test_numbers_have_a_decimal_comma(qtbot, studio_window):
    from ui.formatting import compact, megabytes, number, signed

    assert megabytes(536_900_000) == "536,9 MB"
    assert number(0.4) == "0,4" and signed(0.25, 2) == "+0,25" and signed(-1.5) == "-1,5"
    assert compact(12.0) == "12" and compact(12.5) == "12,5" and compact(0.65) == "0,65"

    window = studio_window
    window.show_area("tts")
    compose = window.compose_panel
    compose.rate.setValue(150)
    compose.set_text(" ".join(["Thông báo"] * 30))  # 60 words at 150 a minute: 0,4 min
    qtbot.waitUntil(lambda: "0,4 phút" in compose.summary.text(), timeout=5000)
    assert "0.4" not in compose.summary.text()


def test_no_panel_formats_a_fraction_itself():
    """Python's "0.4" would slip back in: every number with a fraction goes through ui/formatting.py."""
    spec = re.compile(r"\{[^{}]*:[+ ]?[\d,]*\.\d+[fg%]\}|\{[^{}]*:g\}")
    for path in sorted((ROOT / "ui").glob("*.py")):
        if path.name == "app.py":  # its one such line prints a timing for the start-up benchmark, not to the officer
            continue
        found = spec.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{path.name}: {found}"
