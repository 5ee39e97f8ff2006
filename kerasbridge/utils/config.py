"""`keras.utils.Config`: a dict whose entries are also attributes, that can be frozen."""

from __future__ import annotations

import copy
import json


class Config:
    """A configuration object: keys readable as attributes (`config.learning_rate`) or items.

    `freeze()` makes it read-only (changes raise `ValueError`); `unfreeze()` undoes that.

    Args:
        **kwargs: The initial entries.
    """

    __attr_names = ("_config", "_frozen")

    def __init__(self, **kwargs):
        object.__setattr__(self, "_config", kwargs)
        object.__setattr__(self, "_frozen", False)

    @property
    def frozen(self) -> bool:
        """Whether the config is read-only."""
        return self._frozen

    def freeze(self) -> None:
        """Make the config read-only."""
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self) -> None:
        """Make the config writable again."""
        object.__setattr__(self, "_frozen", False)

    def _raise_if_frozen(self) -> None:
        if self._frozen:
            raise ValueError("Cannot mutate attribute(s) because the config is frozen.")

    def as_dict(self) -> dict:
        """A deep copy of the entries as a plain dict."""
        return copy.deepcopy(self._config)

    def to_json(self) -> str:
        """The entries as JSON text."""
        return json.dumps(self._config)

    def keys(self):
        return self._config.keys()

    def values(self):
        return self._config.values()

    def items(self):
        return self._config.items()

    def get(self, key, default=None):
        return self._config.get(key, default)

    def pop(self, *args):
        self._raise_if_frozen()
        return self._config.pop(*args)

    def update(self, *args, **kwargs):
        self._raise_if_frozen()
        return self._config.update(*args, **kwargs)

    def __setattr__(self, name, value):
        self._raise_if_frozen()
        if name in self.__attr_names:
            raise AttributeError(f"Cannot set attribute {name}; it is reserved by `Config`.")
        self._config[name] = value

    def __getattr__(self, name):
        if name in self.__attr_names:
            return object.__getattribute__(self, name)
        try:
            return self._config[name]
        except KeyError as error:
            raise AttributeError(f"Unknown attribute: '{name}'.") from error

    def __setitem__(self, key, item):
        self._raise_if_frozen()
        self._config[key] = item

    def __getitem__(self, key):
        return self._config[key]

    def __delitem__(self, key):
        self._raise_if_frozen()
        del self._config[key]

    def __contains__(self, item):
        return item in self._config

    def __len__(self):
        return len(self._config)

    def __iter__(self):
        return iter(self._config)

    def __repr__(self):
        return f"<Config {self._config}>"
