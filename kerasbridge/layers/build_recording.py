"""Keras behaviours around construction and `build()` that every Layer subclass gets for free.

- `auto_config`: constructor arguments of simple types, recorded in `__new__`, become the
  layer's `get_config()` when the subclass defines none.
- `recording_build`: each subclass's `build` runs inside the layer's name scope (so weight
  paths read `model/dense/kernel`), records the shapes it was built for (`get_build_config`)
  and marks the layer built.
"""

from __future__ import annotations

import functools
import inspect

from kerasbridge.backend import naming
from kerasbridge.utils import tree


def auto_config(cls, args, kwargs):
    """Constructor arguments of simple types, used as `get_config()` when a subclass has none."""
    try:
        signature = inspect.signature(cls.__init__)
        bound = signature.bind(None, *args, **kwargs)
    except (TypeError, ValueError):
        return None
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    names = list(signature.parameters)
    arguments.pop(names[0], None)
    for name, param in signature.parameters.items():
        if param.kind is param.VAR_KEYWORD:
            arguments.update(arguments.pop(name, {}))
        elif param.kind is param.VAR_POSITIONAL:
            if arguments.pop(name, ()):
                return None
        elif param.kind is param.POSITIONAL_ONLY and name != names[0]:
            return None
    arguments.pop("name", None)
    for leaf in tree.flatten(arguments):
        if not isinstance(leaf, (str, int, float, bool, type(None))):
            return None
    return arguments



def recording_build(build):
    """Wrap a subclass's `build` so it runs in the layer's name scope and records its shapes."""
    signature = inspect.signature(build)

    @functools.wraps(build)
    def wrapper(self, *args, **kwargs):
        with naming.name_scope(self.name, caller=self):
            result = build(self, *args, **kwargs)
        try:
            arguments = signature.bind(self, *args, **kwargs).arguments
            arguments.pop(next(iter(signature.parameters)))
            self._build_shapes_dict = dict(arguments)
        except TypeError:
            pass
        self.built = True
        return result

    wrapper._records_build = True
    return wrapper


