"""The render target on real material, not the project's own synthesiser: 1-minute
versions of the benchmark corpus (espeak-ng speech, speech in 10 dB SNR noise, dense
compressed music, a clipped hot recording, a quiet one with mains hum), each rendered
through the public path to Opus 32 kbps and measured by ffmpeg's ebur128 meter."""

import logging

import pytest

from benchmarks import corpus
from studio.audio.settings import OutputFormat
from studio.rendering import Renderer
from tests.support.cli import ebur128
from tests.support.tools import require_tool


@pytest.fixture(scope="module")
def corpus_files(tmp_path_factory):
    for tool in ("espeak-ng", "sox", "ffmpeg"):
        require_tool(tool)
    return corpus.build(1.0, tmp_path_factory.mktemp("corpus"))


@pytest.mark.parametrize("name", corpus.CLASSES)
def test_every_class_renders_on_target_by_ffmpegs_meter(library, corpus_files, name, caplog):
    clip = library.import_file(corpus_files[name]).clip
    with caplog.at_level(logging.DEBUG, logger="studio.audio.mastering"):
        result = Renderer(library).render_clip(clip.id, OutputFormat.OPUS)
    loudness, true_peak = ebur128(result.media_path)
    assert loudness == pytest.approx(-16.0, abs=0.5)
    assert true_peak <= -1.0
    # The codec probe aims for libopus's loss and stray peaks are coded again in place:
    # one full encode, where 4 of the 5 classes used to need two or three.
    full_encodes = [r for r in caplog.records if r.getMessage().startswith("try ") and "decoded" in r.getMessage()]
    # Music has needed a second try, and once (a full-suite run, 2026-12-03) a third: sox
    # seeded its noise and plucks from the clock, so each build was another file, some
    # just over the probe's dense-content threshold. The corpus is repeatable now (sox -R).
    assert len(full_encodes) <= (3 if name == "music" else 2), [r.getMessage() for r in caplog.records]


def test_five_minutes_of_full_scale_speech_keeps_its_best_try(library, tmp_path):
    # espeak-ng peaks at full scale 23 dB over its loudness: on target it needs ~16 dB of
    # limiting, and each retry that raised the gain made libopus overshoot more. The render
    # used to keep its last try (-17.0 LUFS by ebur128); it now keeps the best one.
    for tool in ("espeak-ng", "ffmpeg"):
        require_tool(tool)
    path = corpus.build(5.0, tmp_path / "corpus", ("speech",))["speech"]
    clip = library.import_file(path).clip
    result = Renderer(library).render_clip(clip.id, OutputFormat.OPUS)
    loudness, true_peak = ebur128(result.media_path)
    assert loudness == pytest.approx(-16.0, abs=0.5)
    assert true_peak <= -1.0
    assert not list(result.media_path.parent.glob("*.try*"))
