"""`python -m benchmarks.broker --quick` runs in the suite (small numbers), so the broker
benchmark cannot rot: every section runs against the real Mosquitto and a real receiver,
and the run fails unless the uplink stays within 1.1x the media, every receiver converges,
the offline one catches up with the studio stopped, and every emergency try plays."""

from __future__ import annotations

import pytest

from tests.support.broker import mosquitto_missing

pytestmark = pytest.mark.timeout(600)


def test_quick_broker_benchmark_runs_and_meets_its_targets(capsys):
    missing = mosquitto_missing()
    if missing:
        pytest.skip(missing)
    from benchmarks.broker import main

    code = main(["--quick"])
    out = capsys.readouterr().out
    assert "ratio" in out and "received everything: yes" in out and "converged: 20/20" in out, out
    assert "3/3 played" in out, out
    assert code == 0, out
