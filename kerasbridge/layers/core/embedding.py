"""`Embedding`: a lookup table from integer indices to dense vectors."""

from __future__ import annotations

import warnings

import torch

from kerasbridge import constraints, initializers, regularizers
from kerasbridge.layers.core.embedding_quantization import (
    EMBEDDING_VARIABLE_ORDER,
    EmbeddingQuantizationMixin,
)
from kerasbridge.layers.core.lora import LoraMixin
from kerasbridge.layers.layer import Layer

_INDEX_DTYPES = (torch.int32, torch.int64)


class Embedding(EmbeddingQuantizationMixin, LoraMixin, Layer):
    """Turns non-negative integers (indices) into dense vectors of fixed size.

    `[[4], [20]] -> [[[0.25, 0.1]], [[0.6, -0.2]]]`. Negative indices count from
    the end of the table; non-integer inputs are truncated to integers.

    Args:
        input_dim: Positive integer, size of the vocabulary (maximum index + 1).
        output_dim: Positive integer, size of each embedding vector.
        embeddings_initializer: Initializer of the `(input_dim, output_dim)` table
            (default uniform in `[-0.05, 0.05]`).
        embeddings_regularizer: Regularizer applied to the table.
        embeddings_constraint: Constraint applied to the table after updates.
        mask_zero: Whether index `0` is padding: the layer then emits the mask
            `inputs != 0` for the layers downstream (index 0 must then not be
            used in the vocabulary, so `input_dim` should be vocabulary size + 1).
        weights: Optional initial table (a `(input_dim, output_dim)` array or a
            list holding one).
        lora_rank: If set, enables LoRA with this rank when the layer is built.
        lora_alpha: Scale of the LoRA delta (`lora_alpha / lora_rank`).
        quantization_config: A `keras.quantizers.QuantizationConfig` used when the
            layer is built from a quantized dtype policy (set by `quantize()`).
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        N-D tensor of shape `(batch_size, ...)`.

    Output shape:
        (N+1)-D tensor of shape `(batch_size, ..., output_dim)`.
    """

    _lora_weight = "_embeddings"
    _lora_prefix = "lora_embeddings"
    _lora_constraint = "embeddings_constraint"
    _lora_regularizer = "embeddings_regularizer"
    _lora_constraint_error = (
        "Lora is incompatible with embedding constraints. In order to enable lora on this layer, "
        "remove the `embeddings_constraint` argument."
    )

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, weights=None, lora_rank=None, lora_alpha=None,
                 quantization_config=None, **kwargs):
        if not isinstance(input_dim, int) or isinstance(input_dim, bool) or input_dim <= 0:
            raise ValueError(
                "`input_dim` must be a positive integer. "
                f"Received: input_dim={input_dim} (of type {type(input_dim).__name__})."
            )
        if not isinstance(output_dim, int) or isinstance(output_dim, bool) or output_dim <= 0:
            raise ValueError(
                "`output_dim` must be a positive integer. "
                f"Received: output_dim={output_dim} (of type {type(output_dim).__name__})."
            )
        if kwargs.pop("input_length", None) is not None:
            warnings.warn("Argument `input_length` is deprecated. Just remove it.", stacklevel=2)
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self.autocast = False
        self._init_lora(lora_rank, lora_alpha)
        self._init_quantization(quantization_config)
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape=None):
        if self.built:
            return
        mode = self.quantization_mode
        if mode:
            self._quantized_build((self.input_dim, self.output_dim), mode, self.quantization_config)
        if mode not in ("int8", "int4"):
            self._embeddings = self.add_weight(
                shape=(self.input_dim, self.output_dim),
                initializer=self.embeddings_initializer,
                name="embeddings",
                regularizer=self.embeddings_regularizer,
                constraint=self.embeddings_constraint,
                trainable=True,
            )
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank)

    @property
    def embeddings(self):
        """The table `Variable`, or with LoRA enabled the merged table tensor."""
        if not self.built:
            raise AttributeError("You must build the layer before accessing `embeddings`.")
        if self._is_quantized and self.quantization_mode == "int4":
            return self._quantized_table()
        if self.lora_enabled:
            return self._lora_merged_weight()
        return self._embeddings

    def call(self, inputs):
        if self._is_quantized:
            return self._quantized_call(inputs)
        table = self._embeddings.value if not self.lora_enabled else self.embeddings
        if inputs.dtype not in _INDEX_DTYPES:
            inputs = inputs.to(torch.int32)
        indices = inputs.long()
        indices = torch.where(indices < 0, indices + self.input_dim, indices)
        if indices.is_meta and not table.is_meta:
            table = table.to("meta")
        outputs = torch.nn.functional.embedding(indices, table)
        if outputs.dtype != self._torch_compute_dtype:
            outputs = outputs.to(self._torch_compute_dtype)
        return outputs

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return inputs != 0

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def save_own_variables(self, store) -> None:
        """Write the table (with any LoRA delta merged in), as Keras does."""
        if not self.built:
            return
        if self._is_quantized:
            self._save_variables_in_order(store, EMBEDDING_VARIABLE_ORDER[self.quantization_mode],
                                          self._quantized_variables_by_name())
            return
        table = self.embeddings
        store["0"] = (table.value if not self.lora_enabled else table).detach().cpu().numpy()

    def load_own_variables(self, store) -> None:
        """Read the table back; a LoRA delta restarts from zero."""
        if self._is_quantized:
            self._load_variables_in_order(store, list(self._quantized_variables_by_name(merge_lora=False).values()))
            self._reset_lora()
            return
        if len(store.keys()) != 1:
            raise ValueError(
                f"Layer '{self.name}' expected 1 variables, but received {len(store.keys())} "
                "variables during loading."
            )
        self._embeddings.assign(store["0"])
        self._reset_lora()

    def get_config(self) -> dict:
        base_config = super().get_config()
        config = {
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": self._quantization_config_dict(),
        }
        return {**base_config, **config, **self._lora_config()}


Embedding._quantizable_class = Embedding
