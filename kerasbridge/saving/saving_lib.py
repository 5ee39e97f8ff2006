"""The `.keras` archive and weights files, in Keras 3's format.

A `.keras` file is a zip archive (entries stored uncompressed, as Keras writes
them) of `metadata.json`, `config.json` (the model's `serialize_keras_object`
config, including `build_config` and `compile_config`), `model.weights.h5`
(variables in Keras's HDF5 layout, see `state_walk`) and, for objects with
`save_assets` (vocabularies of lookup layers), an `assets/` folder. Files written here load in
Keras 3 and files written by Keras 3 load here. Every write goes to a temporary
file that replaces the target only once complete; every read validates the file
and names it in the error when something is wrong.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import posixpath
import warnings
import zipfile

from kerasbridge.saving import serialization_lib
from kerasbridge.saving.assets_store import AssetsDirectory, has_assets
from kerasbridge.saving.atomic_write import atomic_write
from kerasbridge.saving.state_walk import LoadReport, load_state, save_state

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
VARS_FILENAME_H5 = "model.weights.h5"
# The Keras version whose archive format kerasbridge writes (stored in metadata.json).
KERAS_FORMAT_VERSION = "3.15.1"
# A zip member declaring more than this many bytes must be stored with at most 100x compression.
_ZIP_BOMB_FLOOR_BYTES = 1 << 32
_ZIP_MAX_EXPANSION = 100


class ConfigDeserializationError(ValueError, TypeError):
    """The config of a saved model names something that cannot be rebuilt.

    A `ValueError` (the file is unusable) that is also a `TypeError`, the type
    Keras raises for an unknown class, so handlers written for either catch it.
    """


# -- saving ------------------------------------------------------------------------------------------
def _serialize_model(model) -> tuple[str, str]:
    from kerasbridge import __version__

    with serialization_lib.ObjectSharingScope():
        config = serialization_lib.serialize_keras_object(model)
    metadata = {
        "keras_version": KERAS_FORMAT_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
        "kerasbridge_version": __version__,
    }
    return json.dumps(config), json.dumps(metadata)


def _weights_h5_bytes(model, assets=None) -> bytes:
    from kerasbridge.saving.h5_store import h5_bytes_store

    store, buffer = h5_bytes_store("w")
    try:
        save_state(model, store, assets=assets)
    finally:
        store.close()
    return buffer.getvalue()


def save_model(model, filepath) -> None:
    """Write `model` (config, compile state and variables) to a `.keras` archive, atomically.

    Args:
        model: A kerasbridge model.
        filepath: Path ending in `.keras`, or a writable binary file object.
    """
    if not model.built:
        warnings.warn(
            "You are saving a model that has not yet been built. It might not contain any weights yet. "
            "Consider building the model first by calling it on some data.",
            stacklevel=2,
        )
    if not isinstance(filepath, io.IOBase):
        filepath = os.fspath(filepath)
        if not str(filepath).endswith(".keras"):
            raise ValueError(
                f"Invalid `filepath` argument: expected a `.keras` extension. Received: filepath={filepath}"
            )
    config_json, metadata_json = _serialize_model(model)
    with AssetsDirectory("w") as assets:
        weights = _weights_h5_bytes(model, assets)

        def write(target):
            with zipfile.ZipFile(target, "w") as archive:
                archive.writestr(METADATA_FILENAME, metadata_json)
                archive.writestr(CONFIG_FILENAME, config_json)
                archive.writestr(VARS_FILENAME_H5, weights)
                assets.write_to(archive)

        if isinstance(filepath, io.IOBase):
            write(filepath)
            return
        with atomic_write(filepath) as tmp_path:
            write(tmp_path)


# -- reading and validating an archive --------------------------------------------------------------
def _check_member_name(name: str, filepath: str) -> None:
    normalized = name.replace("\\", "/")
    parts = normalized.split("/")
    if (
        normalized.startswith("/")
        or (len(normalized) > 1 and normalized[1] == ":")
        or ".." in parts
        or posixpath.normpath(normalized).startswith("..")
        or "\x00" in name
    ):
        raise ValueError(
            f"Refusing to load '{filepath}': the archive entry '{name}' has a path that escapes the "
            "archive's directory (absolute path or '..' component)."
        )


def _read_member(archive: zipfile.ZipFile, name: str, filepath: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > _ZIP_BOMB_FLOOR_BYTES and info.file_size > _ZIP_MAX_EXPANSION * info.compress_size:
        raise ValueError(
            f"Refusing to load '{filepath}': the entry '{name}' declares {info.file_size} bytes but stores only "
            f"{info.compress_size}; this looks like a decompression bomb."
        )
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
        raise ValueError(f"Cannot load '{filepath}': the entry '{name}' is corrupt ({e}).") from e


def _open_archive(filepath) -> tuple[zipfile.ZipFile, str]:
    description = os.fspath(filepath) if not isinstance(filepath, io.IOBase) else getattr(filepath, "name", "<file>")
    if not isinstance(filepath, io.IOBase) and not os.path.isfile(description):
        raise ValueError(f"File not found: filepath={description}. Please ensure the file is an accessible `.keras` zip file.")
    try:
        archive = zipfile.ZipFile(filepath, "r")
    except (zipfile.BadZipFile, EOFError, OSError) as e:
        raise ValueError(
            f"Cannot load '{description}': it is not a valid `.keras` archive (not a zip file, or the file is "
            f"truncated or corrupt: {e})."
        ) from e
    names = archive.namelist()
    for name in names:
        _check_member_name(name, description)
    missing = [n for n in (CONFIG_FILENAME, VARS_FILENAME_H5) if n not in names]
    if missing:
        archive.close()
        raise ValueError(
            f"Cannot load '{description}': it is not a valid `.keras` archive (missing {', '.join(missing)}; "
            f"entries found: {names})."
        )
    return archive, description


def _config_from_json(config_bytes: bytes, description: str) -> dict:
    try:
        config = json.loads(config_bytes)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"Cannot load '{description}': config.json is not valid JSON ({e}).") from e
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Cannot load '{description}': config.json does not describe a Keras object.")
    return config


def _model_from_config(config: dict, custom_objects, compile, safe_mode, description: str):
    if not compile:
        config["compile_config"] = None
    try:
        with serialization_lib.ObjectSharingScope():
            return serialization_lib.deserialize_keras_object(config, custom_objects, safe_mode=safe_mode)
    except ValueError as e:
        if "safe_mode" in str(e):
            raise ValueError(f"Cannot load '{description}' in safe mode: {e}") from e
        raise ValueError(f"Cannot load '{description}': {e}") from e
    except TypeError as e:
        root = e
        while root.__cause__ is not None and isinstance(root.__cause__, TypeError):
            root = root.__cause__
        raise ConfigDeserializationError(f"Cannot load '{description}': {root}") from e


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuild a model from a `.keras` archive (written by kerasbridge or Keras 3).

    Args:
        filepath: Path of the `.keras` file, or a readable binary file object.
        custom_objects: Optional dict mapping names to custom classes or functions.
        compile: Whether to compile the model as it was when saved (optimizer state included).
        safe_mode: Refuse to deserialize Python lambdas (arbitrary code).

    Returns:
        The model.

    Raises:
        ValueError: when the file is not a valid archive, is corrupt, holds unsafe entries,
            names unknown objects, or needs `safe_mode=False`.
    """
    from kerasbridge.saving.h5_store import h5_bytes_store

    archive, description = _open_archive(filepath)
    assets = None
    try:
        with archive:
            config = _config_from_json(_read_member(archive, CONFIG_FILENAME, description), description)
            weights = _read_member(archive, VARS_FILENAME_H5, description)
            if has_assets(archive.namelist()):
                assets = AssetsDirectory("r")
                assets.extract_from(archive, lambda name: _read_member(archive, name, description))
        model = _model_from_config(config, custom_objects, compile, safe_mode, description)
        store, _ = h5_bytes_store("r", weights, description=f"{description}/{VARS_FILENAME_H5}")
        try:
            _load_into(model, store, skip_mismatch=False, description=description, assets=assets)
        finally:
            store.close()
    finally:
        if assets is not None:
            assets.close()
    return model


