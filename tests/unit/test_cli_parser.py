"""The CLI's parser: every subcommand names its own handler (set_defaults), bad usage exits 2."""

from __future__ import annotations

import pytest

from studio.cli.main import build_parser

HANDLERS = [
    (["import", "a.wav"], "cmd_import"),
    (["clips"], "cmd_clips"),
    (["edit", "1", "--undo"], "cmd_edit"),
    (["render", "1", "--out", "x.opus"], "cmd_render"),
    (["rename", "1", "Tin mới"], "cmd_rename"),
    (["delete", "1"], "cmd_delete"),
    (["restore", "1"], "cmd_restore"),
    (["seed-demo"], "cmd_seed_demo"),
    (["devices"], "cmd_devices"),
    (["record", "--device", "0"], "cmd_record"),
    (["recover"], "cmd_recover"),
    (["tts", "normalize", "12/3"], "_normalize"),
    (["tts", "voices"], "_voices"),
    (["tts", "voices", "install", "v.onnx", "--licence", "CC0"], "_voices_install"),
    (["tts", "voices", "install", "--bundled"], "_voices_install"),
    (["tts", "voices", "remove", "v"], "_voices_remove"),
    (["tts", "say", "Xin chào"], "_say"),
    (["tts", "lexicon"], "_lexicon_list"),
    (["tts", "lexicon", "add", "UBND", "ủy ban nhân dân"], "_lexicon_add"),
    (["tts", "lexicon", "remove", "UBND"], "_lexicon_remove"),
    (["users"], "_users_list"),
    (["users", "add", "chutich", "--role", "approver"], "_users_add"),
    (["zones"], "_zones_list"),
    (["zones", "add", "Thôn 1"], "_zones_add"),
    (["schedule"], "_slots_list"),
    (["schedule", "add", "1", "--zone", "Thôn 1", "--at", "2026-12-02T06:00"], "_slot_add"),
    (["schedule", "move", "1", "--at", "2026-12-02T07:00"], "_slot_move"),
    (["schedule", "remove", "1"], "_slot_remove"),
    (["schedule", "plan", "--from", "2026-12-01", "--to", "2026-12-07"], "_plan"),
    (["schedule", "ics", "--out", "x.ics"], "_ics"),
    (["programmes"], "_list"),
    (["programmes", "create", "Tin sáng", "--item", "1"], "_create"),
    (["programmes", "show", "1"], "_show"),
    (["programmes", "submit", "1"], "_submit"),
    (["programmes", "approve", "1", "--user", "chutich"], "_approve"),
    (["programmes", "reject", "1", "--user", "chutich", "--comment", "sửa"], "_reject"),
    (["programmes", "jingles"], "_jingles"),
    (["receivers"], "_receivers_list"),
    (["receivers", "add", "http://127.0.0.1:1", "--code", "1", "--zone", "Thôn 1"], "_receivers_add"),
    (["publish"], "_publish"),
    (["outbox"], "_outbox"),
    (["deliver", "--until-idle"], "_deliver"),
    (["emergency", "1", "--zone", "Thôn 1"], "_emergency"),
    (["demo", "--no-window"], "cmd_demo"),
]


def _handler_name(func) -> str:
    # Groups wrap their handlers to hand them the library (or programmes); the wrapped
    # handler is the closure's one callable cell.
    cells = [c.cell_contents for c in (func.__closure__ or ()) if callable(c.cell_contents)]
    return cells[0].__name__ if cells else func.__name__


@pytest.mark.parametrize(("argv", "handler"), HANDLERS, ids=[" ".join(a[:3]) for a, _ in HANDLERS])
def test_each_subcommand_runs_its_own_handler(argv, handler):
    assert _handler_name(build_parser().parse_args(argv).func) == handler


def test_no_subcommand_is_the_window():
    assert build_parser().parse_args([]).func is None


@pytest.mark.parametrize("argv", [["bogus"], ["tts"], ["render", "1"], ["programmes", "reject", "1", "--user", "x"]])
def test_bad_usage_exits_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(argv)
    assert exit_.value.code == 2
    assert "radio-studio" in capsys.readouterr().err
