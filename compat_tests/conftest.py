"""Shared setup for the differential tests against real Keras 3 (torch backend)."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")