# -- weights only ---------------------------------------------------------------------------------------
def _raise_or_warn(report: LoadReport, description: str) -> None:
    if not report.errors:
        return
    failed = list(report.errors.values())
    saveable, path, error = failed[0]
    msg = (
        f"A total of {len(failed)} objects could not be loaded from '{description}'. Example error message for "
        f"object {saveable} (at '{path or '/'}'):\n\n{error}\n\nList of objects that could not be loaded:\n"
        f"{[item[0] for item in failed]}"
    )
    if report.skip_mismatch:
        warnings.warn(msg, stacklevel=3)
        return
    report.restore()
    raise ValueError(msg)


def _load_into(model, store, skip_mismatch: bool, description: str, assets=None) -> None:
    report = LoadReport(skip_mismatch=skip_mismatch)
    try:
        load_state(model, store, report, assets=assets)
    except BaseException:
        report.restore()
        raise
    _raise_or_warn(report, description)


def save_weights_only(model, filepath) -> None:
    """Write the model's variables to `.weights.h5` (Keras's layout) or `.safetensors`, atomically."""
    if not model.built:
        raise ValueError(
            "You are saving a model that has not yet been built. Try building the model first by calling it "
            "on some data or by using `build()`."
        )
    filepath = os.fspath(filepath)
    if filepath.endswith(".safetensors"):
        from kerasbridge.saving.safetensors_store import SafetensorsIOStore

        make_store = SafetensorsIOStore
    elif filepath.endswith(".weights.h5"):
        from kerasbridge.saving.h5_store import H5IOStore

        make_store = H5IOStore
    else:
        raise ValueError(
            "The filename must end in `.weights.h5` or `.safetensors`. " f"Received: filepath={filepath}"
        )
    with atomic_write(filepath) as tmp_path:
        store = make_store(tmp_path, mode="w")
        try:
            save_state(model, store)
        finally:
            store.close()


