"""The one set of rules for a stream item ("tiếp sóng"), shared by the CLI's `--item
stream:URL --duration` and the window's dialog: which problem each bad input is (the
window names it), the window's minutes / h:mm lengths, and the repository refusing a
second stream or a bad one whatever built it."""

from __future__ import annotations

import pytest

from studio.accounts.store import Accounts, Role
from studio.errors import InvalidStreamItem, StreamItemProblem
from studio.programmes.model import (
    Item,
    Spec,
    check_one_stream,
    parse_items,
    parse_stream_minutes,
    stream_item,
)
from studio.programmes.workflow import Programmes


@pytest.mark.parametrize("url", ["ftp://vov.vn/a", "vov.vn/live.mp3", "http://", "https://", "http:// x/y",
                                 "http://[::1/a", "http://" + "a" * 2000, ""])
def test_a_stream_needs_an_http_or_https_address(url):
    with pytest.raises(InvalidStreamItem) as raised:
        stream_item(url, 60)
    assert raised.value.problem is StreamItemProblem.NOT_A_URL


@pytest.mark.parametrize("seconds", [0, -1, 24 * 3600 + 1])
def test_a_stream_lasts_more_than_nothing_and_at_most_a_day(seconds):
    with pytest.raises(InvalidStreamItem) as raised:
        stream_item("https://vov.vn/live.mp3", seconds)
    assert raised.value.problem is StreamItemProblem.BAD_DURATION


def test_a_good_stream_item_and_the_cli_use_the_same_rule():
    assert stream_item("  https://vov.vn/live.mp3 ", 24 * 3600) == Item(stream="https://vov.vn/live.mp3",
                                                                       duration_s=86400.0)
    with pytest.raises(InvalidStreamItem, match="--duration") as raised:  # the CLI's words for the same rule
        parse_items(["stream:http://a/x"], 0)
    assert raised.value.problem is StreamItemProblem.BAD_DURATION
    with pytest.raises(InvalidStreamItem) as raised:
        parse_items(["stream:http://a/x", "3", "stream:http://b/y"], 60)
    assert raised.value.problem is StreamItemProblem.SECOND_STREAM
    with pytest.raises(InvalidStreamItem):
        check_one_stream((Item(stream="http://a/x", duration_s=60), Item(clip=1), Item(stream="http://b", duration_s=9)))
    check_one_stream((Item(stream="http://a/x", duration_s=60), Item(clip=1)))


@pytest.mark.parametrize("text, seconds", [("30", 1800), (" 90 ", 5400), ("2.5", 150), ("2,5", 150),
                                           ("1:30", 5400), ("0:05", 300), ("24:00", 86400)])
def test_the_window_takes_minutes_or_hours_and_minutes(text, seconds):
    assert parse_stream_minutes(text) == seconds


@pytest.mark.parametrize("text", ["", "ba mươi", "1:75", "1:5", "30m", "-5", "1:30:00"])
def test_other_lengths_are_refused_as_a_bad_duration(text):
    with pytest.raises(InvalidStreamItem) as raised:
        parse_stream_minutes(text)
    assert raised.value.problem is StreamItemProblem.BAD_DURATION


def test_the_repository_refuses_what_the_rules_refuse(library):
    admin = Accounts(library.conn).add("quantri", "matkhau-quantri", Role.ADMIN)
    programmes = Programmes(library)
    for items, problem in (((Item(stream="http://a/x", duration_s=60), Item(stream="http://b/y", duration_s=60)),
                            StreamItemProblem.SECOND_STREAM),
                           ((Item(stream="file:///etc/passwd", duration_s=60),), StreamItemProblem.NOT_A_URL),
                           ((Item(stream=" http://a/x ", duration_s=60),), StreamItemProblem.NOT_A_URL),
                           ((Item(stream="http://a/x", duration_s=25 * 3600),), StreamItemProblem.BAD_DURATION)):
        with pytest.raises(InvalidStreamItem) as raised:
            programmes.create("Tiếp sóng", Spec(items), admin)
        assert raised.value.problem is problem
    made = programmes.create("Tiếp sóng", Spec((Item(stream="http://a/x", duration_s=60), Item(jingle="chuong-bao"))),
                             admin)
    assert programmes.get(made.id).spec.stream_item() == Item(stream="http://a/x", duration_s=60.0)
