"""Functional models with `keras.ops` nodes: configs identical to Keras's, archives loading both ways.

Keras saves a symbolic op call as an operation class (`NotEqual`, `Mean`, `Cast`, ...) in
`keras.src.ops.<module>` with the constructor arguments as config; kerasbridge must write the
same and rebuild Keras's files onto its own ops. Predictions compared with atol 1e-5.
"""

import importlib
import inspect
import json
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kerasbridge as kb  # noqa: E402
from kerasbridge.saving.keras_op_names import KERAS_OP_CLASSES  # noqa: E402

ATOL = 1e-5
RNG = np.random.default_rng(5)


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.utils.clear_session(free_memory=False)
    kb.utils.clear_session(free_memory=False)
    yield


def _masked_lstm(K):
    ids = K.Input((6,), dtype="int32")
    embedded = K.layers.Embedding(10, 4)(ids)
    mask = K.ops.not_equal(ids, 0)
    any_token = K.ops.cast(K.ops.any(mask, axis=-1, keepdims=True), "float32")
    h = K.layers.LSTM(3)(embedded, mask=mask)
    return K.Model(ids, K.ops.add(h, any_token))


def _float_input(K, body, shape=(4, 3)):
    x = K.Input(shape)
    return K.Model(x, body(K, x))


OP_MODELS = {
    "add": lambda K, x: K.ops.add(x, K.layers.Dense(3)(x)),
    "multiply": lambda K, x: K.ops.multiply(K.layers.Dense(3)(x), 0.5),
    "cast": lambda K, x: K.ops.cast(K.ops.greater(K.layers.Dense(3)(x), 0.0), "float32"),
    "expand_dims": lambda K, x: K.ops.expand_dims(K.layers.Dense(2)(x), axis=1),
    "mean": lambda K, x: K.ops.mean(K.layers.Dense(3)(x), axis=1),
    "subtract_sum": lambda K, x: K.ops.sum(K.ops.subtract(x, K.layers.Dense(3)(x)), axis=-1, keepdims=True),
    "reshape_transpose": lambda K, x: K.ops.transpose(K.ops.reshape(x, (-1, 3, 4)), axes=(0, 2, 1)),
    "concatenate": lambda K, x: K.ops.concatenate([x, K.layers.Dense(2)(x)], axis=-1),
    "where_clip": lambda K, x: K.ops.where(K.ops.greater(x, 0.0), K.ops.clip(x, 0.1, 0.5), x),
    "matmul_softmax": lambda K, x: K.ops.softmax(K.ops.matmul(x, K.ops.transpose(x, (0, 2, 1))), axis=-1),
    "sqrt_max_squeeze": lambda K, x: K.ops.squeeze(K.ops.max(K.ops.sqrt(K.ops.abs(x)), axis=1, keepdims=True), 1),
}


def _op_layer_configs(model):
    return [json.dumps(c, sort_keys=True) for c in model.get_config()["layers"]
            if c.get("module", "").startswith("keras.src.ops.")]


def _assert_round_trips(k_model, b_model, data, tmp_path):
    b_model.set_weights(k_model.get_weights())
    expected = k_model.predict(data, verbose=0)
    np.testing.assert_allclose(b_model.predict(data, verbose=0), expected, atol=ATOL)
    k_model.save(tmp_path / "from_keras.keras")
    b_model.save(tmp_path / "from_kerasbridge.keras")
    loaded_in_kb = kb.models.load_model(tmp_path / "from_keras.keras")
    loaded_in_keras = keras.models.load_model(tmp_path / "from_kerasbridge.keras")
    np.testing.assert_allclose(loaded_in_kb.predict(data, verbose=0), expected, atol=ATOL)
    np.testing.assert_allclose(loaded_in_keras.predict(data, verbose=0), expected, atol=ATOL)
    assert _op_layer_configs(loaded_in_kb) == _op_layer_configs(k_model)


def test_masked_lstm_with_op_nodes_moves_both_ways(tmp_path):
    k_model, b_model = _masked_lstm(keras), _masked_lstm(kb)
    ops_written = _op_layer_configs(b_model)
    assert ops_written == _op_layer_configs(k_model)
    assert {json.loads(c)["class_name"] for c in ops_written} == {"NotEqual", "Any", "Cast", "Add"}
    data = np.array([[1, 2, 0, 0, 0, 0], [3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 0, 0]], dtype="int32")
    _assert_round_trips(k_model, b_model, data, tmp_path)


@pytest.mark.parametrize("case", sorted(OP_MODELS))
def test_op_nodes_configs_match_keras_and_archives_move_both_ways(tmp_path, case):
    k_model = _float_input(keras, OP_MODELS[case])
    b_model = _float_input(kb, OP_MODELS[case])
    assert _op_layer_configs(b_model) == _op_layer_configs(k_model)
    assert _op_layer_configs(b_model), "the model must contain op nodes"
    data = RNG.normal(size=(2, 4, 3)).astype("float32")
    _assert_round_trips(k_model, b_model, data, tmp_path)


def test_op_table_matches_keras_operation_classes():
    """Every row names a Keras class whose constructor and `call` take exactly the listed parameters."""
    from keras.src.ops.operation import Operation

    for class_name, (module, function_name, call_params, init_params) in KERAS_OP_CLASSES.items():
        keras_module = importlib.import_module(f"keras.src.ops.{module}")
        cls = getattr(keras_module, class_name)
        assert issubclass(cls, Operation), class_name
        keras_init = [p for p in inspect.signature(cls.__init__).parameters if p not in ("self", "name", "args", "kwargs")]
        keras_call = [p for p in inspect.signature(cls.call).parameters if p not in ("self", "kwargs")]
        assert tuple(keras_init) == init_params, class_name
        assert tuple(keras_call) == call_params, class_name
        keras_fn = getattr(keras_module, function_name)
        assert class_name in inspect.getsource(keras_fn), (class_name, function_name)


def test_op_aliases_are_keras_aliases():
    """`abs` & co. are recorded by Keras as the operation of the function they forward to."""
    from kerasbridge.saving.keras_op_names import KERAS_OP_ALIASES

    for alias, (_module, function_name) in KERAS_OP_ALIASES.items():
        keras_alias = getattr(keras.ops, alias)
        assert keras_alias is getattr(keras.ops, function_name) or f"{function_name}(" in inspect.getsource(
            keras_alias
        ), alias
