"""kerasbridge.optimizers: Keras 3 optimizers updating torch parameters with `torch._foreach_*` kernels."""

from kerasbridge.optimizers import schedules
from kerasbridge.optimizers.adadelta import Adadelta
from kerasbridge.optimizers.adafactor import Adafactor
from kerasbridge.optimizers.adagrad import Adagrad
from kerasbridge.optimizers.adam import Adam
from kerasbridge.optimizers.adamax import Adamax
from kerasbridge.optimizers.adamw import AdamW
from kerasbridge.optimizers.base_optimizer import Optimizer
from kerasbridge.optimizers.ftrl import Ftrl
from kerasbridge.optimizers.lamb import Lamb
from kerasbridge.optimizers.lion import Lion
from kerasbridge.optimizers.loss_scale_optimizer import LossScaleOptimizer
from kerasbridge.optimizers.muon import Muon
from kerasbridge.optimizers.nadam import Nadam
from kerasbridge.optimizers.rmsprop import RMSprop
from kerasbridge.optimizers.sgd import SGD

ALL_OBJECTS = {
    Optimizer,
    Adam,
    SGD,
    RMSprop,
    Adadelta,
    AdamW,
    Adagrad,
    Adamax,
    Adafactor,
    Muon,
    Nadam,
    Ftrl,
    Lamb,
    Lion,
    LossScaleOptimizer,
}
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS}


def serialize(optimizer):
    """Return the Keras config dict of `optimizer`."""
    from kerasbridge.saving import serialization_lib

    return serialization_lib.serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """Create an optimizer from its config dict (class names of built-ins are case-insensitive)."""
    from kerasbridge.saving import serialization_lib

    if config["class_name"].lower() in ALL_OBJECTS_DICT:
        config["class_name"] = config["class_name"].lower()
    return serialization_lib.deserialize_keras_object(
        config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects
    )


def get(identifier):
    """Return an optimizer from a name (`"adam"`), a config dict or an optimizer instance.

    Raises:
        ValueError: if `identifier` cannot be interpreted.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = deserialize({"class_name": identifier, "config": {}})
    else:
        obj = identifier
    if isinstance(obj, Optimizer):
        return obj
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")


__all__ = [
    "SGD",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lamb",
    "Lion",
    "LossScaleOptimizer",
    "Muon",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]

# ScheduleFreeAdamW (issue 5 coverage).
from kerasbridge.optimizers.schedule_free_adamw import ScheduleFreeAdamW  # noqa: E402

ALL_OBJECTS.add(ScheduleFreeAdamW)
ALL_OBJECTS_DICT[ScheduleFreeAdamW.__name__.lower()] = ScheduleFreeAdamW
__all__ += ["ScheduleFreeAdamW"]

# MultiOptimizer and OptimizerMap (issue 5 coverage).
from kerasbridge.optimizers.multi_optimizer import MultiOptimizer  # noqa: E402
from kerasbridge.optimizers.optimizer_map import OptimizerMap  # noqa: E402

ALL_OBJECTS.update({MultiOptimizer, OptimizerMap})
ALL_OBJECTS_DICT.update({"multioptimizer": MultiOptimizer, "optimizermap": OptimizerMap})
__all__ += ["MultiOptimizer", "OptimizerMap"]
