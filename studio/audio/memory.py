"""Whole-programme arrays in 4 KiB pages, not transparent huge pages.

On Linux numpy asks for huge pages for every array over 4 MB (madvise). Where the kernel
must compact memory, or the hypervisor back every fresh 2 MB page first (a VM with free
page reporting, as on CI), faulting in a fresh array then costs ~8 ms per MB: 0.9 s for
ten minutes of 48 kHz float32, the largest single cost of a render; in 4 KiB pages it is
0.4 ms per MB. The arrays here are swept in order, so huge pages save little TLB time.
`small_pages()` is called where long audio is read or rendered; it changes nothing on
Windows or macOS. Process-wide, idempotent.
"""

from __future__ import annotations

import functools


@functools.cache
def small_pages() -> None:
    from numpy._core import multiarray

    # numpy's own switch (NUMPY_MADVISE_HUGEPAGE is read only at import time); absent in
    # a numpy that dropped it, which then keeps its default.
    toggle = getattr(multiarray, "_set_madvise_hugepage", None)
    if toggle is not None:
        toggle(False)
