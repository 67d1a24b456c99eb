import sys

import pytest
from numpy._core import multiarray

from studio.audio.memory import small_pages


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="numpy asks for huge pages on Linux only")
def test_renders_ask_for_small_pages():
    before = multiarray._set_madvise_hugepage(True)
    try:
        small_pages.cache_clear()
        small_pages()
        # The switch returns the setting it replaces: small_pages() turned huge pages off.
        assert multiarray._set_madvise_hugepage(False) is False
    finally:
        multiarray._set_madvise_hugepage(before)
