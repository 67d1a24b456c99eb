"""The task runner's priorities: an emergency job starts at once while the normal pool is
full of long jobs (renders, status refreshes) and more wait behind them."""

from __future__ import annotations

import threading

from ui.task_runner import TaskRunner


def test_an_urgent_job_starts_while_the_normal_pool_is_saturated(qtbot):
    runner = TaskRunner(max_threads=2)
    release = threading.Event()
    started: list[str] = []
    finished: list[str] = []

    def long_job(name):
        def work(progress, cancel):
            started.append(name)
            release.wait(30)
            return name
        return work

    for name in ("render 1", "render 2", "status refresh"):
        runner.run(name, long_job(name), finished.append)
    qtbot.waitUntil(lambda: len(started) == 2, timeout=5000)  # the pool is full; one waits
    urgent_thread = []
    runner.run("emergency", lambda p, c: urgent_thread.append(threading.current_thread()) or "sent",
               finished.append, urgent=True)
    qtbot.waitUntil(lambda: "sent" in finished, timeout=3000)
    # nothing normal finished or moved (the two renders start in either order on two threads)
    assert not release.is_set() and sorted(started) == ["render 1", "render 2"]
    assert finished == ["sent"]

    release.set()
    qtbot.waitUntil(lambda: len(finished) == 4, timeout=5000)
    assert runner.active_count() == 0
    runner.shutdown()


def test_without_priority_the_same_job_waits_behind_the_long_ones(qtbot):
    """What the window did before: the emergency queued behind two renders."""
    runner = TaskRunner(max_threads=2)
    release = threading.Event()
    finished: list[str] = []
    for name in ("render 1", "render 2"):
        runner.run(name, lambda p, c, name=name: release.wait(30) and name, finished.append)
    runner.run("emergency", lambda p, c: "sent", finished.append)
    qtbot.wait(300)
    assert finished == []
    release.set()
    qtbot.waitUntil(lambda: len(finished) == 3, timeout=5000)
    runner.shutdown()
