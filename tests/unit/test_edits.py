import numpy as np
import pytest

from studio.audio.edits import EditList, apply
from studio.errors import InvalidEdit

SR = 1000


def ramp_signal(seconds: float) -> np.ndarray:
    return np.linspace(0.1, 1.0, int(seconds * SR), dtype=np.float32)


def test_trim_and_cuts_keep_the_right_ranges():
    edits = EditList(trim_in=1.0, trim_out=9.0, cuts=((2.0, 3.0), (2.5, 4.0), (8.5, 9.5)))
    assert edits.kept_ranges(10.0) == [(1.0, 2.0), (4.0, 8.5)]
    assert edits.validate(10.0) == pytest.approx(5.5)
    out = apply(ramp_signal(10.0), SR, edits)
    assert len(out) == 5500


def test_gain_and_fades():
    x = np.ones(10 * SR, dtype=np.float32)
    out = apply(x, SR, EditList(gain_db=-6.0206, fade_in=1.0, fade_out=2.0))
    assert out[0] < 0.01 and out[-1] < 0.01
    assert out[5 * SR] == pytest.approx(0.5, abs=1e-3)
    assert np.all(np.diff(out[: SR]) >= 0)  # fade in rises monotonically
    assert x[0] == 1.0  # the source is never modified


def test_overwrite_edits_the_source_in_place_without_a_copy():
    x = np.ones(10 * SR, dtype=np.float32)
    expected = apply(x, SR, EditList(trim_in=1.0, gain_db=-6.0206, fade_out=2.0))
    out = apply(x, SR, EditList(trim_in=1.0, gain_db=-6.0206, fade_out=2.0), overwrite=True)
    assert np.shares_memory(out, x) and np.array_equal(out, expected)
    # Cuts join pieces: a new array, whatever `overwrite` says.
    y = np.ones(4 * SR, dtype=np.float32)
    assert not np.shares_memory(apply(y, SR, EditList(cuts=((1.0, 2.0),)), overwrite=True), y)


def test_splices_are_smoothed_not_clicking():
    x = np.ones(4 * SR, dtype=np.float32)
    out = apply(x, SR, EditList(cuts=((1.0, 2.0),)))
    assert np.abs(np.diff(out)).max() < 0.5


def test_json_round_trip_is_canonical():
    edits = EditList(trim_in=0.5, cuts=((1.0, 2.0),), gain_db=3.0, fade_out=1.0)
    assert EditList.from_json(edits.to_json()) == edits
    assert edits.to_json() == EditList.from_json(edits.to_json()).to_json()


@pytest.mark.parametrize(
    "edits",
    [
        EditList(trim_in=5.0, trim_out=4.0),
        EditList(trim_out=11.0),
        EditList(cuts=((9.0, 12.0),)),
        EditList(cuts=((0.0, 10.0),)),
        EditList(gain_db=60.0),
        EditList(fade_in=6.0, fade_out=6.0),
        EditList(fade_in=-1.0),
    ],
)
def test_invalid_edits_are_refused_with_a_reason(edits):
    with pytest.raises(InvalidEdit) as info:
        edits.validate(10.0, clip_id=7)
    assert info.value.clip_id == 7 and info.value.reason
