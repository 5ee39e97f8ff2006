"""Make `import keras` (and `keras.layers`, `from keras.ops import ...`) resolve to kerasbridge.

Installed by `python -m kerasbridge run SCRIPT`, so an unmodified Keras script runs on
kerasbridge. A meta-path finder maps every `keras[.X]` import onto `kerasbridge[.X]` and
hands back the kerasbridge module object itself, so both names are the same module.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module) -> None:
        pass


class KerasAliasFinder(importlib.abc.MetaPathFinder):
    """Resolves `keras` and `keras.<sub>` to `kerasbridge` and `kerasbridge.<sub>`."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "keras" and not fullname.startswith("keras."):
            return None
        alias = "kerasbridge" + fullname[len("keras"):]
        if importlib.util.find_spec(alias) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(alias), is_package=True)


def install() -> None:
    """Alias `keras` to kerasbridge for every later import (idempotent)."""
    if any(isinstance(finder, KerasAliasFinder) for finder in sys.meta_path):
        return
    for name in [n for n in sys.modules if n == "keras" or n.startswith("keras.")]:
        del sys.modules[name]
    sys.meta_path.insert(0, KerasAliasFinder())
