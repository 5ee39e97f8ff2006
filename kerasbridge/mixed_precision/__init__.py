"""kerasbridge.mixed_precision: Keras's mixed-precision API.

`set_global_policy("mixed_float16")` (or `"mixed_bfloat16"`) makes new layers keep float32
variables and compute in half precision; `compile()` then wraps the optimizer in a
`LossScaleOptimizer` for float16, as Keras does. The policy objects are the ones in
`kerasbridge.dtype_policies`; this module only gives them Keras's `mixed_precision` names.
"""

from kerasbridge.dtype_policies.dtype_policy import DTypePolicy, dtype_policy, set_dtype_policy
from kerasbridge.dtype_policies.dtype_policy import dtype_policy as global_policy
from kerasbridge.dtype_policies.dtype_policy import set_dtype_policy as set_global_policy
from kerasbridge.optimizers.loss_scale_optimizer import LossScaleOptimizer

Policy = DTypePolicy

__all__ = [
    "DTypePolicy",
    "LossScaleOptimizer",
    "Policy",
    "dtype_policy",
    "global_policy",
    "set_dtype_policy",
    "set_global_policy",
]
