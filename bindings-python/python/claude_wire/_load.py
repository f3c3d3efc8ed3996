"""Loads the native module, with its allocator's options set first.

The native module's allocator (mimalloc) reads its options once, as the module loads. No 2 MiB
OS pages: with transparent huge pages, the kernel zeroed a whole huge page for every fresh
allocator page, which took a quarter of a message flood and made its rate vary twofold. The
variable is removed again so that no child process inherits it; a value the user set is kept.
"""

from __future__ import annotations

import os

_OPTION = "MIMALLOC_ALLOW_LARGE_OS_PAGES"

_set_here = _OPTION not in os.environ
if _set_here:
    os.environ[_OPTION] = "0"
try:
    from . import _native
finally:
    if _set_here:
        del os.environ[_OPTION]

__all__ = ["_native"]
