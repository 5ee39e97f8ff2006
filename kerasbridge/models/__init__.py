"""kerasbridge.models: `Model`, `Sequential`, `Functional`."""

from kerasbridge.models.functional import Functional
from kerasbridge.models.model import Model
from kerasbridge.models.sequential import Sequential
from kerasbridge.saving.saving_api import load_model, save_model

__all__ = ["Functional", "Model", "Sequential", "load_model", "save_model"]

# keras.models functions added for API coverage (issue 5)
from kerasbridge.models.cloning import clone_model  # noqa: E402
from kerasbridge.models.model_from_json import model_from_json  # noqa: E402

__all__ += ["clone_model", "model_from_json"]
