"""The one place where the window starts background work.

`TaskRunner.run(title, fn, on_done, on_error)` calls `fn(progress, cancel)` on a
QThreadPool thread. `progress(done, total)` may be called as often as the job likes: it
is throttled to ~20 updates a second and delivered on the UI thread. The result or the
exception comes back on the UI thread through a queued signal. A task that runs longer
than SHOW_AFTER_MS appears in the status bar with a progress bar and a cancel button
(`tasks_changed`). Cancelling sets the task's `threading.Event`; core jobs check it and
raise `Cancelled`, which is reported as `cancelled`, not as an error.

Priorities: `run(..., urgent=True)` (an emergency: sign-in, sending, its live progress)
runs on a pool of its own, so it never waits behind a render, an import or a status
refresh that fill the normal pool; nothing else may use it.

Threads: `run`, `cancel`, `cancel_all` and every callback run on the UI thread; only
`fn` runs on the pools. `shutdown` cancels everything and waits for both pools.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from studio.errors import Cancelled, StudioError

log = logging.getLogger(__name__)

SHOW_AFTER_MS = 500
URGENT_THREADS = 3
PROGRESS_INTERVAL_S = 0.05

Progress = Callable[[int, int], None]


@dataclass
class Task:
    id: int
    title: str
    cancel: threading.Event = field(default_factory=threading.Event)
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.monotonic)
    visible: bool = False
    cancellable: bool = True


class _Relay(QObject):
    """Carries worker events to the UI thread (signals emitted off-thread are queued)."""

    progressed = Signal(int, int, int)
    finished = Signal(int, object)
    failed = Signal(int, object, str)


class _Job(QRunnable):
    def __init__(self, task: Task, fn: Callable[[Progress, threading.Event], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task, self._fn, self._relay = task, fn, relay
        self._last = 0.0

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL_S or done >= total:
            self._last = now
            self._relay.progressed.emit(self._task.id, int(done), int(total))

    def run(self) -> None:
        try:
            result = self._fn(self._progress, self._task.cancel)
        except BaseException as exc:  # every failure goes back to the UI thread
            self._relay.failed.emit(self._task.id, exc, traceback.format_exc())
        else:
            self._relay.finished.emit(self._task.id, result)


class TaskRunner(QObject):
    """Runs core jobs off the UI thread; see the module docstring."""

    tasks_changed = Signal()  # the visible task list or a progress value changed

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._urgent_pool = QThreadPool(self)
        self._urgent_pool.setMaxThreadCount(URGENT_THREADS)
        self._relay = _Relay()
        self._relay.progressed.connect(self._on_progress)
        self._relay.finished.connect(self._on_finished)
        self._relay.failed.connect(self._on_failed)
        self._tasks: dict[int, Task] = {}
        self._callbacks: dict[int, tuple[Callable | None, Callable | None, Callable | None]] = {}
        self._next_id = 1
        self._reveal = QTimer(self)
        self._reveal.setInterval(100)
        self._reveal.timeout.connect(self._reveal_slow_tasks)

    # -- API for panels -------------------------------------------------------------------
    def run(
        self,
        title: str,
        fn: Callable[[Progress, threading.Event], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException, str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        cancellable: bool = True,
        urgent: bool = False,
    ) -> Task:
        task = Task(self._next_id, title, cancellable=cancellable)
        self._next_id += 1
        self._tasks[task.id] = task
        self._callbacks[task.id] = (on_done, on_error, on_cancelled)
        (self._urgent_pool if urgent else self._pool).start(_Job(task, fn, self._relay))
        if not self._reveal.isActive():
            self._reveal.start()
        return task

    def visible_tasks(self) -> list[Task]:
        return [t for t in self._tasks.values() if t.visible]

    def active_count(self) -> int:
        return len(self._tasks)

    def cancel(self, task_id: int) -> None:
        task = self._tasks.get(task_id)
        if task is not None:
            task.cancel.set()

    def cancel_all(self) -> None:
        for task in self._tasks.values():
            task.cancel.set()

    def wait(self, timeout_ms: int = -1) -> bool:
        return self._urgent_pool.waitForDone(timeout_ms) and self._pool.waitForDone(timeout_ms)

    def shutdown(self) -> None:
        self.cancel_all()
        self._urgent_pool.waitForDone()
        self._pool.waitForDone()

    # -- relay slots (UI thread) ----------------------------------------------------------
    def _reveal_slow_tasks(self) -> None:
        now = time.monotonic()
        changed = False
        for task in self._tasks.values():
            if not task.visible and (now - task.started) * 1000 >= SHOW_AFTER_MS:
                task.visible = changed = True
        if changed:
            self.tasks_changed.emit()
        if not self._tasks:
            self._reveal.stop()

    def _on_progress(self, task_id: int, done: int, total: int) -> None:
        task = self._tasks.get(task_id)
        if task is not None:
            task.done, task.total = done, total
            if task.visible:
                self.tasks_changed.emit()

    def _pop(self, task_id: int) -> tuple[Task | None, tuple]:
        task = self._tasks.pop(task_id, None)
        callbacks = self._callbacks.pop(task_id, (None, None, None))
        if task is not None and task.visible:
            self.tasks_changed.emit()
        return task, callbacks

    def _on_finished(self, task_id: int, result: object) -> None:
        task, (on_done, _, _) = self._pop(task_id)
        if on_done is not None:
            on_done(result)

    def _on_failed(self, task_id: int, exc: BaseException, details: str) -> None:
        task, (_, on_error, on_cancelled) = self._pop(task_id)
        if isinstance(exc, Cancelled):
            log.info("task %r cancelled", task.title if task else task_id)
            if on_cancelled is not None:
                on_cancelled()
            return
        if isinstance(exc, StudioError):
            log.warning("task %r failed: %s", task.title if task else task_id, exc)
        else:  # a bug: keep the traceback
            log.error("task %r crashed:\n%s", task.title if task else task_id, details)
        if on_error is not None:
            on_error(exc, details)
