"""The cyclic garbage collector while a test process starts (a pytest plugin, loaded
first: ``-p jembatan.testing.startgc`` in pyproject.toml's addopts).

Start-up (pytest, django.setup(), the conftests, importing and collecting every test
module) makes well over a million objects that live as long as the process; the
collector walked them all again and again meanwhile and found next to nothing to free
(a third of a small run's CPU). It is off until the tests are about to run; then those
objects are frozen, left out of every later collection (each full collection during the
tests walked them all too), and the collector runs for what the tests make, less often
than Python's defaults: with those (700, 10, 10), a worker still spent about an eighth of
its time in full collections (measured with ``gc.callbacks``: 40 s of gc in a 300 s run
of 835 tests); with 2000, 20, 100 and the freeze, 12 s, for about 150 MB more memory at
the end of that run. Cycles are still collected, only later.
"""

from __future__ import annotations

import gc

import pytest

_started_off = not gc.isenabled()
gc.disable()


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    # Every process of a run gets here once its collection is done (an xdist worker; the
    # controller, which collects nothing, at once).
    if not _started_off and not gc.isenabled():
        gc.freeze()
        gc.set_threshold(2000, 20, 100)
        gc.enable()


def pytest_unconfigure(config: pytest.Config) -> None:
    # A run stopped before its tests (a collection error, --collect-only) leaves it on too.
    if not _started_off:
        gc.enable()
