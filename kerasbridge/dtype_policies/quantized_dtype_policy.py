"""Dtype policies of quantized layers: `QuantizedDTypePolicy`, `QuantizedFloat8DTypePolicy`, `Int4DTypePolicy`."""

from __future__ import annotations

from kerasbridge.dtype_policies.dtype_policy import DTypePolicy, dtype_policy
from kerasbridge.quantizers.quantization_config import QUANTIZATION_MODES


class QuantizedDTypePolicy(DTypePolicy):
    """The policy of a quantized layer: a quantization mode on top of a float source policy.

    Its name is `"<mode>_from_<source_name>"`, e.g. `"int8_from_float32"`;
    compute and variable dtypes are those of the source policy.

    Args:
        mode: Quantization mode (`"int8"`, `"int4"`, `"float8"`, ...).
        source_name: Name of the float policy the layer had before quantization
            (default: the global policy).
    """

    def __init__(self, mode, source_name=None):
        if source_name is None:
            source_name = dtype_policy().name
        source = DTypePolicy(source_name)
        self._compute_dtype, self._variable_dtype = source.compute_dtype, source.variable_dtype
        if mode not in QUANTIZATION_MODES:
            raise ValueError(f"Invalid quantization mode. Expected one of {QUANTIZATION_MODES}. Received: mode={mode}")
        if mode == "int8" and self._compute_dtype == "float16":
            raise ValueError(f"Quantization mode='{mode}' doesn't work well with compute_dtype='float16'.")
        self._name = f"{mode}_from_{source_name}"
        self._source_name = source_name
        self._quantization_mode = mode

    @property
    def quantization_mode(self):
        return self._quantization_mode

    def get_config(self) -> dict:
        return {"mode": self._quantization_mode, "source_name": self._source_name}

    def __repr__(self) -> str:
        return f'<{type(self).__name__} "{self._name}">'

    def __eq__(self, other) -> bool:
        return (type(other) is type(self) and other._name == self._name
                and other._quantization_mode == self._quantization_mode and other._source_name == self._source_name)

    __hash__ = object.__hash__


class QuantizedFloat8DTypePolicy(QuantizedDTypePolicy):
    """The policy of a float8-trained layer, with the length of its amax history.

    Args:
        mode: `"float8"`.
        source_name: Name of the float source policy.
        amax_history_length: Number of past absolute maxima kept for delayed scaling.
    """

    default_amax_history_length = 1024

    def __init__(self, mode, source_name=None, amax_history_length=1024):
        super().__init__(mode=mode, source_name=source_name)
        if not isinstance(amax_history_length, int):
            raise TypeError(f"`amax_history_length` must be an integer. Received: amax_history_length={amax_history_length}")
        self._amax_history_length = amax_history_length

    @property
    def amax_history_length(self):
        """Length of the amax history window used to compute float8 scales."""
        return self._amax_history_length

    def get_config(self) -> dict:
        return {**super().get_config(), "amax_history_length": self._amax_history_length}

    def __eq__(self, other) -> bool:
        return super().__eq__(other) and self._amax_history_length == other._amax_history_length

    __hash__ = object.__hash__


class Int4DTypePolicy(QuantizedDTypePolicy):
    """The policy of an int4 layer, carrying its block size so a saved model rebuilds the same variables.

    Args:
        mode: `"int4/<block_size>"`, with `-1` for one scale per output channel or a
            positive group size, e.g. `"int4/128"`.
        source_name: Name of the float source policy.
    """

    def __init__(self, mode, source_name=None):
        parts = mode.split("/") if isinstance(mode, str) else []
        expected = "'int4/<block_size>'"
        if len(parts) != 2 or parts[0] != "int4":
            raise ValueError(f"Invalid mode for Int4DTypePolicy. Expected format {expected}, but got '{mode}'.")
        try:
            block_size = int(parts[1])
        except ValueError:
            raise ValueError(
                f"Invalid mode for Int4DTypePolicy. <block_size> must be an integer. Expected format {expected}, "
                f"but got '{mode}'."
            ) from None
        if block_size < -1 or block_size == 0:
            raise ValueError(
                "Invalid block_size in mode. Supported values are -1 (per-channel) or a positive integer "
                f"(sub-channel), but got {block_size} from '{mode}'."
            )
        super().__init__(mode="int4", source_name=source_name)
        self._name = f"{mode}_from_{self._source_name}"
        self.mode = "int4"
        self.block_size = block_size

    def get_config(self) -> dict:
        return {"mode": f"int4/{self.block_size}", "source_name": self._source_name}

    def __eq__(self, other) -> bool:
        return super().__eq__(other) and self.block_size == other.block_size

    __hash__ = object.__hash__


def quantized_policy_from_name(name: str) -> QuantizedDTypePolicy:
    """The policy named `"<mode>_from_<source>"` (`"int8_from_float32"`, `"int4/128_from_float32"`, ...)."""
    if not isinstance(name, str):
        raise TypeError(f"`policy` must be a string. Received: policy={name}")
    if not name.startswith(QUANTIZATION_MODES):
        raise ValueError("`policy` is incompatible with the current supported quantization.")
    parts = name.split("_from_")
    if len(parts) != 2:
        raise ValueError(
            "Cannot convert `policy` into a valid pair (`mode`, `source_name`) to instantiate "
            f"`QuantizedDTypePolicy`. Received: policy={name}"
        )
    mode, source_name = parts
    if mode.startswith("float8"):
        return QuantizedFloat8DTypePolicy(mode, source_name)
    if mode.startswith("int4") and "/" in mode:
        return Int4DTypePolicy(mode, source_name)
    if mode.startswith(("gptq", "awq")):
        raise ValueError(
            f"mode '{mode.split('/')[0]}' is not available in kerasbridge yet; supported: int8, int4, float8"
        )
    return QuantizedDTypePolicy(mode, source_name)
