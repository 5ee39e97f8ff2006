"""Fetching a dataset file into the Keras cache, with an error that says where the file is expected."""

from __future__ import annotations

import os
import tempfile

from kerasbridge.utils import file_utils

TF_KERAS_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def expected_cache_path(fname, origin, cache_subdir="datasets", extract=False) -> str:
    """Where `get_file` looks for (and stores) the downloaded file, as `keras.utils.get_file` lays it out."""
    base = os.path.expanduser(file_utils.keras_home())
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    download_target, _ = file_utils._targets(fname, origin, os.path.join(base, cache_subdir), extract)
    return download_target


def fetch_dataset_file(fname, origin, file_hash=None, cache_subdir="datasets", extract=False) -> str:
    """`kerasbridge.utils.get_file` for a built-in dataset, in `~/.keras/datasets` (or `$KERAS_HOME/datasets`).

    Args:
        fname: The file name in the cache.
        origin: The URL the file comes from.
        file_hash: The expected sha256 (64 hex digits) or md5 digest; `None` skips the check.
        cache_subdir: Sub-folder of the Keras cache root.
        extract: Whether the file is an archive to extract; the extraction folder is then returned.

    Returns:
        The local path of the file (or of the extraction folder).

    Raises:
        Exception: When the file is not cached and cannot be downloaded; the message names the URL and the
            path where a copy placed by hand would be picked up.
    """
    try:
        return file_utils.get_file(fname=fname, origin=origin, file_hash=file_hash, cache_subdir=cache_subdir,
                                   extract=extract)
    except Exception as error:
        if type(error) is not Exception:  # bad arguments, hash mismatch after download: not a fetch failure
            raise
        target = expected_cache_path(fname, origin, cache_subdir, extract)
        raise Exception(
            f"{error}. The dataset file is not in the Keras cache at {target} and could not be downloaded from "
            f"{origin}. On a machine without network access, download {origin} elsewhere and copy it to {target}."
        ) from error
