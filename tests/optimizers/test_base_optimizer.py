"""The Optimizer machinery shared by all optimizers (shown with SGD, whose update is `w -= lr * g`)."""

import warnings

import numpy as np
import pytest
import torch

import kerasbridge as kb
from kerasbridge import constraints, optimizers
from kerasbridge.optimizers import schedules


def variables(*shapes, scope="dense", names=("kernel", "bias", "extra")):
    with kb.name_scope(scope):
        return [kb.Variable(np.ones(shape, "float32"), name=name) for shape, name in zip(shapes, names)]


def grads_like(vs, value=1.0):
    return [torch.full(v.shape, value) for v in vs]


def step(optimizer, vs, grads):
    optimizer.apply_gradients(list(zip(grads, vs)))


# -- iterations and learning rate -------------------------------------------------------------
def test_iterations_is_an_int32_variable_counting_applies():
    opt = optimizers.SGD()
    vs = variables((2,))
    for _ in range(3):
        step(opt, vs, grads_like(vs))
    assert isinstance(opt.iterations, kb.Variable)
    assert opt.iterations.dtype == "int32"
    assert int(opt.iterations) == 3


def test_learning_rate_is_a_float32_variable():
    opt = optimizers.SGD(learning_rate=0.5)
    assert isinstance(opt.learning_rate, kb.Variable)
    assert opt.learning_rate.dtype == "float32"
    assert float(opt.learning_rate) == 0.5


def test_integer_learning_rate_is_rejected():
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.SGD(learning_rate=1)


def test_setting_learning_rate_changes_the_next_step():
    opt = optimizers.SGD(learning_rate=0.1)
    vs = variables((2,))
    step(opt, vs, grads_like(vs))
    opt.learning_rate = 0.5
    step(opt, vs, grads_like(vs))
    np.testing.assert_allclose(vs[0].numpy(), 1.0 - 0.1 - 0.5, rtol=1e-6)


def test_assigning_the_learning_rate_variable_changes_the_next_step():
    opt = optimizers.SGD(learning_rate=0.1)
    vs = variables((2,))
    step(opt, vs, grads_like(vs))
    opt.learning_rate.assign(0.25)
    step(opt, vs, grads_like(vs))
    np.testing.assert_allclose(vs[0].numpy(), 1.0 - 0.1 - 0.25, rtol=1e-6)


def test_schedule_is_evaluated_on_iterations_each_step():
    schedule = schedules.PiecewiseConstantDecay(boundaries=[1], values=[0.1, 0.01])
    opt = optimizers.SGD(learning_rate=schedule)
    vs = variables((1,))
    deltas = []
    for _ in range(3):
        before = vs[0].numpy().copy()
        step(opt, vs, grads_like(vs))
        deltas.append(float(before[0] - vs[0].numpy()[0]))
    np.testing.assert_allclose(deltas, [0.1, 0.1, 0.01], rtol=1e-5)


def test_replacing_the_learning_rate_by_a_schedule_untracks_the_variable():
    opt = optimizers.SGD(learning_rate=0.1)
    opt.learning_rate = schedules.ExponentialDecay(0.1, 10, 0.5)
    assert [v.name for v in opt.variables] == ["iteration"]


