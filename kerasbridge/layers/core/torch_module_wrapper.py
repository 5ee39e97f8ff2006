"""`TorchModuleWrapper`: any `torch.nn.Module` used as a Keras layer."""

from __future__ import annotations

import base64
import io

import torch

from kerasbridge.backend import state_version
from kerasbridge.backend.dtypes import standardize_dtype
from kerasbridge.backend.variable import Variable
from kerasbridge.layers.layer import Layer


class TorchModuleWrapper(Layer):
    """Turns a `torch.nn.Module` into a layer whose weights are the module's parameters.

    Each parameter of the module becomes a tracked `Variable` sharing the very
    same `nn.Parameter` (no copy), so `layer.trainable_weights`, `get_weights`,
    `set_weights`, optimizers and the module itself all see one tensor. Calling
    the layer calls the module; `training=False` puts the module in eval mode,
    anything else in train mode. Weights are saved and loaded through the
    module's `state_dict`.

    Args:
        module: A `torch.nn.Module`. A lazy module must be initialized first
            (e.g. by calling it once).
        name: Name of the layer.
        output_shape: Optional output shape, returned by `compute_output_shape`.
        **kwargs: Base layer arguments (`dtype`, `trainable`, ...).

    Input shape:
        Whatever the module accepts.

    Output shape:
        Whatever the module returns (`output_shape` when given).
    """

    def __init__(self, module, name=None, output_shape=None, **kwargs):
        if not isinstance(module, torch.nn.Module):
            raise TypeError(f"`module` must be a `torch.nn.Module`. Received: module={module} of type {type(module)}")
        if isinstance(module, torch.nn.modules.lazy.LazyModuleMixin) and module.has_uninitialized_params():
            raise ValueError(
                "LazyModules are not supported unless they are already initialized. "
                f"Received uninitialized LazyModule: module={module}"
            )
        super().__init__(name=name, **kwargs)
        from kerasbridge.backend.device import get_variable_device

        self.module = module.to(get_variable_device())
        self._track_module_parameters()
        self.output_shape = output_shape

    def _track_module_parameters(self) -> None:
        # The module stays the parameters' torch owner (they are reached as `self.module.*`);
        # each Variable reads its tensor from the submodule holding it, so there is no copy.
        for qualified_name, param in self.module.named_parameters():
            owner_path, _, key = qualified_name.rpartition(".")
            owner = self.module.get_submodule(owner_path) if owner_path else self.module
            variable = Variable(initializer=torch.zeros((), dtype=param.dtype), trainable=param.requires_grad)
            variable._owner, variable._key, variable._param = owner, key, None
            variable._dtype = standardize_dtype(param.dtype)
            (self._trainable_variables if variable.trainable else self._non_trainable_variables).append(variable)
        state_version.bump()
        self.built = True

    def call(self, *args, training=None, **kwargs):
        self.module.train(training is not False)
        return self.module(*args, **kwargs)

    def save_own_variables(self, store) -> None:
        """Write the module's whole `state_dict` (parameters and buffers)."""
        for key, value in self.module.state_dict().items():
            store[key] = value.detach().cpu().numpy()

    def load_own_variables(self, store) -> None:
        """Load the module's `state_dict` from the store."""
        state = {}
        for key in store.keys():
            name = key.decode() if isinstance(key, bytes) else key
            state[name] = torch.as_tensor(store[key][...] if hasattr(store[key], "shape") else store[key])
        self.module.load_state_dict(state)

    def compute_output_spec(self, *args, **kwargs):
        if self.output_shape is None:
            return super().compute_output_spec(*args, **kwargs)
        from kerasbridge.layers.layer import shapes_to_specs

        return shapes_to_specs(self.output_shape, self.compute_dtype)  # the declared shape, as Keras reports it

    def compute_output_shape(self, input_shape):
        if self.output_shape is None:
            return super().compute_output_shape(input_shape)
        return self.output_shape

    def get_config(self) -> dict:
        buffer = io.BytesIO()
        torch.save(self.module, buffer)
        encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
        return {**super().get_config(), "module": encoded, "output_shape": self.output_shape}

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        from kerasbridge.saving.safe_mode import in_safe_mode

        config = dict(config)
        if "module" in config:
            effective = safe_mode if safe_mode is not None else in_safe_mode()
            if effective is not False:
                raise ValueError(
                    "Requested the deserialization of a `torch.nn.Module` object via `torch.load()`. This carries "
                    "a potential risk of arbitrary code execution and thus it is disallowed by default. If you "
                    "trust the source of the artifact, you can override this error by passing `safe_mode=False` "
                    "to the loading function, or calling `keras.config.enable_unsafe_deserialization()."
                )
            raw = base64.b64decode(config["module"].encode("ascii"))
            config["module"] = torch.load(io.BytesIO(raw), weights_only=False)
        return cls(**config)
