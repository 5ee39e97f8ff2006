"""Reading the pickled parts of dataset files while refusing anything but numpy array reconstruction.

The IMDB and Reuters `.npz` files hold ragged sequences as `dtype=object` arrays (numpy stores those as
pickles) and the CIFAR batches are Python pickles. Like Keras, kerasbridge unpickles only these dataset
files, and only with an unpickler that resolves the globals numpy needs to rebuild an array, so a tampered
file cannot run code.
"""

from __future__ import annotations

import io
import pickle
import zipfile

import numpy as np

_NUMPY_ARRAY_GLOBALS = frozenset({
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),  # written by numpy < 2
    ("numpy._core.multiarray", "_reconstruct"),  # written by numpy >= 2
})


class NumpyOnlyUnpickler(pickle.Unpickler):
    """A `pickle.Unpickler` that resolves only the globals needed to rebuild numpy arrays."""

    def find_class(self, module, name):
        if (module, name) not in _NUMPY_ARRAY_GLOBALS:
            raise pickle.UnpicklingError(
                f"Refusing to deserialize `{module}.{name}` while loading a Keras dataset. "
                "The file may be corrupted or malicious."
            )
        return super().find_class(module, name)


def load_pickled_dataset_file(path, encoding="bytes"):
    """Unpickle a dataset file (a CIFAR batch) with `NumpyOnlyUnpickler` and the given string `encoding`."""
    with open(path, "rb") as stream:
        return NumpyOnlyUnpickler(stream, encoding=encoding).load()


def _read_npy(stream):
    try:
        return np.lib.format.read_array(stream, allow_pickle=False)
    except ValueError:  # an object array: its payload is a pickle after the header
        stream.seek(0)
        major, _ = np.lib.format.read_magic(stream)
        if major == 1:
            np.lib.format.read_array_header_1_0(stream)
        elif major in (2, 3):  # 3.0 differs from 2.0 only in the header's text encoding
            np.lib.format.read_array_header_2_0(stream)
        else:
            raise ValueError(f"Unsupported `.npy` format version {major} in a dataset file.") from None
        return NumpyOnlyUnpickler(stream).load()


def load_npz_with_object_arrays(path) -> dict:
    """Every array of an `.npz` file, as a dict; object arrays are unpickled with `NumpyOnlyUnpickler`."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member[: -len(".npy")]] = _read_npy(io.BytesIO(raw.read()))
    return arrays
