"""Fixtures for the callback unit tests: a tiny stand-in model and a fake clock."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest


class FakeOptimizer:
    def __init__(self, learning_rate=0.1, name="sgd"):
        self.learning_rate = learning_rate
        self.name = name


class FakeModel:
    """What callbacks touch on a model: stop_training, weights, optimizer, history."""

    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)
        self.weights = [np.zeros(2)]
        self.history = None

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


@pytest.fixture
def model():
    return FakeModel()


@pytest.fixture
def fake_clock(monkeypatch):
    """Make `time.time()` advance 0.5 s per call, so progress output is deterministic."""
    ticks = itertools.count(1000.0, 0.5)
    monkeypatch.setattr(time, "time", lambda: next(ticks))
