"""The saving side of `Model`: `save`, `save_weights`, `load_weights` and the compile config."""

from __future__ import annotations

import os
import warnings


def _ask_to_overwrite(filepath) -> bool:
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True


def _map_shapes(fn, shapes, is_shape):
    if is_shape(shapes):
        return fn(shapes)
    if isinstance(shapes, dict):
        return {key: _map_shapes(fn, value, is_shape) for key, value in shapes.items()}
    return [_map_shapes(fn, value, is_shape) for value in shapes]


class ModelSavingMixin:
    """Keras's saving API on `Model`, writing and reading Keras 3's file formats."""

    def to_json(self, **kwargs) -> str:
        """The model's configuration as a JSON string (Keras's serialized form, no weights).

        `keras.models.model_from_json(json_string, custom_objects={...})` rebuilds the model,
        in kerasbridge or in Keras 3.

        Args:
            **kwargs: Passed on to `json.dumps()` (e.g. `indent`, `sort_keys`).

        Returns:
            A JSON string.
        """
        import json

        from kerasbridge.saving.serialization_lib import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)

    def save(self, filepath, overwrite: bool = True, zipped=None, **kwargs) -> None:
        """Save the model (config, compile state and variables) to a `.keras` archive.

        The file is written to a temporary file next to `filepath` and renamed over it
        when complete, so an interrupted save never damages an existing file. The
        archive loads in Keras 3 (`keras.saving.load_model`) as well.

        Args:
            filepath: Path ending in `.keras`.
            overwrite: Whether to overwrite an existing file silently (otherwise ask).
            zipped: Only `True`/`None` (a zip archive) is supported.
            **kwargs: Unsupported legacy arguments (`save_format`) raise an error.
        """
        from kerasbridge.saving import saving_lib

        if kwargs.pop("save_format", None) is not None:
            raise ValueError(
                "The `save_format` argument is deprecated in Keras 3. Please remove this argument and pass a "
                "file path with either `.keras` or `.h5` extension."
            )
        if kwargs:
            raise ValueError(f"The following argument(s) are not supported: {list(kwargs.keys())}")
        if zipped is False:
            raise ValueError("kerasbridge only saves zipped `.keras` archives (`zipped=False` is not supported).")
        path = os.fspath(filepath)
        if path.endswith(".h5") or path.endswith(".hdf5"):
            raise ValueError(
                "Saving in the legacy Keras 2 `.h5` model format is not supported by kerasbridge. Use the "
                f"`.keras` format instead (e.g. `model.save('{os.path.splitext(path)[0]}.keras')`)."
            )
        if not path.endswith(".keras"):
            raise ValueError(
                "Invalid filepath extension for saving. Please add a `.keras` extension for the native Keras "
                f"format. Received: filepath={path}."
            )
        if not overwrite and os.path.exists(path) and not _ask_to_overwrite(path):
            return
        saving_lib.save_model(self, path)

    def save_weights(self, filepath, overwrite: bool = True, max_shard_size=None) -> None:
        """Save the model's variables to a `.weights.h5` (Keras's layout) or `.safetensors` file.

        Args:
            filepath: Path ending in `.weights.h5` or `.safetensors`.
            overwrite: Whether to overwrite an existing file silently (otherwise ask).
            max_shard_size: Sharded weights files are not supported; must be `None`.
        """
        from kerasbridge.saving import saving_lib

        if max_shard_size is not None:
            raise ValueError("Sharded weights files (`max_shard_size`) are not supported by kerasbridge.")
        path = os.fspath(filepath)
        if not (path.endswith(".weights.h5") or path.endswith(".safetensors")):
            raise ValueError(
                "The filename must end in `.weights.h5` (or `.safetensors`). " f"Received: filepath={path}"
            )
        if not overwrite and os.path.exists(path) and not _ask_to_overwrite(path):
            return
        saving_lib.save_weights_only(self, path)

    def load_weights(self, filepath, skip_mismatch: bool = False, **kwargs) -> None:
        """Load variables from a `.weights.h5`, `.safetensors` or `.keras` file.

        Args:
            filepath: The file (written by kerasbridge or Keras 3).
            skip_mismatch: Skip (with a warning) the layers whose variables do not match
                instead of raising. Without it, a mismatch raises `ValueError` and leaves
                every variable unchanged.
        """
        from kerasbridge.saving import saving_api

        saving_api.load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    # -- build config ------------------------------------------------------------------------------
    def build_from_config(self, config: dict) -> None:
        """Build the model from `get_build_config()`'s output (a model without `build()` runs once symbolically)."""
        from kerasbridge.layers.layer import Layer
        from kerasbridge.ops.keras_tensor import KerasTensor

        if not config:
            return
        default_build = type(self).build is Layer.build
        dtype = getattr(self, "input_dtype", None) or "float32"

        def symbolic(shape):
            return KerasTensor(tuple(shape), dtype=dtype)

        def is_shape(x):
            return isinstance(x, (list, tuple)) and all(d is None or isinstance(d, int) for d in x)

        built = False
        try:
            if "input_shape" in config:
                shape = config["input_shape"]
                if default_build:
                    self(_map_shapes(symbolic, shape, is_shape))
                else:
                    self.build(shape)
            elif "shapes_dict" in config:
                shapes = config["shapes_dict"]
                if default_build:
                    self(**{key[: -len("_shape")]: symbolic(value) for key, value in shapes.items()})
                else:
                    self.build(**shapes)
            built = True
        except Exception as e:  # noqa: BLE001 - reported as a warning, as Keras does
            warnings.warn(
                f"Model '{self.name}' had a build config, but the model cannot be built automatically in "
                f"`build_from_config(config)` ({e}). You should implement `def build_from_config(self, config)`, "
                "and you might also want to implement the method that generates the config at saving time, "
                "`def get_build_config(self)`. The method `build_from_config()` is meant to create the state of "
                "the model (i.e. its variables) upon deserialization.",
                stacklevel=2,
            )
        if built:
            self.built = True
            self._build_shapes_dict = dict(config.get("shapes_dict") or {"input_shape": config.get("input_shape")})

    # -- compile config ----------------------------------------------------------------------------
    def get_compile_config(self) -> dict | None:
        """The arguments of `compile()` as a serialized config (`{}` when not compiled)."""
        from kerasbridge.saving import serialization_lib

        compile_config = self.__dict__.get("_compile_config")
        if not self.__dict__.get("compiled") or compile_config is None:
            return {}
        config = dict(compile_config)
        config["jit_compile"] = bool(self.__dict__.get("jit_compile", False))
        return serialization_lib.serialize_keras_object(config)

    def compile_from_config(self, config: dict) -> None:
        """Compile the model from `get_compile_config()`'s output and create the optimizer's variables."""
        from kerasbridge.engine.trainer import Trainer
        from kerasbridge.saving import serialization_lib

        if type(self).compile is not Trainer.compile:
            warnings.warn(
                "`compile()` was not called as part of model loading because the model's `compile()` method is "
                "custom. All subclassed Models that have `compile()` overridden should also override "
                "`get_compile_config()` and `compile_from_config(config)`. Alternatively, you can call "
                "`compile()` manually after loading.",
                stacklevel=2,
            )
            return
        config = serialization_lib.deserialize_keras_object(config)
        self.compile(**config)
        if getattr(self, "optimizer", None) is not None and self.built:
            self.optimizer.build(self.trainable_variables)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Recreate a model from its config (a Functional config rebuilds the layer graph)."""
        from kerasbridge.layers.layer_state import LayerStateMixin
        from kerasbridge.models.functional_config import functional_from_config, functional_like_constructor
        from kerasbridge.models.model import Model

        functional_keys = ("name", "layers", "input_layers", "output_layers")
        if all(key in config for key in functional_keys) and (
            cls is Model or functional_like_constructor(cls)
        ):
            return functional_from_config(cls, config, custom_objects=custom_objects)
        try:
            return LayerStateMixin.from_config.__func__(cls, config)
        except TypeError as e:
            raise TypeError(
                "Unable to revive model from config. When overriding the `get_config()` method, make sure that "
                "the returned config contains all items used as arguments in the constructor to "
                f"{cls}, which is the default behavior. You can override this default behavior by defining a "
                f"`from_config(cls, config)` class method to specify how to create an instance of {cls.__name__} "
                f"from its config.\n\nReceived config={config}\n\nError encountered during deserialization: {e}"
            ) from e
