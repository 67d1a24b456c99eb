"""One StudioError base: every typed error carries its data and says itself in one line."""

from __future__ import annotations

import inspect
from pathlib import Path

from studio import errors


def _error_types() -> list[type]:
    return [cls for _, cls in inspect.getmembers(errors, inspect.isclass)
            if issubclass(cls, errors.StudioError) and cls.__module__.startswith(errors.__name__)]


def test_only_the_base_sets_the_message():
    copies = [cls.__name__ for cls in _error_types()
              if cls is not errors.StudioError and "__post_init__" in cls.__dict__]
    assert copies == []
    assert len(_error_types()) > 25


def test_the_message_is_the_description_and_the_data_stays():
    error = errors.ClipNotFound(7)
    assert str(error) == error.describe() == "no clip with id 7" and error.clip_id == 7
    audio = errors.TruncatedAudio(Path("/tmp/ban-tin.wav"), "data chunk ends early")
    assert str(audio) == "/tmp/ban-tin.wav: truncated audio: data chunk ends early"
    assert isinstance(audio, errors.AudioFileError) and audio.path.name == "ban-tin.wav"
    unreachable = errors.ReceiverUnreachable("rx-1", "http://127.0.0.1:9", "connection refused")
    assert "http://127.0.0.1:9" in str(unreachable) and unreachable.receiver_id == "rx-1"


def test_an_error_without_fields_still_describes_itself():
    assert str(errors.Cancelled()) == "cancelled"
