"""Fixtures for the elections tests (defined in elections_helpers.py, shared with the test modules)."""

from elections_helpers import clock, poll  # noqa: F401 - pytest fixtures
