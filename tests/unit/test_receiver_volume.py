"""The receiver's volume rule: the operator's volume, capped by the zone's maximum; an old
manifest's per-item volume (the zone's maximum, as publishes once wrote it) is a ceiling,
never a level to raise to."""

from __future__ import annotations

import pytest
from crs_receiver.volume import ceiling, scheduled_volume


@pytest.mark.parametrize("operator, manifest, item, plays", [
    (40, {"max_volume": 100}, {}, 40),  # the operator's 40 under the zone's 100
    (80, {"max_volume": 60}, {}, 60),  # the zone caps it
    (40, {}, {}, 40),  # no ceiling given: 100
    (40, {"volume": 100}, {"volume": 100}, 40),  # an old manifest: item volume 100 no longer overrides 40
    (80, {"volume": 100}, {"volume": 70}, 70),  # an old manifest's item volume caps
    (80, {"max_volume": 50}, {"volume": 70}, 50),
])
def test_scheduled_items_play_at_the_operator_volume_capped_by_the_zone(operator, manifest, item, plays):
    assert scheduled_volume(operator, manifest, item) == plays


def test_without_a_manifest_nothing_caps():
    assert ceiling(None) == 100 and scheduled_volume(30, None) == 30
