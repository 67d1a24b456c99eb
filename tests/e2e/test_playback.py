"""Preview playback through the real PortAudio library, to the file-backed ALSA device
that tests/conftest.py sets up (`testspk`, also the default)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from studio.audio import playback, synthetic
from studio.errors import AudioDeviceError


def test_the_test_speaker_is_listed():
    assert "testspk" in playback.output_devices()


def test_playing_a_range_sends_exactly_those_samples_and_the_position_moves(sound):
    out = sound.speaker  # the ALSA file plugin starts it afresh for each stream
    tone = synthetic.sine(40.0, 440.0) * np.float32(0.5)
    player = playback.Player("testspk")
    seen = []
    player.play(tone, 48000, start=48000 * 2, end=48000 * 32)
    deadline = time.monotonic() + 20
    while player.playing and time.monotonic() < deadline:
        seen.append(player.position)
        time.sleep(0.0005)
    player.stop()
    assert player.position == 48000 * 32
    assert seen == sorted(seen)  # never goes back
    assert any(48000 * 2 < p < 48000 * 32 for p in seen)  # observed in between, not only at the ends
    # PortAudio hands float32 to the device: what reached it is a little start-up silence,
    # the range asked for, then at most a buffer of silence.
    written = np.fromfile(out, dtype="<f4")
    lead = int(np.flatnonzero(written)[0])
    frames = 48000 * 30
    assert lead < 48000 // 4
    assert frames <= len(written) - lead <= frames + 48000
    np.testing.assert_allclose(written[lead : lead + frames], tone[48000 * 2 : 48000 * 32], atol=1e-6)
    assert not written[lead + frames :].any()


def test_an_unknown_device_is_a_clear_error():
    player = playback.Player("Loa phòng họp (đã rút)")
    with pytest.raises(AudioDeviceError, match="no such output device"):
        player.play(np.zeros(480, np.float32), 48000)
    assert not player.playing
