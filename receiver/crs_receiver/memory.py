"""What the playback engine keeps in memory: its libraries loaded ahead once there is a
schedule (`load_playback_modules`, on a thread of its own), and the C heap given back
after an item (`release_memory`). Any thread.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def load_playback_modules() -> None:
    """numpy, PortAudio and libsndfile, loaded ahead (the engine's warm-up thread)."""
    try:
        import numpy  # noqa: F401
        import sounddevice  # noqa: F401
        import soundfile  # noqa: F401

        from crs_receiver import resample  # noqa: F401
    except Exception as exc:  # the first item will say what is wrong (and log it)
        log.warning("could not load the playback modules ahead: %s", exc)


def release_memory() -> None:
    """Give the C heap's free pages back to the system after an item (glibc's malloc_trim):
    the decoded blocks of a long item otherwise stay resident while the receiver idles.
    A no-op where there is no glibc."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError, TypeError):  # Windows: CDLL(None) is a TypeError
        pass