def test_learning_rate_of_a_schedule_optimizer_cannot_be_set_to_a_float():
    opt = optimizers.SGD(learning_rate=schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.1


def test_callable_learning_rate_is_called_each_step():
    calls = []

    def lr():
        calls.append(1)
        return 0.5

    opt = optimizers.SGD(learning_rate=lr)
    vs = variables((1,))
    step(opt, vs, grads_like(vs))
    step(opt, vs, grads_like(vs))
    assert len(calls) == 2
    np.testing.assert_allclose(vs[0].numpy(), [0.0], atol=1e-7)


# -- variables ------------------------------------------------------------------------------
def test_slot_variables_are_named_after_the_reference_path():
    opt = optimizers.SGD(momentum=0.9, name="opt")
    vs = variables((2, 2), (2,))
    step(opt, vs, grads_like(vs))
    assert [v.path for v in opt.variables] == [
        "opt/iteration",
        "opt/learning_rate",
        "opt/dense_kernel_momentum",
        "opt/dense_bias_momentum",
    ]


def test_optimizer_variables_are_not_trainable():
    opt = optimizers.Adam()
    vs = variables((2,))
    step(opt, vs, grads_like(vs))
    assert not any(v.trainable for v in opt.variables)


def test_slots_take_the_dtype_of_their_variable():
    opt = optimizers.Adam()
    v = kb.Variable(np.ones(3), dtype="float64", name="w")
    opt.apply_gradients([(torch.ones(3, dtype=torch.float64), v)])
    assert {s.dtype for s in opt.variables[2:]} == {"float64"}


def test_default_name_is_the_snake_case_class_name():
    assert optimizers.RMSprop().name.startswith("rm_sprop")


def test_build_twice_does_not_duplicate_slots():
    opt = optimizers.Adam()
    vs = variables((2,))
    opt.build(vs)
    opt.build(vs)
    assert len(opt.variables) == 4


def test_unknown_variable_is_rejected():
    opt = optimizers.SGD()
    vs = variables((2,))
    step(opt, vs, grads_like(vs))
    other = kb.Variable(np.ones(2, "float32"), name="other")
    with pytest.raises(ValueError, match="Unknown variable"):
        step(opt, [other], grads_like([other]))


def test_apply_without_variables_requires_a_built_optimizer():
    with pytest.raises(ValueError, match="must already be built"):
        optimizers.SGD().apply([torch.ones(2)])


def test_apply_with_gradients_only_uses_the_built_variables():
    opt = optimizers.SGD(learning_rate=0.5)
    vs = variables((2,))
    opt.build(vs)
    opt.apply(grads_like(vs))
    np.testing.assert_allclose(vs[0].numpy(), [0.5, 0.5])


def test_missing_gradients_are_skipped_with_a_warning():
    opt = optimizers.SGD(learning_rate=0.5)
    vs = variables((2,), (2,))
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply_gradients([(torch.ones(2), vs[0]), (None, vs[1])])
    np.testing.assert_allclose(vs[1].numpy(), [1.0, 1.0])


def test_all_gradients_missing_raises():
    opt = optimizers.SGD()
    vs = variables((2,))
    with pytest.raises(ValueError, match="No gradients provided"):
        opt.apply_gradients([(None, vs[0])])


def test_numpy_and_float64_gradients_are_accepted():
    opt = optimizers.SGD(learning_rate=0.5)
    vs = variables((2,), (2,))
    opt.apply_gradients([(np.ones(2), vs[0]), (torch.ones(2, dtype=torch.float64), vs[1])])
    np.testing.assert_allclose([vs[0].numpy(), vs[1].numpy()], 0.5)


def test_gradients_passed_in_are_not_modified():
    opt = optimizers.SGD(clipvalue=0.1, loss_scale_factor=2.0)
    vs = variables((3,))
    grads = [torch.tensor([5.0, -5.0, 1.0])]
    step(opt, vs, grads)
    np.testing.assert_array_equal(grads[0].numpy(), [5.0, -5.0, 1.0])


def test_variables_of_different_dtypes_are_updated_together():
    opt = optimizers.Adam(learning_rate=0.1)
    a = kb.Variable(np.ones(2, "float32"), name="a")
    b = kb.Variable(np.ones(2, "float64"), name="b")
    opt.apply_gradients([(torch.ones(2), a), (torch.ones(2, dtype=torch.float64), b)])
    np.testing.assert_allclose(a.numpy(), 0.9, rtol=1e-5)
    np.testing.assert_allclose(b.numpy(), 0.9, rtol=1e-5)
    assert b.value.dtype == torch.float64


def test_model_parameters_keep_their_identity():
    opt = optimizers.Adam()
    vs = variables((2,))
    param = vs[0].value
    step(opt, vs, grads_like(vs))
    assert vs[0].value is param
    assert param.requires_grad


# -- clipping, weight decay, loss scaling, constraints ------------------------------------------
def test_clipnorm_clips_each_gradient_to_the_norm():
    opt = optimizers.SGD(learning_rate=1.0, clipnorm=1.0)
    vs = variables((4,), (4,))
    step(opt, vs, [torch.full((4,), 5.0), torch.full((4,), 0.1)])
    np.testing.assert_allclose(vs[0].numpy(), 1.0 - 0.5, rtol=1e-6)
    np.testing.assert_allclose(vs[1].numpy(), 1.0 - 0.1, rtol=1e-6)


def test_global_clipnorm_scales_all_gradients_together():
    opt = optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0)
    vs = variables((1,), (1,))
    step(opt, vs, [torch.tensor([3.0]), torch.tensor([4.0])])
    np.testing.assert_allclose([vs[0].numpy()[0], vs[1].numpy()[0]], [1.0 - 0.6, 1.0 - 0.8], rtol=1e-6)


