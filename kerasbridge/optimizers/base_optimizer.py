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

import warnings

import torch

from kerasbridge.backend.config import floatx
from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.backend.naming import auto_name, name_scope
from kerasbridge.backend.variable import Variable
from kerasbridge.optimizers.ema import EmaMixin
from kerasbridge.optimizers.gradient_transforms import (  # noqa: F401  (re-exported)
    GradientTransformsMixin,
    clip_by_global_norm,
    global_norm,
)
from kerasbridge.optimizers.optimizer_config import OptimizerConfigMixin
from kerasbridge.optimizers.optimizer_utils import (  # noqa: F401  (re-exported)
    _group_indices,
    _HostValue,
    _on,
    _TrackedList,
    _uses_parallel_update,
)
from kerasbridge.optimizers.optimizer_variables import OptimizerVariablesMixin
from kerasbridge.optimizers.schedules.learning_rate_schedule import LearningRateSchedule

__all__ = ["BaseOptimizer", "Optimizer"]


class BaseOptimizer(OptimizerVariablesMixin, GradientTransformsMixin, EmaMixin, OptimizerConfigMixin):
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


class Optimizer(BaseOptimizer):
    """Base class for Keras optimizers (see `BaseOptimizer`)."""


Optimizer.__doc__ = BaseOptimizer.__doc__
