"""`kerasbridge.saving.save_model / load_model / save_weights / load_weights`, dispatching on the file type."""

from __future__ import annotations

import io
import os

from kerasbridge.saving import saving_lib


def save_model(model, filepath, overwrite: bool = True, zipped=None, **kwargs) -> None:
    """Save `model` to a `.keras` archive (see `Model.save`).

    Args:
        model: The model to save.
        filepath: Path ending in `.keras`, or a writable binary file object.
        overwrite: Whether to overwrite an existing file silently (otherwise ask).
        zipped: Only zipped archives are supported (`True` or `None`).
    """
    if isinstance(filepath, io.IOBase):
        if kwargs or zipped is False:
            raise ValueError("Saving to a file object only supports the zipped `.keras` format.")
        saving_lib.save_model(model, filepath)
        return
    model.save(filepath, overwrite=overwrite, zipped=zipped, **kwargs)


def load_model(filepath, custom_objects=None, compile: bool = True, safe_mode: bool = True):
    """Load a model saved as a `.keras` archive, by kerasbridge or by Keras 3.

    Args:
        filepath: Path of the `.keras` file, or a readable binary file object.
        custom_objects: Optional dict mapping names (strings) to custom classes or functions.
        compile: Whether to compile the model after loading (restoring the optimizer state).
        safe_mode: Disallow loading Python lambdas (arbitrary code). Pass `safe_mode=False`
            (or call `kerasbridge.config.enable_unsafe_deserialization()`) only for trusted files.

    Returns:
        A kerasbridge model.

    Raises:
        ValueError: if the file is missing, not a `.keras` archive, truncated or corrupt,
            contains unsafe entries, or cannot be rebuilt.
    """
    if isinstance(filepath, io.IOBase):
        return saving_lib.load_model(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)
    path = os.fspath(filepath)
    if path.endswith(".keras"):
        return saving_lib.load_model(path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)
    if path.endswith(".h5") or path.endswith(".hdf5"):
        raise ValueError(
            f"Cannot load '{path}': legacy Keras 2 `.h5` model files are not supported by kerasbridge. Re-save the "
            "model in the `.keras` format with Keras 3."
        )
    raise ValueError(
        f"File format not supported: filepath={path}. Keras 3 only supports V3 `.keras` files and legacy H5 "
        "format files (`.h5` extension); kerasbridge loads `.keras` files."
    )


def save_weights(model, filepath, overwrite: bool = True, **kwargs) -> None:
    """Save the variables of `model` to `.weights.h5` or `.safetensors` (see `Model.save_weights`)."""
    model.save_weights(filepath, overwrite=overwrite, **kwargs)


def load_weights(model, filepath, skip_mismatch: bool = False, **kwargs) -> None:
    """Load variables into `model` from a `.weights.h5`, `.safetensors` or `.keras` file.

    Args:
        model: A built model (or layer).
        filepath: The weights file.
        skip_mismatch: Skip, with a warning, the objects whose variables do not match.
    """
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {list(kwargs)}")
    path = os.fspath(filepath)
    if not (path.endswith(".keras") or path.endswith(".weights.h5") or path.endswith(".safetensors")
            or path.endswith(".h5")):
        raise ValueError(
            f"File format not supported: filepath={path}. kerasbridge loads weights from `.weights.h5`, "
            "`.safetensors` and `.keras` files."
        )
    saving_lib.load_weights_only(model, path, skip_mismatch=skip_mismatch)
