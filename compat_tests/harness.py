"""Helpers that keep differential tests against Keras 3 short.

A differential test builds the same thing twice, once with the real `keras` package (torch backend)
and once with kerasbridge, from one function that takes either module:

    def build(k):
        return k.Sequential([k.Input((4,)), k.layers.Dense(3)])

    keras_model, bridge_model = build_pair(build)      # fresh sessions, Keras's weights copied over
    assert_outputs_match(keras_model(x), bridge_model(x))

Tolerances (float32): forward outputs `OUTPUT_ATOL` / `OUTPUT_RTOL`, weights after training
`TRAINED_WEIGHTS_ATOL`. Everything compared is brought to numpy first, so a helper accepts torch
tensors, Keras or kerasbridge `Variable`s, numpy arrays and Python scalars, nested in lists, tuples
and dicts.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

import kerasbridge  # noqa: E402

OUTPUT_ATOL = 1e-5
OUTPUT_RTOL = 1e-5
TRAINED_WEIGHTS_ATOL = 2e-4
TRAINED_WEIGHTS_RTOL = 1e-4

LIBRARIES = (keras, kerasbridge)


def clear_sessions():
    """Resets both libraries' global state (automatic names, seeds), without a gc pass."""
    keras.utils.clear_session(free_memory=False)
    kerasbridge.utils.clear_session(free_memory=False)


def to_numpy(value):
    """`value` as numpy (recursively through lists, tuples and dicts); `None` stays `None`."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {key: to_numpy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_numpy(item) for item in value]
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy().copy()
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        return np.array(value.numpy(), copy=True)
    return np.asarray(value)


def to_torch(value, device=None):
    """A fresh torch tensor on kerasbridge's device (a numpy array or a tensor may be given)."""
    tensor = torch.as_tensor(np.array(to_numpy(value), copy=True))
    return tensor.to(device or kerasbridge.backend.get_device())


def build_pair(build, *, copy_weights=True, build_inputs=None):
    """Builds `build(keras)` then `build(kerasbridge)`, each in a fresh session.

    Args:
        build: a function of one argument, the library module (`keras` or `kerasbridge`), that
            returns a layer, a model or any other object.
        copy_weights: copy the Keras object's weights to the kerasbridge one with
            `get_weights()` / `set_weights()` (both objects must be built by then).
        build_inputs: optional input (array or list of arrays) that both objects are called on
            once before the weights are copied, for objects that build lazily.

    Returns:
        `(keras_object, kerasbridge_object)`.
    """
    keras.utils.clear_session(free_memory=False)
    keras_object = build(keras)
    kerasbridge.utils.clear_session(free_memory=False)
    bridge_object = build(kerasbridge)
    if build_inputs is not None:
        keras_object(_fresh(build_inputs))
        bridge_object(_fresh(build_inputs))
    if copy_weights and hasattr(keras_object, "get_weights"):
        copy_weights_across(keras_object, bridge_object)
    return keras_object, bridge_object


def _fresh(inputs):
    if isinstance(inputs, (list, tuple)):
        return [to_torch(item) for item in inputs]
    return to_torch(inputs)


def copy_weights_across(source, target):
    """`target.set_weights(source.get_weights())`, after checking both have the same layout."""
    assert_weight_layout_matches(source, target)
    target.set_weights([to_numpy(w) for w in source.get_weights()])


def weight_layout(obj):
    """`[(path, shape, trainable)]` of `obj.weights` in order: what must agree for weights to move."""
    return [(w.path, tuple(w.shape), bool(w.trainable)) for w in obj.weights]


def assert_weight_layout_matches(keras_object, bridge_object, *, check_paths=True):
    """Same number, order, shapes and trainability of weights (and paths, unless told not to)."""
    expected = weight_layout(keras_object)
    actual = weight_layout(bridge_object)
    if not check_paths:
        expected = [entry[1:] for entry in expected]
        actual = [entry[1:] for entry in actual]
    assert actual == expected, f"weights differ:\n  kerasbridge {actual}\n  keras       {expected}"


