"""Shared setup for the differential tests against real Keras 3 (torch backend)."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

# Records which keras/kerasbridge public names each passing test reads (see api_coverage.py).
from api_coverage import pytest_runtest_call, pytest_runtest_makereport, pytest_sessionfinish  # noqa: E402, F401