def test_clipvalue_clips_elementwise():
    opt = optimizers.SGD(learning_rate=1.0, clipvalue=0.5)
    vs = variables((3,))
    step(opt, vs, [torch.tensor([2.0, -2.0, 0.25])])
    np.testing.assert_allclose(vs[0].numpy(), [0.5, 1.5, 0.75])


def test_only_one_clipping_argument_is_allowed():
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)


def test_weight_decay_is_decoupled_and_applied_before_the_update():
    opt = optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
    vs = variables((1,))
    step(opt, vs, [torch.tensor([2.0])])
    np.testing.assert_allclose(vs[0].numpy(), [1.0 * (1 - 0.5 * 0.1) - 0.1 * 2.0], rtol=1e-6)


def test_exclude_from_weight_decay_by_name():
    opt = optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    vs = variables((1,), (1,))
    step(opt, vs, [torch.zeros(1), torch.zeros(1)])
    np.testing.assert_allclose([vs[0].numpy()[0], vs[1].numpy()[0]], [0.95, 1.0], rtol=1e-6)


def test_exclude_from_weight_decay_by_variable():
    opt = optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    vs = variables((1,), (1,))
    opt.exclude_from_weight_decay(var_list=[vs[0]])
    step(opt, vs, [torch.zeros(1), torch.zeros(1)])
    np.testing.assert_allclose([vs[0].numpy()[0], vs[1].numpy()[0]], [1.0, 0.95], rtol=1e-6)


def test_loss_scale_factor_scales_the_loss_and_unscales_gradients():
    opt = optimizers.SGD(learning_rate=1.0, loss_scale_factor=4.0)
    vs = variables((1,))
    step(opt, vs, [torch.tensor([2.0])])
    assert float(opt.scale_loss(torch.tensor(3.0))) == 12.0
    np.testing.assert_allclose(vs[0].numpy(), [0.5])


def test_constraint_is_applied_after_the_update():
    opt = optimizers.SGD(learning_rate=1.0)
    vs = variables((2,))
    vs[0].constraint = constraints.NonNeg()
    step(opt, vs, [torch.tensor([3.0, 0.5])])
    np.testing.assert_allclose(vs[0].numpy(), [0.0, 0.5])


# -- gradient accumulation --------------------------------------------------------------------
def test_accumulation_updates_only_every_n_steps():
    opt = optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=3)
    vs = variables((1,))
    values = []
    for g in (1.0, 2.0, 6.0, 1.0):
        step(opt, vs, [torch.tensor([g])])
        values.append(float(vs[0].numpy()[0]))
    np.testing.assert_allclose(values, [1.0, 1.0, 1.0 - 3.0, 1.0 - 3.0])


def test_accumulation_iterations_count_updates():
    opt = optimizers.SGD(gradient_accumulation_steps=2)
    vs = variables((1,))
    for _ in range(5):
        step(opt, vs, grads_like(vs))
    assert int(opt.iterations) == 2
    assert int(opt._iterations) == 5


def test_accumulators_are_reset_after_an_update():
    opt = optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=2)
    vs = variables((1,))
    for _ in range(2):
        step(opt, vs, grads_like(vs))
    np.testing.assert_array_equal(opt._accumulated_gradients[0].numpy(), [0.0])


def test_accumulation_follows_an_assigned_iteration_count():
    opt = optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=2)
    vs = variables((1,))
    step(opt, vs, grads_like(vs))
    opt._iterations.assign(0)
    step(opt, vs, grads_like(vs))
    np.testing.assert_array_equal(vs[0].numpy(), [1.0])


def test_invalid_accumulation_steps_are_rejected():
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        optimizers.SGD(gradient_accumulation_steps=1)


# -- EMA ----------------------------------------------------------------------------------------
def test_ema_average_starts_at_the_first_updated_value():
    opt = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    vs = variables((1,))
    step(opt, vs, [torch.tensor([1.0])])
    np.testing.assert_allclose(opt._model_variables_moving_average[0].numpy(), [0.0])


