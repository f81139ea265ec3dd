"""Shared fixtures and Hypothesis settings."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# CI runs at least as many examples as a developer's default run: it is where
# the slow, thorough search belongs, and the local loop stays quick.
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
