"""Differential tests: top-level names (`keras.Function`, `keras.KerasTensor`, scopes, policies, ...) behave as Keras's."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge  # noqa: E402

LIBS = (keras, kerasbridge)
X = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")


@pytest.fixture(autouse=True)
def _fresh_names():
    keras.utils.clear_session(free_memory=False)
    kerasbridge.utils.clear_session(free_memory=False)


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _graph(lib):
    x = lib.Input((3,), name="x")
    hidden = lib.layers.Dense(5, name="hidden")(x)
    out = lib.ops.relu(hidden)
    return x, hidden, out


def test_function_runs_the_graph_like_keras():
    (kx, kh, ko), (bx, bh, bo) = _graph(keras), _graph(kerasbridge)
    kf, bf = keras.Function(kx, [kh, ko]), kerasbridge.Function(bx, [bh, bo])
    k_dense = [op for op in kf.operations if isinstance(op, keras.layers.Dense)][0]
    b_dense = [op for op in bf.operations if isinstance(op, kerasbridge.layers.Dense)][0]
    b_dense.set_weights(k_dense.get_weights())
    assert [type(op).__name__ for op in kf.operations] == [type(op).__name__ for op in bf.operations]
    assert kf.name == bf.name
    for k_out, b_out in zip(kf(X), bf(X)):
        np.testing.assert_allclose(_np(b_out), _np(k_out), atol=1e-5)
    assert bf.compute_output_shape((7, 3)) == kf.compute_output_shape((7, 3))
    k_spec, b_spec = kf.compute_output_spec(keras.KerasTensor((2, 3))), bf.compute_output_spec(
        kerasbridge.KerasTensor((2, 3)))
    assert [tuple(s.shape) for s in b_spec] == [tuple(s.shape) for s in k_spec]


def test_function_with_dict_io_like_keras():
    results = []
    for lib in LIBS:
        x, _, out = _graph(lib)
        f = lib.Function({"x": x}, {"y": out})
        result = f({"x": X})
        results.append((sorted(result), tuple(result["y"].shape)))
        with pytest.raises(ValueError):
            lib.Function([], [out])
    assert results[0] == results[1]


def test_keras_tensor_attributes_match():
    for shape, dtype in [((None, 3), "float32"), ((2, 4, 5), "int32"), ((), "bool")]:
        k, b = keras.KerasTensor(shape, dtype=dtype), kerasbridge.KerasTensor(shape, dtype=dtype)
        assert (tuple(b.shape), b.dtype, b.ndim) == (tuple(k.shape), k.dtype, k.ndim)
        assert keras.backend.is_keras_tensor(k) and kerasbridge.backend.is_keras_tensor(b)


def test_input_spec_fields_match():
    k = keras.InputSpec(ndim=2, axes={-1: 3}, dtype="float32")
    b = kerasbridge.InputSpec(ndim=2, axes={-1: 3}, dtype="float32")
    k_config, b_config = k.get_config(), b.get_config()
    for key in ("dtype", "shape", "ndim", "max_ndim", "min_ndim", "axes"):
        assert b_config[key] == k_config[key], key


def test_dtype_policy_classes_match():
    for name in ("float32", "float16", "bfloat16", "mixed_float16", "mixed_bfloat16"):
        k, b = keras.DTypePolicy(name), kerasbridge.DTypePolicy(name)
        assert (b.name, b.compute_dtype, b.variable_dtype) == (k.name, k.compute_dtype, k.variable_dtype)
        k, b = keras.FloatDTypePolicy(name), kerasbridge.FloatDTypePolicy(name)
        assert (b.name, b.compute_dtype, b.variable_dtype) == (k.name, k.compute_dtype, k.variable_dtype)


def test_initializer_base_class_subclasses_alike():
    values = []
    for lib in LIBS:
        class Twos(lib.Initializer):
            def __call__(self, shape, dtype=None, _lib=lib):
                return _lib.ops.full(shape, 2.0, dtype=dtype)

            def get_config(self):
                return {}

        layer = lib.layers.Dense(2, kernel_initializer=Twos())
        layer.build((None, 3))
        values.append((_np(layer.kernel), Twos.from_config(Twos().get_config()).get_config()))
    np.testing.assert_array_equal(values[1][0], values[0][0])
    assert values[1][1] == values[0][1]


def test_regularizer_base_class_subclasses_alike():
    losses = []
    for lib in LIBS:
        class SumSquares(lib.Regularizer):
            def __call__(self, x, _lib=lib):
                return 0.5 * _lib.ops.sum(_lib.ops.square(x))

        layer = lib.layers.Dense(2, kernel_regularizer=SumSquares(), kernel_initializer="ones")
        layer(X)
        losses.append(float(_np(layer.losses[0])))
    assert losses[1] == pytest.approx(losses[0], abs=1e-6)


def test_quantizer_base_class_matches():
    for lib in LIBS:
        q = lib.Quantizer(output_dtype="int4")
        assert q.output_dtype == "int4"
        np.testing.assert_array_equal(_np(q(X)), X)
        with pytest.raises(NotImplementedError):
            q.get_config()
    assert keras.Quantizer.from_config({"output_dtype": "int8"}).output_dtype == \
        kerasbridge.Quantizer.from_config({"output_dtype": "int8"}).output_dtype


def test_symbolic_scope_enters_and_exits_like_keras():
    from keras.src.backend.common.symbolic_scope import in_symbolic_scope as keras_in_scope

    from kerasbridge.backend.symbolic_scope import in_symbolic_scope as bridge_in_scope

    states = []
    with keras.SymbolicScope(), kerasbridge.SymbolicScope():
        states.append((keras_in_scope(), bridge_in_scope()))
    states.append((keras_in_scope(), bridge_in_scope()))
    assert states == [(True, True), (False, False)]


def test_remat_gives_the_same_values_and_gradients():
    grads = []
    for lib in LIBS:
        x = torch.tensor(X, requires_grad=True)
        f = lib.remat(lambda t: torch.tanh(t) * t)
        y = f(x)
        y.sum().backward()
        grads.append((_np(y), _np(x.grad)))
    np.testing.assert_allclose(grads[1][0], grads[0][0], atol=1e-6)
    np.testing.assert_allclose(grads[1][1], grads[0][1], atol=1e-6)


def test_remat_scope_arguments_match():
    for lib in LIBS:
        with lib.RematScope(mode="larger_than", output_size_threshold=16) as scope:
            assert (scope.mode, scope.output_size_threshold, scope.layer_names) == ("larger_than", 16, [])
        with pytest.raises(ValueError, match="Invalid mode"):
            lib.RematScope(mode="sometimes")


def test_device_and_name_scope_place_and_name_variables_alike():
    results = []
    for lib in LIBS:
        with lib.device("cpu"):
            variable = lib.Variable(np.ones(2, "float32"))
        with lib.name_scope("outer"):
            layer = lib.layers.Dense(2, name="inner")
            layer.build((None, 3))
        results.append((str(variable.value.device), layer.kernel.path))
    assert results[0] == results[1]


def test_loss_and_operation_base_classes_subclass_alike():
    results = []
    for lib in LIBS:
        class AbsError(lib.Loss):
            def call(self, y_true, y_pred, _lib=lib):
                return _lib.ops.abs(y_true - y_pred)

        class Double(lib.Operation):
            def call(self, x):
                return x * 2

        loss = AbsError()
        results.append((float(_np(loss(np.ones((2, 3), "float32"), X[:2]))), loss.get_config(),
                        _np(Double()(torch.tensor(X)))))
    assert results[1][0] == pytest.approx(results[0][0], abs=1e-6)
    assert results[1][1] == results[0][1]
    np.testing.assert_allclose(results[1][2], results[0][2])


def test_version_is_a_function_returning_a_version_string():
    for lib in LIBS:
        assert callable(lib.version)
        assert lib.version() == lib.__version__
        assert all(part.isdigit() for part in lib.version().split(".")[:2])