def test_finalize_variable_values_writes_the_moving_average():
    opt = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    vs = variables((1,))
    step(opt, vs, [torch.tensor([1.0])])  # w = 0, average = 0
    step(opt, vs, [torch.tensor([-2.0])])  # w = 2, average = 0.5 * 0 + 0.5 * 2
    opt.finalize_variable_values(vs)
    np.testing.assert_allclose(vs[0].numpy(), [1.0])


def test_ema_overwrite_frequency_overwrites_the_variables():
    opt = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=2)
    vs = variables((1,))
    step(opt, vs, [torch.tensor([1.0])])
    step(opt, vs, [torch.tensor([-2.0])])
    np.testing.assert_allclose(vs[0].numpy(), [1.0])


def test_invalid_ema_momentum_is_rejected():
    with pytest.raises(ValueError, match="ema_momentum"):
        optimizers.SGD(use_ema=True, ema_momentum=1.5)


# -- config, weights, subclassing -------------------------------------------------------------
def test_get_config_round_trips_through_from_config():
    opt = optimizers.Adam(learning_rate=0.01, beta_1=0.8, clipnorm=2.0, name="my_adam")
    config = opt.get_config()
    assert optimizers.Adam.from_config(config).get_config() == config


def test_schedule_round_trips_through_the_optimizer_config():
    opt = optimizers.SGD(learning_rate=schedules.CosineDecay(0.1, 100, alpha=0.1))
    restored = optimizers.SGD.from_config(opt.get_config())
    assert isinstance(restored._learning_rate, schedules.CosineDecay)
    assert restored._learning_rate.get_config() == opt._learning_rate.get_config()


def test_unknown_constructor_argument_is_rejected():
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.Adam(foo=1)


def test_save_and_load_own_variables_round_trip():
    vs = variables((2,))
    opt = optimizers.Adam()
    step(opt, vs, grads_like(vs))
    store = {}
    opt.save_own_variables(store)
    fresh = optimizers.Adam()
    fresh.build(vs)
    fresh.load_own_variables(store)
    for a, b in zip(opt.variables, fresh.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_set_weights_assigns_in_order():
    vs = variables((2,))
    opt = optimizers.SGD(momentum=0.5)
    opt.build(vs)
    opt.set_weights([np.array(7, "int32"), np.array(0.3, "float32"), np.array([1.0, 2.0], "float32")])
    assert int(opt.iterations) == 7
    np.testing.assert_array_equal(opt.variables[2].numpy(), [1.0, 2.0])


def test_custom_optimizer_with_update_step_and_tracked_variables():
    class SignSGD(optimizers.Optimizer):
        def __init__(self, learning_rate=0.1, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)

        def build(self, variables):
            super().build(variables)
            self.counter = kb.Variable(0.0, name="counter", trainable=False)

        def update_step(self, gradient, variable, learning_rate):
            variable.assign(variable - learning_rate * torch.sign(gradient))
            self.counter.assign_add(1.0)

    opt = SignSGD()
    vs = variables((2,), (1,))
    step(opt, vs, [torch.tensor([3.0, -1.0]), torch.tensor([2.0])])
    np.testing.assert_allclose(vs[0].numpy(), [0.9, 1.1], rtol=1e-6)
    assert float(opt.counter) == 2.0
    assert opt.variables[-1] is opt.counter


def test_subclass_overriding_update_step_is_used_by_builtin_optimizers():
    class HalfAdam(optimizers.Adam):
        def update_step(self, gradient, variable, learning_rate):
            super().update_step(gradient * 0.5, variable, learning_rate)

    ours, reference = HalfAdam(), optimizers.Adam()
    a, b = variables((2,), scope="a"), variables((2,), scope="b")
    step(ours, a, [torch.tensor([2.0, -2.0])])
    step(reference, b, [torch.tensor([1.0, -1.0])])
    np.testing.assert_array_equal(a[0].numpy(), b[0].numpy())
    assert ours.get_config()["beta_1"] == 0.9


def test_forgetting_super_init_raises():
    class Broken(optimizers.Optimizer):
        def __init__(self):
            self.x = 1

    with pytest.raises(RuntimeError, match="super"):
        Broken()


def test_step_runs_without_autograd_recording():
    opt = optimizers.Adam()
    vs = variables((2,))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step(opt, vs, grads_like(vs))
    assert vs[0].value.grad_fn is None
