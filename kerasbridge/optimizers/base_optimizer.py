"""`Optimizer`: the Keras 3 optimizer API, updating torch parameters in place.

An optimizer's state (`iterations`, `learning_rate`, slots such as Adam's momentums) is made
of non-trainable `Variable`s, tracked in creation order in `optimizer.variables` with the names
and paths Keras gives them, so they save in Keras's `optimizer/vars/<i>` layout.

One step follows Keras 3 (torch backend) in order: drop missing gradients, overwrite
`overwrite_with_gradient` variables, unscale by `loss_scale_factor`, (accumulate gradients,)
clip, apply decoupled weight decay, run the update, update the EMA, apply constraints and
increment `iterations`. Built-in optimizers update all parameters of one device and dtype
with `torch._foreach_*` kernels; the learning rate and bias corrections are tensors computed
on the device from `iterations`, so a step never waits for the device. The few decisions
taken on the host (gradient accumulation, EMA overwrite) read a host copy of `iterations`
that is refreshed only when something else wrote the variable.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import torch

from kerasbridge import initializers
from kerasbridge.backend.config import floatx
from kerasbridge.backend.device import device_scope
from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.backend.naming import auto_name, name_scope
from kerasbridge.backend.variable import Variable
from kerasbridge.optimizers.schedules.learning_rate_schedule import LearningRateSchedule

__all__ = ["BaseOptimizer", "Optimizer"]


class _TrackedList(list):
    """A list attribute of an optimizer: `Variable`s added to it join `optimizer.variables`."""

    def __init__(self, optimizer, values=()):
        super().__init__(values)
        self._optimizer = optimizer
        for value in values:
            optimizer._track_value(value)

    def append(self, value):
        self._optimizer._track_value(value)
        super().append(value)

    def insert(self, index, value):
        self._optimizer._track_value(value)
        super().insert(index, value)

    def extend(self, values):
        values = list(values)
        for value in values:
            self._optimizer._track_value(value)
        super().extend(values)

    def __iadd__(self, values):
        self.extend(values)
        return self

    def __setitem__(self, index, value):
        for item in value if isinstance(index, slice) else [value]:
            self._optimizer._track_value(item)
        super().__setitem__(index, value)


class _HostValue:
    """A host copy of a scalar `Variable`, re-read from the device only after outside writes.

    Writes are detected through the tensor's version counter (bumped by every in-place
    operation, `assign` included) and its identity (a swapped parameter).
    """

    __slots__ = ("cast", "tensor", "value", "variable", "version")

    def __init__(self, variable: Variable, value, cast=float):
        self.variable, self.cast = variable, cast
        self._mark(value)

    def _mark(self, value) -> None:
        tensor = self.variable.value
        self.value, self.tensor, self.version = value, tensor, tensor._version

    def get(self):
        tensor = self.variable.value
        if tensor is not self.tensor or tensor._version != self.version:
            self._mark(self.cast(tensor.detach().cpu()))
        return self.value

    def increment(self) -> None:
        value = self.get()
        with torch.no_grad():
            self.variable.value.add_(1)
        self._mark(value + 1)


def _group_indices(tensors) -> list[list[int]] | None:
    """Indices of `tensors` grouped by (device, dtype); `None` when they all share one."""
    first = tensors[0]
    device, dtype = first.device, first.dtype
    for tensor in tensors:
        if tensor.dtype != dtype or tensor.device != device:
            break
    else:
        return None
    groups: dict = {}
    for i, tensor in enumerate(tensors):
        groups.setdefault((tensor.device, tensor.dtype), []).append(i)
    return list(groups.values())


def _on(value, like: torch.Tensor) -> torch.Tensor:
    """`value` (Variable, tensor or number) as a tensor of `like`'s dtype on `like`'s device."""
    if isinstance(value, Variable):
        value = value.value
    if isinstance(value, torch.Tensor):
        if value.dtype != like.dtype or value.device != like.device:
            value = value.to(device=like.device, dtype=like.dtype)
        return value
    return torch.full((), value, dtype=like.dtype, device=like.device)


_PARALLEL_CACHE: dict = {}


def _uses_parallel_update(cls) -> bool:
    """Whether `cls` updates through `_parallel_update_step` (no subclass overrides `update_step`)."""
    cached = _PARALLEL_CACHE.get(cls)
    if cached is None:
        update_owner = next((k for k in cls.__mro__ if "update_step" in vars(k)), None)
        parallel_owner = next((k for k in cls.__mro__ if "_parallel_update_step" in vars(k)), None)
        cached = (
            parallel_owner is not None
            and update_owner is not None
            and issubclass(parallel_owner, update_owner)
        )
        _PARALLEL_CACHE[cls] = cached
    return cached


class BaseOptimizer:
    """Base class of optimizers.

    A custom optimizer overrides `build(variables)` (creating its slots with
    `add_variable_from_reference`), `update_step(gradient, variable, learning_rate)` and
    `get_config()`. Built-in optimizers instead implement `_parallel_update_step(grads,
    variables, learning_rate)`, which updates a list of variables of one device and dtype
    with `torch._foreach_*` operations.

    Args:
        learning_rate: A float, a `LearningRateSchedule`, or a callable without arguments
            returning the learning rate.
        weight_decay: Float. If set, decoupled weight decay `w -= w * weight_decay * lr`
            is applied before each update.
        clipnorm: Float. If set, each gradient is clipped to this L2 norm.
        clipvalue: Float. If set, each gradient is clipped to `[-clipvalue, clipvalue]`.
        global_clipnorm: Float. If set, the gradients are scaled so that their global
            L2 norm is at most this value.
        use_ema: Whether to keep an exponential moving average of the variables.
        ema_momentum: Float in [0, 1], the momentum of the moving average.
        ema_overwrite_frequency: Int or `None`. Every this many iterations the variables
            are overwritten by their moving average; with `None`, call
            `finalize_variable_values()` at the end of training.
        loss_scale_factor: Float or `None`. `scale_loss()` multiplies the loss by it and
            gradients are divided by it before the update.
        gradient_accumulation_steps: Int >= 2 or `None`. If set, variables are updated
            every that many steps, with the mean of the accumulated gradients.
            `iterations` counts updates; learning rate schedules see every step.
        name: Name of the optimizer; prefixes the paths of its variables.
    """

    def __init__(
        self,
        learning_rate,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        self._lock = False
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.", stacklevel=2)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        object.__setattr__(self, "_tracking", False)
        self.name = name if name is not None else auto_name(self.__class__.__name__)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. Received: "
                f"gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema:
            if ema_momentum > 1 or ema_momentum < 0:
                raise ValueError(
                    f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}"
                )
            if ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. Received: "
                    f"ema_overwrite_frequency={ema_overwrite_frequency}"
                )
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        self.built = False
        self._variables = []
        self._tracked_ids = set()
        self._trainable_variables = []
        self._trainable_variables_indices = {}
        object.__setattr__(self, "_tracking", True)

        with name_scope(self.name, caller=self):
            iterations = Variable(
                0, name="iteration", dtype="int32", trainable=False, aggregation="only_first_replica"
            )
        self._track_variable(iterations)
        self._iterations = iterations
        self._iteration_count = _HostValue(iterations, 0, int)

        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            if not isinstance(learning_rate, float):
                raise ValueError(
                    "Argument `learning_rate` should be float, or an instance of LearningRateSchedule, "
                    "or a callable (that takes in the current iteration value and returns the "
                    f"corresponding learning rate value). Received instead: learning_rate={learning_rate}"
                )
            # The value the variable holds, known on the host without reading the device.
            host_value = float(torch.tensor(learning_rate, dtype=to_torch_dtype(floatx())))
            with name_scope(self.name, caller=self):
                learning_rate = Variable(
                    learning_rate,
                    name="learning_rate",
                    dtype=floatx(),
                    trainable=False,
                    aggregation="only_first_replica",
                )
            self._track_variable(learning_rate)
            self._learning_rate = learning_rate
            self._learning_rate_value = _HostValue(learning_rate, host_value)

    # -- attribute tracking ---------------------------------------------------------------
    def __setattr__(self, name, value):
        if name != "_lock":
            self._check_super_called()
        if self.__dict__.get("_tracking"):
            value = self._track_value(value)
        object.__setattr__(self, name, value)

    def _track_value(self, value):
        if isinstance(value, Variable):
            self._track_variable(value)
        elif type(value) is list:
            value = _TrackedList(self, value)
        elif type(value) is tuple:
            for item in value:
                self._track_value(item)
        return value

    def _track_variable(self, variable):
        if id(variable) not in self._tracked_ids:
            self._tracked_ids.add(id(variable))
            self._variables.append(variable)

    def _untrack_variable(self, variable):
        if id(variable) in self._tracked_ids:
            self._tracked_ids.discard(id(variable))
            self._variables = [v for v in self._variables if v is not variable]

    def _check_super_called(self):
        if "_lock" not in self.__dict__:
            raise RuntimeError(
                f"In optimizer '{self.__class__.__name__}', you forgot to call `super().__init__()` as "
                "the first statement in the `__init__()` method. Go add it!"
            )

    # -- properties -----------------------------------------------------------------------
    @property
    def iterations(self):
        """The number of updates applied (a `Variable`; a tensor with gradient accumulation)."""
        if self.gradient_accumulation_steps:
            return torch.floor_divide(self._iterations.value.detach(), self.gradient_accumulation_steps)
        return self._iterations

    @property
    def variables(self):
        """The optimizer's own variables, in creation order (the order of saved files)."""
        return self._variables[:]

    @property
    def learning_rate(self):
        """The current learning rate: a `Variable`, or a tensor computed by the schedule."""
        return self._get_current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        previous = self._learning_rate if isinstance(self._learning_rate, Variable) else None
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            if isinstance(self._learning_rate, LearningRateSchedule):
                raise TypeError(
                    "This optimizer was created with a `LearningRateSchedule` object as its "
                    "`learning_rate` constructor argument, hence its learning rate is not settable. If "
                    "you need the learning rate to be settable, you should instantiate the optimizer "
                    "with a float `learning_rate` argument."
                )
            self._learning_rate.assign(learning_rate)
        if previous is not None and not isinstance(self._learning_rate, Variable):
            self._untrack_variable(previous)

    def _get_current_learning_rate(self):
        if isinstance(self._learning_rate, LearningRateSchedule):
            return self._learning_rate(self._iterations)
        if isinstance(self._learning_rate, Variable):
            return self._learning_rate
        if callable(self._learning_rate):
            return self._learning_rate()
        return self._learning_rate

    def _host_learning_rate(self, learning_rate):
        """The learning rate as a Python float when it is the optimizer's own `Variable`.

        The value is cached on the host and re-read only after the variable was written, so
        kernels can take it as a scalar argument (as Keras's torch backend does) without a
        per-step device sync. Returns `None` for schedules and callables.
        """
        if learning_rate is not self._learning_rate or not isinstance(learning_rate, Variable):
            return None
        cache = self.__dict__.get("_learning_rate_value")
        if cache is None or cache.variable is not learning_rate:
            return None
        return cache.get()

    def _iterations_tensor(self) -> torch.Tensor:
        """`iterations` as a tensor (divided by the accumulation steps when accumulating)."""
        value = self._iterations.value.detach()
        if self.gradient_accumulation_steps:
            return torch.floor_divide(value, self.gradient_accumulation_steps)
        return value

    def _local_step(self, like: torch.Tensor, offset: int = 1) -> torch.Tensor:
        """`iterations + offset` cast to `like`'s dtype, on `like`'s device."""
        return _on(self._iterations_tensor() + offset, like)

    # -- variables ------------------------------------------------------------------------
    def build(self, variables):
        """Create the optimizer's variables for the trainable `variables`."""
        object.__setattr__(self, "_tracking", False)
        try:
            if self.use_ema:
                self._model_variables_moving_average = self.add_optimizer_variables(variables, "average")
            if self.gradient_accumulation_steps:
                self._accumulated_gradients = []
            for i, variable in enumerate(variables):
                self._trainable_variables_indices[self._var_key(variable)] = i
                if self.gradient_accumulation_steps:
                    self._accumulated_gradients.append(
                        self.add_variable_from_reference(variable, name="gradient_accumulator")
                    )
            self._trainable_variables = variables[:]
            self.built = True
        finally:
            object.__setattr__(self, "_tracking", True)

    def _var_key(self, variable):
        return id(variable)

    def _get_variable_index(self, variable):
        return self._trainable_variables_indices[self._var_key(variable)]

    def add_variable(
        self, shape, initializer="zeros", dtype=None, aggregation="none", layout=None, name=None
    ):
        """Create a non-trainable optimizer variable, tracked in `variables`.

        Args:
            shape: Shape tuple of the variable.
            initializer: Initializer object or name. Defaults to `"zeros"`.
            dtype: Dtype of the variable; defaults to `floatx()`.
            aggregation: How it is reduced across replicas (`"none"`, `"mean"`, `"sum"`,
                `"only_first_replica"`).
            layout: Ignored (kept for API compatibility).
            name: Name of the variable.

        Returns:
            The new `Variable`.
        """
        self._check_super_called()
        initializer = initializers.get(initializer)
        with name_scope(self.name, caller=self):
            variable = Variable(
                initializer=initializer,
                shape=shape,
                dtype=dtype,
                trainable=False,
                aggregation=aggregation,
                name=name,
            )
        self._track_variable(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """Create an optimizer variable shaped like `reference_variable`, on its device.

        It is named `{reference path with "/" replaced by "_"}_{name}`, e.g.
        `dense_kernel_momentum`.
        """
        name = name or "var"
        if hasattr(reference_variable, "path"):
            name = f"{reference_variable.path.replace('/', '_')}_{name}"
        else:
            name = f"{str(reference_variable.name).replace('/', '_').replace(':', '_')}_{name}"
        value = getattr(reference_variable, "value", None)
        device = value.device if isinstance(value, torch.Tensor) else None
        if device is None:
            return self.add_variable(
                shape=reference_variable.shape,
                initializer=initializer,
                dtype=reference_variable.dtype,
                name=name,
            )
        with device_scope(device):
            return self.add_variable(
                shape=reference_variable.shape,
                initializer=initializer,
                dtype=reference_variable.dtype,
                name=name,
            )

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """Create one optimizer variable per trainable variable and per name in `name`.

        Args:
            trainable_variables: The model variables.
            name: A name suffix, or a list of them (variables are created interleaved:
                all names for the first variable, then for the second...).
            initializer: One initializer, or one per name.

        Returns:
            A list of variables (`None` for variables with `overwrite_with_gradient`), or a
            tuple of such lists when `name` is a list.
        """
        names, inits = name, initializer
        if isinstance(name, str):
            names, inits = [name], [initializer]
        elif isinstance(initializer, (str, initializers.Initializer)):
            inits = [initializer] * len(names)
        if len(names) != len(inits):
            raise ValueError(
                "The number of provided names must match the number of provided initializers.  "
                f"Received name='{name}', initializer='{initializer}'"
            )
        out = tuple([] for _ in names)
        for variable in trainable_variables:
            overwrite = self._overwrite_variable_with_gradient(variable)
            for i, (var_name, var_init) in enumerate(zip(names, inits)):
                out[i].append(
                    None
                    if overwrite
                    else self.add_variable_from_reference(variable, name=var_name, initializer=var_init)
                )
        return out[0] if isinstance(name, str) else out

    def _slots(self, slot_variables, variables) -> list[torch.Tensor]:
        """The tensors of `slot_variables` that belong to `variables`."""
        indices = self._trainable_variables_indices
        return [slot_variables[indices[id(v)]].value for v in variables]

    def _overwrite_variable_with_gradient(self, variable):
        return getattr(variable, "overwrite_with_gradient", False)

    def _check_variables_are_known(self, variables):
        for v in variables:
            if self._var_key(v) not in self._trainable_variables_indices:
                raise ValueError(
                    f"Unknown variable: {v}. This optimizer can only be called for the variables it was "
                    "originally built with. When working with a new set of variables, you should "
                    "recreate a new optimizer instance."
                )

    def assign(self, variable, value):
        """Assign `value` to `variable` (a model or optimizer variable)."""
        variable.assign(value)

    def assign_add(self, variable, value):
        """Add `value` to `variable`."""
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        """Subtract `value` from `variable`."""
        variable.assign_sub(value)

    # -- applying gradients ---------------------------------------------------------------
    def update_step(self, gradient, variable, learning_rate):
        """Update one variable from its gradient (built-ins route this to `_parallel_update_step`)."""
        if type(self)._parallel_update_step is not BaseOptimizer._parallel_update_step:
            with torch.no_grad():
                self._parallel_update_step([self._as_gradient(gradient, variable)], [variable], learning_rate)
            return
        raise NotImplementedError

    def _parallel_update_step(self, grads, variables, learning_rate):
        raise NotImplementedError

    def apply_gradients(self, grads_and_vars):
        """Apply `(gradient, variable)` pairs; returns the `iterations` variable."""
        grads, trainable_variables = zip(*grads_and_vars)
        self.apply(grads, trainable_variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Update the trainable variables from `grads`.

        Args:
            grads: Gradients (torch tensors, arrays or `None`), one per variable.
            trainable_variables: The variables; optional once the optimizer is built. The
                first call builds the optimizer for them.
        """
        if len(grads) == 0:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be built on a "
                    "list of variables. Call `optimizer.build(trainable_variables)` first. "
                )
            if len(grads) != len(self._trainable_variables_indices):
                raise ValueError(
                    "When passing `grads` as a list of gradient tensors, the gradients must match "
                    f"`optimizer.variables` one-to-on. Received a list of {len(grads)} gradients, but the "
                    f"optimizer is tracking {len(self._trainable_variables)} trainable variables."
                )
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if not self.built:
                with name_scope(self.name, caller=self):
                    self.build(trainable_variables)
                self.built = True
            self._check_variables_are_known(trainable_variables)

        with name_scope(self.name, caller=self), torch.no_grad():
            grads, trainable_variables = self._filter_empty_gradients(grads, trainable_variables)
            grads, trainable_variables = self._overwrite_variables_directly_with_gradients(
                grads, trainable_variables
            )
            if grads:
                grads = [self._as_gradient(g, v) for g, v in zip(grads, trainable_variables)]
                if self.loss_scale_factor is not None:
                    grads = torch._foreach_div(grads, self.loss_scale_factor)
                self._backend_apply_gradients(grads, trainable_variables)
                for variable in trainable_variables:
                    if variable.constraint is not None:
                        variable.assign(variable.constraint(variable))
        self._iteration_count.increment()

    @staticmethod
    def _as_gradient(gradient, variable) -> torch.Tensor:
        """`gradient` as a tensor of the variable's dtype, on its device."""
        param = variable.value if isinstance(variable, Variable) else variable
        if isinstance(gradient, Variable):
            gradient = gradient.value
        elif not isinstance(gradient, torch.Tensor):
            gradient = torch.as_tensor(np.asarray(gradient))
        if gradient.dtype != param.dtype or gradient.device != param.device:
            gradient = gradient.to(device=param.device, dtype=param.dtype)
        return gradient

    def _backend_apply_gradients(self, grads, trainable_variables):
        steps = self.gradient_accumulation_steps
        if steps:
            accumulators = self._slots(self._accumulated_gradients, trainable_variables)
            if (self._iteration_count.get() + 1) % steps == 0:
                grads = torch._foreach_add(grads, accumulators)
                torch._foreach_div_(grads, steps)
                grads = self._clip_gradients(grads)
                self._apply_weight_decay(trainable_variables)
                self._backend_update_step(grads, trainable_variables, self.learning_rate)
                self._backend_reset_gradient_accumulators()
            else:
                self._backend_increment_gradient_accumulators(grads, accumulators)
        else:
            grads = self._clip_gradients(grads)
            self._apply_weight_decay(trainable_variables)
            self._backend_update_step(grads, trainable_variables, self.learning_rate)

        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            if self.ema_overwrite_frequency:
                updates = self._iteration_count.get()
                if steps:
                    updates //= steps
                if (updates + 1) % self.ema_overwrite_frequency == 0:
                    self._overwrite_model_variables_with_average_value(self._trainable_variables)

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        if not _uses_parallel_update(type(self)):
            for grad, variable in zip(grads, trainable_variables):
                self.update_step(grad, variable, learning_rate)
            return
        groups = _group_indices(grads)
        if groups is None:
            self._parallel_update_step(grads, trainable_variables, learning_rate)
            return
        for indices in groups:
            self._parallel_update_step(
                [grads[i] for i in indices], [trainable_variables[i] for i in indices], learning_rate
            )

    def _backend_reset_gradient_accumulators(self):
        accumulators = [v.value for v in self._accumulated_gradients if v is not None]
        if accumulators:
            torch._foreach_zero_(accumulators)

    def _backend_increment_gradient_accumulators(self, grads, accumulators):
        torch._foreach_add_(accumulators, grads)

    def _filter_empty_gradients(self, grads, variables):
        if all(g is not None for g in grads):
            return list(grads), list(variables)
        kept_grads, kept_vars, missing = [], [], []
        for g, v in zip(grads, variables):
            if g is None:
                missing.append(getattr(v, "path", None) or v.name)
            else:
                kept_grads.append(g)
                kept_vars.append(v)
        if not kept_grads:
            raise ValueError("No gradients provided for any variable.")
        warnings.warn(
            f"Gradients do not exist for variables {missing} when minimizing the loss. If using "
            "`model.compile()`, did you forget to provide a `loss` argument?",
            stacklevel=3,
        )
        return kept_grads, kept_vars

    def _overwrite_variables_directly_with_gradients(self, grads, variables):
        """Variables with `overwrite_with_gradient` take their gradient as new value (float8)."""
        if not any(self._overwrite_variable_with_gradient(v) for v in variables):
            return grads, variables
        kept_grads, kept_vars = [], []
        steps = self.gradient_accumulation_steps
        for g, v in zip(grads, variables):
            if not self._overwrite_variable_with_gradient(v):
                kept_grads.append(g)
                kept_vars.append(v)
                continue
            g = self._as_gradient(g, v)
            if steps:
                accumulator = self._accumulated_gradients[self._get_variable_index(v)]
                if (self._iteration_count.get() + 1) % steps == 0:
                    v.assign(torch.maximum(g, accumulator.value))
                    accumulator.assign(torch.zeros_like(g))
                else:
                    accumulator.assign(torch.maximum(g, accumulator.value))
            else:
                v.assign(g)
        return kept_grads, kept_vars

    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            norms = torch._foreach_norm(grads)
            clipped = torch._foreach_mul(grads, self.clipnorm)
            torch._foreach_div_(clipped, torch._foreach_maximum(norms, self.clipnorm))
            return clipped
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            clipped = torch._foreach_clamp_min(grads, -self.clipvalue)
            torch._foreach_clamp_max_(clipped, self.clipvalue)
            return clipped
        return grads

    # -- weight decay ---------------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exclude variables from weight decay.

        Args:
            var_list: Variables to exclude.
            var_names: Strings; a variable whose name contains any of them is excluded
                (e.g. `["bias"]`).
        """
        self._exclude_from_weight_decay = {self._var_key(v) for v in var_list} if var_list else set()
        if var_names:
            self._exclude_from_weight_decay_pattern = re.compile("|".join(set(var_names)))
        else:
            self._exclude_from_weight_decay_pattern = None
        self._exclude_from_weight_decay_cache = {}

    def _use_weight_decay(self, variable):
        cache = self.__dict__.get("_exclude_from_weight_decay_cache")
        if cache is None:
            cache = self._exclude_from_weight_decay_cache = {}
        key = self._var_key(variable)
        use = cache.get(key)
        if use is None:
            excluded = self.__dict__.get("_exclude_from_weight_decay", set())
            pattern = self.__dict__.get("_exclude_from_weight_decay_pattern")
            use = key not in excluded and (pattern is None or re.search(pattern, variable.name) is None)
            cache[key] = use
        return use

    @torch.no_grad()
    def _apply_weight_decay(self, variables):
        if self.weight_decay is None:
            return
        params = [v.value for v in variables if self._use_weight_decay(v)]
        if not params:
            return
        factor = 1 - self.weight_decay * self._get_current_learning_rate()
        if not isinstance(factor, torch.Tensor):
            torch._foreach_mul_(params, factor)
            return
        groups = _group_indices(params) or [range(len(params))]
        for indices in groups:
            group = [params[i] for i in indices]
            torch._foreach_mul_(group, factor.to(group[0].device))

    # -- exponential moving average -------------------------------------------------------
    def _update_model_variables_moving_average(self, trainable_variables):
        pairs = [
            (v, a) for v, a in zip(trainable_variables, self._model_variables_moving_average) if a is not None
        ]
        if not pairs:
            return
        params = [v.value for v, _ in pairs]
        averages = [a.value for _, a in pairs]
        not_first_step = self._iterations_tensor() != 0
        for indices in _group_indices(params) or [range(len(params))]:
            group_params = [params[i] for i in indices]
            group_averages = [averages[i] for i in indices]
            momentum = _on(not_first_step, group_params[0]) * self.ema_momentum
            torch._foreach_mul_(group_averages, momentum)
            torch._foreach_add_(group_averages, torch._foreach_mul(group_params, 1 - momentum))

    def _overwrite_model_variables_with_average_value(self, trainable_variables):
        averages = self._model_variables_moving_average
        if len(trainable_variables) != len(averages):
            raise ValueError(
                f"The length of model variables ({len(trainable_variables)}) to override does not match "
                f"the length of model variables stored in the optimizer ({len(averages)}). Please check "
                "if the optimizer was called on your model."
            )
        with torch.no_grad():
            for variable, average in zip(trainable_variables, averages):
                if average is not None:
                    variable.value.copy_(average.value)

    def finalize_variable_values(self, var_list):
        """Set the final values of the model's variables (their moving average with `use_ema`)."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)

    # -- loss scaling, weights, config ----------------------------------------------------
    def scale_loss(self, loss):
        """Multiply `loss` by `loss_scale_factor` (when set), before computing gradients."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    def set_weights(self, weights):
        """Set the values of `variables` from a list of arrays."""
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. Please "
                "call `optimizer.build(trainable_variables)` to create the optimizer weights before "
                "calling `set_weights()`."
            )
        for variable, weight in zip(self._variables, weights):
            if tuple(variable.shape) != tuple(np.shape(weight)):
                raise ValueError(
                    f"Optimizer variable {self._var_key(variable)} has shape {variable.shape} not "
                    f"compatible with provided weight shape {np.shape(weight)}."
                )
            variable.assign(weight)

    def save_own_variables(self, store):
        """Write the variables to `store` under keys `"0"`, `"1"`, ..."""
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        """Read the variables back from `store` (skipped with a warning on a count mismatch)."""
        variables = self.variables
        if len(store.keys()) != len(variables):
            msg = (
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(variables)} variables whereas the saved optimizer has {len(store.keys())} "
                "variables. "
            )
            if not variables:
                msg += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(msg, stacklevel=2)
            return
        for i, variable in enumerate(variables):
            variable.assign(store[str(i)])

    def _obj_type(self):
        return "Optimizer"

    def get_config(self):
        """The optimizer's constructor arguments, as Keras writes them."""
        from kerasbridge.saving import serialization_lib

        if isinstance(self._learning_rate, LearningRateSchedule):
            learning_rate = serialization_lib.serialize_keras_object(self._learning_rate)
        elif isinstance(self._learning_rate, Variable):
            learning_rate = float(self._learning_rate.numpy())
        elif isinstance(self._learning_rate, torch.Tensor):
            learning_rate = float(self._learning_rate)
        elif callable(self._learning_rate):
            learning_rate = serialization_lib.serialize_keras_object(self._learning_rate)
        else:
            learning_rate = 0.5
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Create an optimizer from `get_config()`'s output."""
        from kerasbridge.saving import serialization_lib

        if isinstance(config.get("learning_rate"), dict):
            config = dict(config)
            config["learning_rate"] = serialization_lib.deserialize_keras_object(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)


class Optimizer(BaseOptimizer):
    """Base class for Keras optimizers (see `BaseOptimizer`)."""


Optimizer.__doc__ = BaseOptimizer.__doc__


def global_norm(value_list):
    """The L2 norm of all the tensors of `value_list` together."""
    norms = torch._foreach_norm([v for v in value_list if v is not None])
    device = norms[0].device
    stacked = torch.stack([n.to(device) for n in norms])
    return torch.sqrt(torch.sum(stacked * stacked))


def clip_by_global_norm(value_list, clip_norm):
    """Scale the tensors so that their global norm is at most `clip_norm` (NaN if it is not finite)."""
    use_norm = global_norm(value_list)
    scale = clip_norm * torch.clamp_max(1.0 / use_norm, 1.0 / clip_norm)
    scale = scale + (use_norm - use_norm)
    tensors = [v for v in value_list if v is not None]
    groups = _group_indices(tensors) or [range(len(tensors))]
    scaled = list(tensors)
    for indices in groups:
        group = [tensors[i] for i in indices]
        for i, value in zip(indices, torch._foreach_mul(group, _on(scale, group[0]))):
            scaled[i] = value
    it = iter(scaled)
    return [None if v is None else next(it) for v in value_list]