def assert_allclose(actual, expected, *, atol=OUTPUT_ATOL, rtol=OUTPUT_RTOL, what="value"):
    """Structure-aware `np.testing.assert_allclose` that also checks shapes and dtypes."""
    actual, expected = to_numpy(actual), to_numpy(expected)
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and sorted(actual) == sorted(expected), f"{what}: keys differ"
        for key in expected:
            assert_allclose(actual[key], expected[key], atol=atol, rtol=rtol, what=f"{what}[{key!r}]")
        return
    if isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{what}: lengths differ"
        for index, (a, e) in enumerate(zip(actual, expected)):
            assert_allclose(a, e, atol=atol, rtol=rtol, what=f"{what}[{index}]")
        return
    if expected is None:
        assert actual is None, f"{what}: expected None, got {actual!r}"
        return
    assert actual is not None, f"{what}: got None, expected {expected!r}"
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != keras {expected.shape}"
    assert actual.dtype == expected.dtype, f"{what}: dtype {actual.dtype} != keras {expected.dtype}"
    if expected.dtype == bool or not np.issubdtype(expected.dtype, np.number):
        np.testing.assert_array_equal(actual, expected, err_msg=what)
    else:
        np.testing.assert_allclose(actual, expected, atol=atol, rtol=rtol, err_msg=what)


def assert_outputs_match(keras_output, bridge_output, *, atol=OUTPUT_ATOL, rtol=OUTPUT_RTOL):
    """Forward outputs agree (float32 tolerance by default), in structure, shape and dtype."""
    assert_allclose(bridge_output, keras_output, atol=atol, rtol=rtol, what="output")


def output_mask(output):
    """The Keras mask attached to an eager output (`None` when there is none)."""
    return getattr(output, "_keras_mask", None)


def assert_masks_match(keras_output, bridge_output):
    """The masks attached to two eager outputs agree (both absent or equal)."""
    keras_mask, bridge_mask = output_mask(keras_output), output_mask(bridge_output)
    assert (bridge_mask is None) == (keras_mask is None), (
        f"mask: kerasbridge {'none' if bridge_mask is None else 'set'}, "
        f"keras {'none' if keras_mask is None else 'set'}"
    )
    if keras_mask is not None:
        np.testing.assert_array_equal(to_numpy(bridge_mask), to_numpy(keras_mask), err_msg="mask")


