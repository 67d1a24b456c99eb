"""What the domestic-platform adapters send, without a network: pieces within each
provider's length limit, cut at clause punctuation before words; every voice has a region
and a gender; voice ids name their provider."""

from __future__ import annotations

import pytest

from studio.errors import UnknownProvider, VoiceNotFound
from studio.tts.engines import SpeechSettings, VoiceAccent
from studio.tts.providers import ADAPTERS, CloudEngine, adapter_for, split_for_limit
from studio.tts.providers.registry import provider_of_voice


def test_a_sentence_within_the_limit_is_one_request():
    assert split_for_limit("  Xin chào bà con.  ", 2000) == ["Xin chào bà con."]
    assert split_for_limit("   ", 10) == []


def test_a_long_sentence_is_cut_after_clauses_then_between_words():
    text = "Thôn Một, thôn Hai, thôn Ba và thôn Bốn họp lúc tám giờ sáng."
    pieces = split_for_limit(text, 25)
    assert all(len(p) <= 25 for p in pieces)
    assert " ".join(pieces) == text
    assert pieces[0] == "Thôn Một, thôn Hai,"  # a clause boundary is preferred to a word boundary


def test_a_word_longer_than_the_limit_is_cut_where_it_must():
    pieces = split_for_limit("xem https://example.vn/" + "a" * 40, 16)
    assert all(len(p) <= 16 for p in pieces) and "".join(pieces).replace(" ", "") == "xemhttps://example.vn/" + "a" * 40


@pytest.mark.parametrize("provider", sorted(ADAPTERS))
def test_every_provider_has_voices_of_each_gender_and_a_northern_one(provider):
    adapter = adapter_for(provider)
    assert {v.gender.value for v in adapter.voices} == {"female", "male"}
    assert VoiceAccent.NORTHERN in {v.accent for v in adapter.voices}
    engine = CloudEngine(adapter, lambda: "k", "http://127.0.0.1:9")
    voices = engine.voices()
    assert all(v.vietnamese and v.accent is not None and provider_of_voice(v.id) == provider for v in voices)
    assert len({v.id for v in voices}) == len(voices)


def test_regions_cover_the_country_across_providers():
    accents = {v.accent for name in ADAPTERS for v in adapter_for(name).voices}
    assert accents == {VoiceAccent.NORTHERN, VoiceAccent.CENTRAL, VoiceAccent.SOUTHERN}


def test_unknown_voice_and_provider_are_clear_errors(tmp_path):
    engine = CloudEngine(adapter_for("zalo"), lambda: "k", "http://127.0.0.1:9")
    with pytest.raises(VoiceNotFound):
        engine.synthesize(["Xin chào."], SpeechSettings("zalo:9"), tmp_path)
    with pytest.raises(UnknownProvider):
        adapter_for("vnpt")
    assert provider_of_voice("aav/vi-vn-x-south") is None and provider_of_voice("piper:vi_VN") is None
