"""Atomic file replacement: write a temporary file next to the target, then rename it over.

A crash (even SIGKILL) in the middle of a save leaves either the previous file or
the new one at `path`, never a half-written file: `os.replace` within one
directory is atomic on POSIX and Windows.
"""

from __future__ import annotations

import contextlib
import os
import tempfile


@contextlib.contextmanager
def atomic_write(path):
    """Yield a temporary path in the directory of `path`; move it onto `path` on success.

    The temporary file is flushed to disk before the rename. On an exception it is
    removed and the file at `path` (if any) is left untouched.

    Args:
        path: The final file path (`str` or `os.PathLike`).

    Yields:
        The temporary file path to write to.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise ValueError(f"Cannot save to '{path}': the directory '{directory}' does not exist.")
    handle, tmp_path = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    os.close(handle)
    try:
        yield tmp_path
        with open(tmp_path, "rb") as f:
            os.fsync(f.fileno())
        if os.path.exists(path):
            mode = os.stat(path).st_mode & 0o777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp_path, mode)
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp_path)
        raise
