"""kerasbridge.models: `Model`, `Sequential`, `Functional`."""

from kerasbridge.models.functional import Functional
from kerasbridge.models.model import Model
from kerasbridge.models.sequential import Sequential
from kerasbridge.saving.saving_api import load_model, save_model

__all__ = ["Functional", "Model", "Sequential", "load_model", "save_model"]