def load_weights_only(model, filepath, skip_mismatch: bool = False) -> None:
    """Load variables from `.weights.h5`, `.safetensors` or a `.keras` archive into `model`.

    All or nothing unless `skip_mismatch=True`: when an object cannot be loaded,
    every variable keeps its previous value and a `ValueError` names the file and
    the objects. With `skip_mismatch=True` mismatching objects are skipped with a warning.
    """
    if not model.built:
        raise ValueError(
            "You are loading weights into a model that has not yet been built. Try building the model first "
            "by calling it on some data or by using `build()`."
        )
    filepath = os.fspath(filepath)
    if not os.path.isfile(filepath):
        raise ValueError(f"File not found: filepath={filepath}. Please ensure the file exists and is readable.")
    if filepath.endswith(".keras"):
        from kerasbridge.saving.h5_store import h5_bytes_store

        archive, description = _open_archive(filepath)
        with archive:
            weights = _read_member(archive, VARS_FILENAME_H5, description)
        store, _ = h5_bytes_store("r", weights, description=f"{description}/{VARS_FILENAME_H5}")
    elif filepath.endswith(".safetensors"):
        from kerasbridge.saving.safetensors_store import SafetensorsIOStore

        store = SafetensorsIOStore(filepath, mode="r")
    elif filepath.endswith(".weights.h5") or filepath.endswith(".h5"):
        from kerasbridge.saving.h5_store import H5IOStore

        store = H5IOStore(filepath, mode="r")
        if "layer_names" in store.h5_file.attrs:
            store.close()
            raise ValueError(
                f"Cannot load '{filepath}': it is a legacy Keras 2 HDF5 weights file (`layer_names` layout), which "
                "kerasbridge does not read. Load it in Keras 3 and re-save it with `save_weights('x.weights.h5')`."
            )
    else:
        raise ValueError(
            "File format not supported: filepath="
            f"{filepath}. Keras 3 only supports V3 `.keras` and `.weights.h5` files, and kerasbridge also reads "
            "`.safetensors`."
        )
    try:
        _load_into(model, store, skip_mismatch=skip_mismatch, description=filepath)
    finally:
        store.close()
