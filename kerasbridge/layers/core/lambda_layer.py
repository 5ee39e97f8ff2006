"""`Lambda`: wrap an arbitrary function as a layer."""

from __future__ import annotations

import codecs
import inspect
import marshal
import types

from kerasbridge.layers.layer import Layer
from kerasbridge.utils import tree


class Lambda(Layer):
    """Wraps an arbitrary expression as a `Layer`.

    Meant for simple stateless operations in a `Sequential` or Functional model;
    anything with weights should be a `Layer` subclass. A Python `lambda` is
    saved as marshalled bytecode, which loads only with safe mode off (and only
    under the Python version that wrote it); a named function is saved by name.

    Args:
        function: The function to apply; it receives the inputs as first
            argument (plus `mask` and/or `training` if it declares them).
        output_shape: Expected output shape without the batch axis (a tuple, a
            nested structure of tuples, or a function of the input shape). Only
            used when the shape cannot be inferred by running `function`.
        mask: Either `None` (no masking), a tensor to use as output mask, or a
            function `mask(inputs, previous_mask)` computing the output mask.
        arguments: Optional dict of keyword arguments passed to `function`.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        Arbitrary.

    Output shape:
        Whatever `function` returns.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.arguments = arguments or {}
        self.function = function
        self.supports_masking = mask is not None
        self.mask = mask
        self._output_shape = output_shape
        self._already_warned = False
        function_args = inspect.getfullargspec(function).args
        self._fn_expects_training_arg = "training" in function_args
        self._fn_expects_mask_arg = "mask" in function_args

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            try:
                return super().compute_output_shape(input_shape)
            except Exception:
                raise NotImplementedError(
                    "We could not automatically infer the shape of the Lambda's output. Please specify the "
                    "`output_shape` argument for this Lambda layer."
                ) from None
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch_size = tree.flatten(input_shape)[0]
        return _map_shapes(lambda shape: (batch_size, *shape), self._output_shape)

    def get_config(self) -> dict:
        from kerasbridge.saving import serialization_lib

        config = {"function": _serialize_function(self.function)}
        if self._output_shape is not None:
            if callable(self._output_shape):
                config["output_shape"] = _serialize_function(self._output_shape)
            else:
                config["output_shape"] = self._output_shape
        if self.mask is not None:
            if callable(self.mask):
                config["mask"] = _serialize_function(self.mask)
            else:
                config["mask"] = serialization_lib.serialize_keras_object(self.mask)
        config["arguments"] = serialization_lib.serialize_keras_object(self.arguments)
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        from kerasbridge.saving import serialization_lib
        from kerasbridge.saving.safe_mode import in_safe_mode

        if safe_mode is None:
            safe_mode = in_safe_mode()
        safe_mode = safe_mode is not False
        config = dict(config)
        for key in ("function", "output_shape", "mask"):
            if key not in config:
                continue
            value = config[key]
            if isinstance(value, dict) and value.get("class_name") == "__lambda__":
                if safe_mode:
                    raise ValueError(
                        "Requested the deserialization of a `Lambda` layer whose `function` is a Python lambda. "
                        "This carries a potential risk of arbitrary code execution and thus it is disallowed by "
                        "default. If you trust the source of the artifact, you can override this error by "
                        "passing `safe_mode=False` to the loading function, or calling "
                        "`keras.config.enable_unsafe_deserialization()."
                    )
                inner = value["config"]
                config[key] = func_load(inner["code"], defaults=inner["defaults"], closure=inner["closure"])
            else:
                value = serialization_lib.deserialize_keras_object(value, custom_objects=custom_objects)
                if key == "output_shape" and isinstance(value, list) and all(
                    isinstance(d, (int, type(None))) for d in value
                ):
                    value = tuple(value)
                config[key] = value
        if "arguments" in config:
            config["arguments"] = serialization_lib.deserialize_keras_object(
                config["arguments"], custom_objects=custom_objects
            )
        if isinstance(config.get("dtype"), dict):
            from kerasbridge import dtype_policies

            config["dtype"] = dtype_policies.deserialize(config["dtype"])
        return cls(**config)


def _map_shapes(fn, shapes):
    if isinstance(shapes, (tuple, list)) and all(d is None or isinstance(d, int) for d in shapes):
        return fn(tuple(shapes))
    if isinstance(shapes, dict):
        return {k: _map_shapes(fn, v) for k, v in shapes.items()}
    return type(shapes)(_map_shapes(fn, s) for s in shapes)


def _serialize_function(fn):
    from kerasbridge.saving import serialization_lib

    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
        code, defaults, closure = func_dump(fn)
        return {"class_name": "__lambda__", "config": {"code": code, "defaults": defaults, "closure": closure}}
    if callable(fn):
        return serialization_lib.serialize_keras_object(fn)
    raise ValueError(f"Invalid input type for serialization. Received: {fn} of type {type(fn)}.")


def func_dump(func) -> tuple:
    """Serialize a Python function as `(base64 marshalled code, defaults, closure values)`."""
    code = codecs.encode(marshal.dumps(func.__code__), "base64").decode("ascii")
    closure = tuple(cell.cell_contents for cell in func.__closure__) if func.__closure__ else None
    return code, func.__defaults__, closure


def func_load(code, defaults=None, closure=None, globs=None):
    """Rebuild a function from `func_dump`'s output (executes the stored bytecode: trusted input only)."""
    if isinstance(code, (tuple, list)):
        code, defaults, closure = code
    if isinstance(defaults, list):
        defaults = tuple(defaults)
    if closure is not None:
        closure = tuple(_make_cell(value) for value in closure)
    try:
        raw_code = codecs.decode(code.encode("ascii"), "base64")
    except (UnicodeEncodeError, ValueError):
        raw_code = code.encode("raw_unicode_escape")
    code = marshal.loads(raw_code)
    if globs is None:
        globs = globals()
    return types.FunctionType(code, globs, name=code.co_name, argdefs=defaults, closure=closure)


def _make_cell(value):
    if isinstance(value, types.CellType):
        return value
    return types.CellType(value)
