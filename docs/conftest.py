"""The documentation's examples run as doctests; a page about an optional library needs it.

The test extra installs every optional library the pages use, but Dask runs
on pandas 3, which needs Python 3.11: on Python 3.10 the Dask page is left
out of the run.
"""

from __future__ import annotations

import importlib.util

collect_ignore = [
    page
    for page, modules in {"howto-dask.md": ("dask", "distributed")}.items()
    if not all(importlib.util.find_spec(m) for m in modules)
]
