"""kerasbridge.backend: torch primitives behind the Keras API.

Config (`floatx`, `epsilon`, `image_data_format`), dtypes, devices, `Variable`,
tensor conversion, automatic naming and seeding.
"""

from kerasbridge.backend.config import (
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    standardize_data_format,
)
from kerasbridge.backend.device import device_scope, get_device
from kerasbridge.backend.dtypes import is_float_dtype, is_int_dtype, standardize_dtype, to_torch_dtype
from kerasbridge.backend.naming import auto_name, current_path, get_uid, name_scope, to_snake_case, uniquify
from kerasbridge.backend.random import SeedGenerator, draw_seed, set_random_seed, torch_generator
from kerasbridge.backend.tensor import cast, convert_to_numpy, convert_to_tensor, is_tensor
from kerasbridge.backend.variable import Variable


def clear_session(free_memory: bool = True) -> None:
    """Reset automatic names and the global seed generator (as `keras.backend.clear_session`)."""
    import gc

    from kerasbridge.backend import naming, random

    naming.reset_uids()
    random.reset_global_seed_generator()
    if free_memory:
        gc.collect()


__all__ = [
    "SeedGenerator",
    "Variable",
    "auto_name",
    "backend",
    "cast",
    "clear_session",
    "convert_to_numpy",
    "convert_to_tensor",
    "current_path",
    "device_scope",
    "draw_seed",
    "epsilon",
    "floatx",
    "get_device",
    "get_uid",
    "image_data_format",
    "is_float_dtype",
    "is_int_dtype",
    "is_tensor",
    "name_scope",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_random_seed",
    "standardize_data_format",
    "standardize_dtype",
    "to_snake_case",
    "to_torch_dtype",
    "torch_generator",
    "uniquify",
]

# keras.backend names added for API coverage (issue 5)
from kerasbridge.backend.dtypes import result_type  # noqa: E402
from kerasbridge.ops.keras_tensor import is_keras_tensor  # noqa: E402

__all__ += ["is_keras_tensor", "result_type"]
