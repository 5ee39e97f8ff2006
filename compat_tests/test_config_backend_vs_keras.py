"""Differential tests: kerasbridge.config and kerasbridge.backend read and change settings as Keras does."""

import inspect
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge  # noqa: E402

LIBS = (keras, kerasbridge)


@pytest.fixture(autouse=True)
def _restore_settings():
    saved = [(lib.config.floatx(), lib.config.epsilon(), lib.config.image_data_format(),
              lib.config.dtype_policy().name) for lib in LIBS]
    yield
    for lib, (floatx, epsilon, data_format, policy) in zip(LIBS, saved):
        lib.config.set_floatx(floatx)
        lib.config.set_epsilon(epsilon)
        lib.config.set_image_data_format(data_format)
        lib.config.set_dtype_policy(policy)
        lib.config.enable_interactive_logging()
        lib.config.enable_flash_attention()
        lib.config.enable_traceback_filtering()
        lib.config.set_max_epochs(None)
        lib.config.set_max_steps_per_epoch(None)


def _both(call):
    return [call(lib) for lib in LIBS]


# (id, call(lib)) returning a value that must be equal for keras and kerasbridge.
CONFIG_CASES = [
    ("backend", lambda k: k.config.backend()),
    ("floatx_default", lambda k: k.config.floatx()),
    ("set_floatx", lambda k: (k.config.set_floatx("float64"), k.config.floatx())),
    ("set_floatx_float16", lambda k: (k.config.set_floatx("float16"), k.config.floatx())),
    ("epsilon_default", lambda k: k.config.epsilon()),
    ("set_epsilon", lambda k: (k.config.set_epsilon(1e-5), k.config.epsilon())),
    ("image_data_format", lambda k: k.config.image_data_format()),
    ("set_image_data_format", lambda k: (k.config.set_image_data_format("channels_first"),
                                         k.config.image_data_format())),
    ("dtype_policy_default", lambda k: (k.config.dtype_policy().name, k.config.dtype_policy().compute_dtype)),
    ("set_dtype_policy_mixed", lambda k: (k.config.set_dtype_policy("mixed_float16"), k.config.dtype_policy().name,
                                          k.config.dtype_policy().compute_dtype,
                                          k.config.dtype_policy().variable_dtype)),
    ("set_dtype_policy_bf16", lambda k: (k.config.set_dtype_policy("bfloat16"), k.config.dtype_policy().name,
                                         k.config.dtype_policy().variable_dtype)),
    ("interactive_logging", lambda k: (k.config.is_interactive_logging_enabled(),
                                       k.config.disable_interactive_logging(),
                                       k.config.is_interactive_logging_enabled(),
                                       k.config.enable_interactive_logging(),
                                       k.config.is_interactive_logging_enabled())),
    ("flash_attention", lambda k: (k.config.is_flash_attention_enabled(), k.config.disable_flash_attention(),
                                   k.config.is_flash_attention_enabled(), k.config.enable_flash_attention(),
                                   k.config.is_flash_attention_enabled())),
    ("traceback_filtering", lambda k: (k.config.is_traceback_filtering_enabled(),
                                       k.config.disable_traceback_filtering(),
                                       k.config.is_traceback_filtering_enabled(),
                                       k.config.enable_traceback_filtering(),
                                       k.config.is_traceback_filtering_enabled())),
    ("nnx", lambda k: k.config.is_nnx_enabled()),
    ("max_epochs", lambda k: (k.config.max_epochs(), k.config.set_max_epochs(3), k.config.max_epochs())),
    ("max_steps_per_epoch", lambda k: (k.config.max_steps_per_epoch(), k.config.set_max_steps_per_epoch(7),
                                       k.config.max_steps_per_epoch())),
    ("set_backend_signature", lambda k: str(inspect.signature(k.config.set_backend))),
]


@pytest.mark.parametrize("call", [c[1] for c in CONFIG_CASES], ids=[c[0] for c in CONFIG_CASES])
def test_config_matches_keras(call):
    oracle, bridge = _both(call)
    assert bridge == oracle


@pytest.mark.parametrize("bad", [("set_floatx", "int32"), ("set_image_data_format", "nchw"),
                                 ("set_dtype_policy", 42)])
def test_config_setters_reject_what_keras_rejects(bad):
    name, value = bad
    for lib in LIBS:
        with pytest.raises((ValueError, TypeError)):
            getattr(lib.config, name)(value)


def test_set_backend_accepts_torch_and_rejects_others():
    assert str(inspect.signature(keras.config.set_backend)) == str(inspect.signature(kerasbridge.config.set_backend))
    kerasbridge.config.set_backend("torch")
    assert os.environ["KERAS_BACKEND"] == "torch" and kerasbridge.config.backend() == keras.config.backend()
    with pytest.raises(ValueError, match="torch"):
        kerasbridge.config.set_backend("jax")


