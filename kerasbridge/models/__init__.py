"""kerasbridge.models: `Model`, `Sequential`, `Functional`."""

from kerasbridge.models.functional import Functional
from kerasbridge.models.model import Model
from kerasbridge.models.sequential import Sequential

__all__ = ["Functional", "Model", "Sequential"]
