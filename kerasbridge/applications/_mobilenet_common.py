"""Helpers shared by MobileNetV2 and MobileNetV3: channel rounding and input-tensor checks."""

from __future__ import annotations

from kerasbridge.applications import _zoo


def make_divisible(value, divisor=8, min_value=None):
    """Rounds a channel count to the nearest multiple of `divisor`, never dropping below 90% of `value`.

    Args:
        value: The (possibly fractional) channel count.
        divisor: The multiple to round to.
        min_value: Smallest allowed result; defaults to `divisor`.

    Returns:
        An integer channel count.
    """
    if min_value is None:
        min_value = divisor
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return rounded


def check_input_tensor_matches(input_tensor, input_shape, v3_wording=False):
    """Raises ValueError unless `input_tensor` is a Keras tensor whose width equals `input_shape`'s.

    Args:
        input_tensor: The `input_tensor` argument.
        input_shape: The `input_shape` argument (without the batch axis).
        v3_wording: Use MobileNetV3's error wording instead of MobileNetV2's.
    """
    from kerasbridge.utils.source_inputs import is_keras_tensor

    if not is_keras_tensor(input_tensor):
        if v3_wording:
            raise ValueError(f"input_tensor specified: {input_tensor} is not a keras tensor")
        raise ValueError(f"input_tensor is not a Keras tensor; Received `input_tensor={input_tensor}`")
    tensor_width = input_tensor.shape[2] if _zoo.channels_last() else input_tensor.shape[1]
    if tensor_width == input_shape[1]:
        return
    if v3_wording:
        if _zoo.channels_last():
            raise ValueError(
                f"input_shape[1] must equal input_tensor.shape[2].  Received input_shape={input_shape}, "
                f"input_tensor.shape={input_tensor.shape}"
            )
        raise ValueError(
            "When backend.image_data_format()=channels_first, input_shape[1] must equal input_tensor.shape[1].  "
            f"Received input_shape={input_shape}, input_tensor.shape={input_tensor.shape}"
        )
    if _zoo.channels_last():
        raise ValueError(
            f"input_tensor.shape[2] must equal input_shape[1]; Received `input_tensor.shape={input_tensor.shape}`, "
            f"`input_shape={input_shape}`"
        )
    raise ValueError(
        "input_shape[1] must equal shape(input_tensor)[1] when `image_data_format` is `channels_first`; "
        f"Received `input_tensor.shape={input_tensor.shape}`, `input_shape={input_shape}`"
    )
