"""Shared fixtures and Hypothesis settings.

The profile is named by the ``HYPOTHESIS_PROFILE`` environment variable:

- ``dev`` (the default): 50 examples a property, the local loop.
- ``ci``: 20 examples a property, for the continuous-integration run, which
  measures branch coverage over the whole suite on two cores and must stay
  well inside its time limit. The examples are still random, so successive
  runs keep searching new inputs; a branch that only a rare input reaches
  gets an explicit ``@example`` or a unit test, so the coverage gate never
  depends on the draw.
- ``thorough``: 100 examples a property, for a long search before a release
  (``HYPOTHESIS_PROFILE=thorough python -m pytest``).

A property that sets its own count (a costly one, such as an engine
compared with the exact reference or a codec's round trip, or a cheap one
that searches longer) states it as a share of the profile's,
``max_examples=settings.default.max_examples * 3 // 5`` (30 locally, 12 in
CI, 60 in ``thorough``), so that every profile scales it. The fuzz tests of
the readers keep their own budgets (``tests/fuzz``).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    max_examples=20,
    deadline=None,
    # a clean clone has no example database to replay, and the run must not
    # write one into the checkout; a failure prints its reproduction blob
    database=None,
    print_blob=True,
    # under the coverage tracer on a loaded machine generation is slower
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
