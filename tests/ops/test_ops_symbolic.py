import numpy as np
import pytest

import kerasbridge as keras
from kerasbridge import ops
from kerasbridge.ops.keras_tensor import KerasTensor


def test_symbolic_call_returns_keras_tensor_with_inferred_shape():
    out = ops.matmul(KerasTensor((None, 4)), np.ones((4, 3), "float32"))
    assert isinstance(out, KerasTensor) and out.shape == (None, 3)


def test_symbolic_call_records_a_graph_node():
    x = KerasTensor((2, 3))
    out = ops.exp(x)
    operation = out._keras_history.operation
    assert operation._inbound_nodes[0].input_tensors == [x]


def test_symbolic_dtype_follows_promotion():
    out = ops.true_divide(KerasTensor((2,), dtype="int32"), KerasTensor((2,), dtype="int32"))
    assert out.dtype == "float32"


def test_symbolic_keyword_tensor_is_detected():
    out = ops.where(condition=KerasTensor((None, 2), dtype="bool"), x1=1.0, x2=0.0)
    assert isinstance(out, KerasTensor) and out.shape == (None, 2)


def test_symbolic_list_of_tensors():
    out = ops.concatenate([KerasTensor((None, 2)), KerasTensor((None, 3))], axis=-1)
    assert out.shape == (None, 5)


def test_symbolic_multiple_outputs():
    values, indices = ops.top_k(KerasTensor((None, 10)), 3)
    assert values.shape == (None, 3) and indices.dtype == "int64"


def test_symbolic_conv_shape_with_same_padding():
    out = ops.conv(KerasTensor((None, 9, 8, 3)), np.ones((3, 3, 3, 4), "float32"), strides=2, padding="same")
    assert out.shape == (None, 5, 4, 4)


def test_keras_tensor_operators_use_ops():
    x = KerasTensor((None, 3), dtype="int32")
    out = (x + 1) * 2.5
    assert out.shape == (None, 3) and out.dtype == "float32"


def test_keras_tensor_indexing_and_transpose():
    x = KerasTensor((None, 3, 4))
    assert x[:, 0].shape == (None, 4)
    assert x.T.shape == (4, 3, None)


def test_shape_of_symbolic_tensor_keeps_unknown_dims():
    assert ops.shape(KerasTensor((None, 3))) == (None, 3)


def test_convert_to_numpy_of_symbolic_tensor_raises():
    with pytest.raises(ValueError, match="symbolic"):
        ops.convert_to_numpy(KerasTensor((2,)))


def test_symbolic_cond_uses_true_branch_spec():
    out = ops.cond(KerasTensor((), dtype="bool"), lambda: ops.ones((2,)), lambda: ops.zeros((2,)))
    assert isinstance(out, KerasTensor) and out.shape == (2,)


def test_layers_with_weights_infer_shapes_on_meta_without_arithmetic(monkeypatch):
    # The real-tensor fallback would run each layer on a batch of ones; here it must never be needed.
    from kerasbridge.ops import symbolic

    real_ones = symbolic._to_concrete

    def refuse_real_tensors(x, fill, device):
        assert device == "meta", "a layer fell back to computing on real tensors"
        return real_ones(x, fill, device)

    monkeypatch.setattr(symbolic, "_to_concrete", refuse_real_tensors)
    layers = keras.layers
    image = keras.Input((8, 8, 3))
    y = layers.Conv2D(4, 3)(image)
    y = layers.BatchNormalization()(y)
    y = layers.DepthwiseConv2D(3)(y)
    y = layers.Dense(5)(y)
    y = layers.LayerNormalization()(y)
    assert y.shape == (None, 4, 4, 5)
    sequence = keras.Input((4, 2))
    assert layers.LSTM(3)(sequence).shape == (None, 3)
    assert layers.MultiHeadAttention(2, 3)(sequence, sequence).shape == (None, 4, 2)
    assert layers.Embedding(10, 3)(keras.Input((4,), dtype="int32")).shape == (None, 4, 3)
