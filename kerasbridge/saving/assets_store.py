"""The `assets/` folder of a `.keras` archive: files that objects write with `save_assets(dir)`.

Keras gives every object that has `save_assets` / `load_assets` a directory named
after its path in the object tree (`assets/layers/string_lookup/vocabulary.txt`).
While saving, the directories live in a temporary folder whose files are added to
the archive under `assets/`; while loading, the archive's `assets/` entries are
extracted into a temporary folder (after the archive's entry names were checked by
`saving_lib`).
"""

from __future__ import annotations

import os
import shutil
import tempfile

ASSETS_DIRNAME = "assets"


class AssetsDirectory:
    """A temporary directory standing for the archive's `assets/` folder.

    Args:
        mode: `"w"` (objects write into it, `write_to(archive)` adds its files) or
            `"r"` (filled from an archive with `extract_from`).
    """

    def __init__(self, mode: str):
        self.mode = mode
        self.root = tempfile.mkdtemp(prefix="kerasbridge_assets_")

    def _full_path(self, path: str) -> str:
        full = os.path.realpath(os.path.join(self.root, path)) if path else self.root
        root = os.path.realpath(self.root)
        if full != root and not full.startswith(root + os.sep):
            raise ValueError(f"Invalid asset path: '{path}' escapes the asset directory.")
        return full

    def make(self, path: str) -> str:
        """The (created) directory for the object at `path`."""
        full = self._full_path(path)
        os.makedirs(full, exist_ok=True)
        return full

    def get(self, path: str) -> str | None:
        """The directory saved for the object at `path`, or `None` when the archive has none."""
        full = self._full_path(path)
        return full if os.path.isdir(full) else None

    def write_to(self, archive) -> None:
        """Add every file of the directory to `archive` (a writable `ZipFile`) under `assets/`."""
        for folder, _, files in sorted(os.walk(self.root)):
            for file_name in sorted(files):
                full = os.path.join(folder, file_name)
                relative = os.path.relpath(full, self.root).replace(os.sep, "/")
                archive.write(full, f"{ASSETS_DIRNAME}/{relative}")

    def extract_from(self, archive, read_member) -> None:
        """Copy the archive's `assets/` entries into the directory.

        Args:
            archive: A readable `ZipFile` whose entry names were validated.
            read_member: `read_member(name) -> bytes`, reading one entry with the archive's checks.
        """
        prefix = ASSETS_DIRNAME + "/"
        for name in archive.namelist():
            if not name.startswith(prefix) or name.endswith("/"):
                continue
            target = self._full_path(name[len(prefix):])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(read_member(name))

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def has_assets(names) -> bool:
    """Whether the archive entry `names` include an `assets/` folder."""
    return any(name.startswith(ASSETS_DIRNAME + "/") for name in names)