def test_enable_unsafe_deserialization_turns_safe_mode_off_in_both():
    from keras.src.backend.common import global_state
    from keras.src.saving import serialization_lib

    from kerasbridge.saving import safe_mode

    before = (global_state.get_global_attribute("safe_mode_saving"), safe_mode._global_safe_mode)
    try:
        keras.config.enable_unsafe_deserialization()
        kerasbridge.config.enable_unsafe_deserialization()
        assert serialization_lib.in_safe_mode() is False
        assert safe_mode.in_safe_mode() is False
    finally:
        global_state.set_global_attribute("safe_mode_saving", before[0])
        safe_mode._global_safe_mode = before[1]


def test_max_epochs_signature_and_values_round_trip():
    for value in (None, 1, 12):
        oracle, bridge = _both(lambda k, v=value: (k.config.set_max_epochs(v), k.config.max_epochs()))
        assert bridge == oracle


DTYPES = ["float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16",
          "uint32", "bool", "complex64"]
STANDARDIZE_INPUTS = ["int", "float32", "float64", "bool", float, int, bool, np.float32, np.int64,
                      np.dtype("float16"), torch.float32, torch.int64, torch.bfloat16, None]


def test_backend_settings_match_keras():
    assert kerasbridge.backend.backend() == keras.backend.backend()
    assert kerasbridge.backend.floatx() == keras.backend.floatx()
    assert kerasbridge.backend.epsilon() == keras.backend.epsilon()
    assert kerasbridge.backend.image_data_format() == keras.backend.image_data_format()
    for lib in LIBS:
        lib.backend.set_floatx("float16")
        lib.backend.set_epsilon(1e-4)
        lib.backend.set_image_data_format("channels_first")
    assert kerasbridge.backend.floatx() == keras.backend.floatx() == "float16"
    assert kerasbridge.backend.epsilon() == keras.backend.epsilon() == 1e-4
    assert kerasbridge.backend.image_data_format() == keras.backend.image_data_format() == "channels_first"


def test_backend_dtype_predicates_match_keras():
    for dtype in DTYPES:
        for name in ("is_float_dtype", "is_int_dtype"):
            assert getattr(kerasbridge.backend, name)(dtype) == getattr(keras.backend, name)(dtype), (name, dtype)


def test_backend_standardize_dtype_matches_keras():
    for value in STANDARDIZE_INPUTS:
        assert kerasbridge.backend.standardize_dtype(value) == keras.backend.standardize_dtype(value), value


def test_backend_result_type_matches_keras():
    pairs = [(a, b) for a in DTYPES if a != "complex64" for b in DTYPES if b != "complex64"]
    for a, b in pairs:
        assert kerasbridge.backend.result_type(a, b) == keras.backend.result_type(a, b), (a, b)
    for dtypes in [("int32", "float16", "bool"), ("uint8", "int8"), ("float32",), ("int64", "bfloat16")]:
        assert kerasbridge.backend.result_type(*dtypes) == keras.backend.result_type(*dtypes), dtypes


def test_backend_is_keras_tensor_matches_keras():
    cases = [lambda k: k.Input((3,)), lambda k: k.layers.Dense(2)(k.Input((3,))), lambda k: np.ones(3),
             lambda k: torch.ones(3), lambda k: 1.0]
    for make in cases:
        oracle, bridge = _both(lambda k, make=make: k.backend.is_keras_tensor(make(k)))
        assert bridge == oracle


def test_backend_get_uid_and_clear_session_match_keras():
    results = []
    for lib in LIBS:
        lib.backend.clear_session()
        uids = [lib.backend.get_uid("dense"), lib.backend.get_uid("dense"), lib.backend.get_uid("conv")]
        lib.backend.clear_session()
        uids.append(lib.backend.get_uid("dense"))
        results.append(uids)
    assert results[0] == results[1]


def test_max_epochs_and_max_steps_per_epoch_cap_fit_and_evaluate_like_keras():
    import warnings

    x = np.random.default_rng(4).standard_normal((12, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    results = []
    for lib in LIBS:
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(1, kernel_initializer="zeros")])
        model.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse")
        lib.config.set_max_epochs(2)
        lib.config.set_max_steps_per_epoch(3)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            history = model.fit(x, y, batch_size=2, epochs=5, shuffle=False, verbose=0)
            evaluated = model.evaluate(x, y, batch_size=2, verbose=0)
        limits = sorted({str(w.message) for w in caught if "Limiting" in str(w.message)})
        results.append((history.history["loss"], float(evaluated), limits, model.optimizer.iterations.numpy()))
    assert len(results[0][0]) == len(results[1][0]) == 2
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-5)
    assert results[1][1] == pytest.approx(results[0][1], rel=1e-5)
    assert results[1][2] == results[0][2]
    assert int(results[1][3]) == int(results[0][3]) == 6