def normalize_config(value):
    """A config with tuples turned into lists, for comparisons that ignore list/tuple choice."""
    if isinstance(value, dict):
        return {key: normalize_config(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalize_config(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def assert_configs_match(keras_config, bridge_config, *, ignore=(), exact_sequences=True):
    """`get_config()` dicts agree: same keys, same values (Keras's nested serialization shape).

    Args:
        ignore: top-level keys left out of the comparison (say why at the call site).
        exact_sequences: when False, a tuple and a list with the same items count as equal.
    """
    keras_config = {k: v for k, v in keras_config.items() if k not in ignore}
    bridge_config = {k: v for k, v in bridge_config.items() if k not in ignore}
    missing = sorted(set(keras_config) - set(bridge_config))
    extra = sorted(set(bridge_config) - set(keras_config))
    assert not missing and not extra, f"config keys: missing {missing}, extra {extra}"
    if not exact_sequences:
        keras_config, bridge_config = normalize_config(keras_config), normalize_config(bridge_config)
    for key in keras_config:
        assert bridge_config[key] == keras_config[key], (
            f"config[{key!r}]: kerasbridge {bridge_config[key]!r} != keras {keras_config[key]!r}"
        )


def assert_serialized_match(keras_object, bridge_object, **kwargs):
    """`saving.serialize_keras_object` gives the same dict (module, class_name, config...)."""
    keras_dict = keras.saving.serialize_keras_object(keras_object)
    bridge_dict = kerasbridge.saving.serialize_keras_object(bridge_object)
    assert_configs_match(keras_dict, bridge_dict, **kwargs)


def assert_config_round_trips(obj, **kwargs):
    """`type(obj).from_config(obj.get_config())` rebuilds an object with the same config."""
    config = obj.get_config()
    rebuilt = type(obj).from_config(config)
    assert_configs_match(config, rebuilt.get_config(), **kwargs)
    return rebuilt


def assert_output_shapes_match(keras_layer, bridge_layer, input_shape):
    """`compute_output_shape(input_shape)` agrees (tuples; lists of tuples for several outputs)."""
    expected = keras_layer.compute_output_shape(input_shape)
    actual = bridge_layer.compute_output_shape(input_shape)
    assert normalize_config(actual) == normalize_config(expected), (
        f"compute_output_shape{input_shape}: kerasbridge {actual} != keras {expected}"
    )


def symbolic_output_shapes(lib, layer, input_shapes, dtypes=None):
    """Shapes of `layer` called on `lib.Input`s with a `None` batch dimension (nested lists)."""
    dtypes = dtypes or [None] * len(input_shapes)
    inputs = [lib.Input(batch_shape=(None, *shape[1:]), dtype=dtype) for shape, dtype in zip(input_shapes, dtypes)]
    outputs = layer(inputs[0] if len(inputs) == 1 else inputs)
    return normalize_config(lib.tree.map_structure(lambda t: tuple(t.shape), outputs))


def assert_counts_and_names_match(keras_object, bridge_object):
    """`count_params()` and the automatic `name` agree."""
    assert bridge_object.name == keras_object.name, f"name {bridge_object.name!r} != keras {keras_object.name!r}"
    assert bridge_object.count_params() == keras_object.count_params(), "count_params differs"


def fit_trajectories(build, x, y, *, compile_kwargs, epochs=2, batch_size=4, **fit_kwargs):
    """Trains `build(k)` in both libraries from the same weights, `shuffle=False`.

    Returns:
        `(keras_result, bridge_result)`, each a dict with `history` (the History dict), `weights`
        (the model's weights after training, numpy) and `model`.
    """
    results = []
    models = build_pair(build)
    for lib, model in zip(LIBRARIES, models):
        kwargs = dict(compile_kwargs)
        if callable(kwargs.get("optimizer")):
            kwargs["optimizer"] = kwargs["optimizer"](lib)
        model.compile(**kwargs)
        history = model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0, **fit_kwargs)
        results.append({"history": history.history, "weights": to_numpy(model.get_weights()), "model": model})
    return tuple(results)


def assert_trajectories_match(keras_result, bridge_result, *, loss_atol=OUTPUT_ATOL * 10):
    """The History of both runs has the same keys and values, and the trained weights agree."""
    keras_history, bridge_history = keras_result["history"], bridge_result["history"]
    assert sorted(bridge_history) == sorted(keras_history), (
        f"history keys {sorted(bridge_history)} != keras {sorted(keras_history)}"
    )
    for key, values in keras_history.items():
        np.testing.assert_allclose(
            np.asarray(bridge_history[key], dtype="float64"), np.asarray(values, dtype="float64"),
            atol=loss_atol, rtol=OUTPUT_RTOL * 10, err_msg=f"history[{key!r}]",
        )
    assert_allclose(bridge_result["weights"], keras_result["weights"], atol=TRAINED_WEIGHTS_ATOL,
                    rtol=TRAINED_WEIGHTS_RTOL, what="trained weights")


def gradient_step(lib, layer, inputs, *, learning_rate=0.1, call_kwargs=None):
    """One SGD step on `mean(output**2) + sum(layer.losses)`; returns the input gradients.

    The same inputs and weights give the same gradient in both libraries when forward and backward
    agree; the weights after the step are then compared by the caller.
    """
    tensors = [to_torch(item) for item in inputs]
    tensors = [t.requires_grad_() if torch.is_floating_point(t) else t for t in tensors]
    output = layer(tensors[0] if len(tensors) == 1 else tensors, training=True, **(call_kwargs or {}))
    flat = [t for t in lib.tree.flatten(output) if torch.is_floating_point(t)]
    loss = sum(torch.mean(t.float() ** 2) for t in flat)
    for extra in layer.losses:
        loss = loss + torch.as_tensor(extra)
    variables = list(layer.trainable_weights)
    differentiable = [t for t in tensors if t.requires_grad]
    grads = torch.autograd.grad(loss, [v.value for v in variables] + differentiable, allow_unused=True)
    weight_grads, input_grads = grads[: len(variables)], grads[len(variables):]
    if variables:
        optimizer = lib.optimizers.SGD(learning_rate=learning_rate)
        pairs = [(g if g is not None else torch.zeros_like(v.value), v) for g, v in zip(weight_grads, variables)]
        optimizer.apply_gradients(pairs)
    return [to_numpy(g) if g is not None else None for g in input_grads]
