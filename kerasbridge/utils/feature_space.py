"""`FeatureSpace`: one-step preprocessing and encoding of a dict of structured (tabular) features."""

from __future__ import annotations

import numpy as np
import torch

from kerasbridge.backend.naming import auto_name
from kerasbridge.layers.layer import Layer

# Where Keras defines `Feature`, `Cross` and `TFDIdentity`: the `module` of their serialized configs.
_KERAS_MODULE = "keras.src.layers.preprocessing.feature_space"


def _serialize_spec(obj) -> dict:
    name = type(obj).__name__
    serialized = {"module": _KERAS_MODULE, "class_name": name, "config": obj.get_config(), "registered_name": name}
    if isinstance(obj, Layer) and obj.built and obj.get_build_config():
        serialized["build_config"] = obj.get_build_config()
    return serialized


def _deserialize_spec(config):
    """A `Feature`, `Cross` or `TFDIdentity` from its serialized dict (other objects: `deserialize_keras_object`)."""
    classes = {"Feature": Feature, "Cross": Cross, "TFDIdentity": TFDIdentity}
    if isinstance(config, dict) and config.get("class_name") in classes:
        return classes[config["class_name"]].from_config(config["config"])
    from kerasbridge.saving.serialization_lib import deserialize_keras_object

    return deserialize_keras_object(config)


class TFDIdentity(Layer):
    """Passes a feature through unchanged (the preprocessor of `FeatureSpace.float` features)."""

    def call(self, x):
        return x

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        return {key: config[key] for key in ("name", "dtype", "trainable")}


class Cross:
    """A crossing of features, hashed into `crossing_dim` bins (see `FeatureSpace.cross`)."""

    def __init__(self, feature_names, crossing_dim, output_mode="one_hot"):
        if output_mode not in {"int", "one_hot"}:
            raise ValueError(
                f"Invalid value for argument `output_mode`. Expected one of {{'int', 'one_hot'}}. "
                f"Received: output_mode={output_mode}"
            )
        self.feature_names = tuple(feature_names)
        self.crossing_dim = crossing_dim
        self.output_mode = output_mode

    @property
    def name(self) -> str:
        return "_X_".join(self.feature_names)

    def get_config(self):
        return {"feature_names": self.feature_names, "crossing_dim": self.crossing_dim, "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Feature:
    """A feature: its input dtype, its preprocessing layer and how its output is encoded."""

    def __init__(self, dtype, preprocessor, output_mode):
        if output_mode not in {"int", "one_hot", "float"}:
            raise ValueError(
                f"Invalid value for argument `output_mode`. Expected one of {{'int', 'one_hot', 'float'}}. "
                f"Received: output_mode={output_mode}"
            )
        self.dtype = dtype
        self.preprocessor = _deserialize_spec(preprocessor) if isinstance(preprocessor, dict) else preprocessor
        self.output_mode = output_mode

    def get_config(self):
        from kerasbridge.saving.serialization_lib import serialize_keras_object

        preprocessor = self.preprocessor
        serialized = _serialize_spec(preprocessor) if isinstance(preprocessor, TFDIdentity) else (
            serialize_keras_object(preprocessor))
        return {"dtype": self.dtype, "preprocessor": serialized, "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class FeatureSpace(Layer):
    """Preprocesses, crosses and encodes a dict of features into one vector (or a dict of encoded features).

    Each feature is named with a type (`"float"`, `"float_normalized"`, `"float_rescaled"`,
    `"float_discretized"`, `"integer_categorical"`, `"string_categorical"`, `"integer_hashed"`,
    `"string_hashed"`) or a `Feature` from the class methods (`FeatureSpace.float_normalized()`, ...).
    Call `adapt()` on the training data (a dict of arrays, or an iterable of dict batches), then call
    the feature space on dicts of values, or build a model on `get_inputs()` / `get_encoded_features()`.

    Args:
        features: Dict from feature name to feature type string or `Feature`.
        output_mode: `"concat"` (one float vector) or `"dict"` (one encoded tensor per feature).
        crosses: Tuples of feature names (or `FeatureSpace.cross(...)`) to cross with a hash.
        crossing_dim: Number of bins of the crosses given as tuples. Defaults to 32.
        hashing_dim: Number of bins of the `*_hashed` features given by name. Defaults to 32.
        num_discretization_bins: Bins of the `"float_discretized"` features given by name. Defaults to 32.
        name: Name of the feature space.
    """

    @classmethod
    def cross(cls, feature_names, crossing_dim, output_mode="one_hot"):
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype, preprocessor, output_mode):
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name=None):
        name = name or auto_name("float")
        return Feature("float32", TFDIdentity(dtype="float32", name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_rescaled(cls, scale=1.0, offset=0.0, name=None):
        from kerasbridge.layers import Rescaling

        name = name or auto_name("float_rescaled")
        return Feature("float32", Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_normalized(cls, name=None):
        from kerasbridge.layers import Normalization

        name = name or auto_name("float_normalized")
        return Feature("float32", Normalization(axis=-1, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_discretized(cls, num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
        from kerasbridge.layers import Discretization

        name = name or auto_name("float_discretized")
        layer = Discretization(num_bins=num_bins, bin_boundaries=bin_boundaries, name=f"{name}_preprocessor")
        return Feature("float32", layer, output_mode)

    @classmethod
    def integer_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
        from kerasbridge.layers import IntegerLookup

        name = name or auto_name("integer_categorical")
        layer = IntegerLookup(name=f"{name}_preprocessor", max_tokens=max_tokens, num_oov_indices=num_oov_indices)
        return Feature("int32", layer, output_mode)

    @classmethod
    def string_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
        from kerasbridge.layers import StringLookup

        name = name or auto_name("string_categorical")
        layer = StringLookup(name=f"{name}_preprocessor", max_tokens=max_tokens, num_oov_indices=num_oov_indices)
        return Feature("string", layer, output_mode)

    @classmethod
    def string_hashed(cls, num_bins, output_mode="one_hot", name=None):
        from kerasbridge.layers import Hashing

        name = name or auto_name("string_hashed")
        return Feature("string", Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    @classmethod
    def integer_hashed(cls, num_bins, output_mode="one_hot", name=None):
        from kerasbridge.layers import Hashing

        name = name or auto_name("integer_hashed")
        return Feature("int32", Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    def __init__(self, features, output_mode="concat", crosses=None, crossing_dim=32, hashing_dim=32,
                 num_discretization_bins=32, name=None):
        super().__init__(name=name)
        if not features:
            raise ValueError("The `features` argument cannot be None or empty.")
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.features = {name: self._standardize_feature(name, value) for name, value in features.items()}
        self.crosses = [self._standardize_cross(cross, set(features)) for cross in crosses or []]
        self.crosses_by_name = {cross.name: cross for cross in self.crosses}
        if output_mode not in {"dict", "concat"}:
            raise ValueError(
                f"Invalid value for argument `output_mode`. Expected one of {{'dict', 'concat'}}. "
                f"Received: output_mode={output_mode}"
            )
        self.output_mode = output_mode
        from kerasbridge.layers import HashedCrossing, Input

        self.inputs = {name: Input(shape=(1,), dtype=value.dtype, name=name) for name, value in self.features.items()}
        self.preprocessors = {name: value.preprocessor for name, value in self.features.items()}
        self.encoded_features = None
        self.crossers = {cross.name: HashedCrossing(cross.crossing_dim, name=cross.name) for cross in self.crosses}
        self.one_hot_encoders = {}
        self._is_adapted = False
        self._merge_order = None
        self._sublayers_built = False

    def _standardize_feature(self, name, feature):
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict):
            return _deserialize_spec(feature)
        makers = {
            "float": lambda: self.float(name=name),
            "float_normalized": lambda: self.float_normalized(name=name),
            "float_rescaled": lambda: self.float_rescaled(name=name),
            "float_discretized": lambda: self.float_discretized(name=name, num_bins=self.num_discretization_bins),
            "integer_categorical": lambda: self.integer_categorical(name=name),
            "string_categorical": lambda: self.string_categorical(name=name),
            "integer_hashed": lambda: self.integer_hashed(self.hashing_dim, name=name),
            "string_hashed": lambda: self.string_hashed(self.hashing_dim, name=name),
        }
        if feature not in makers:
            raise ValueError(f"Invalid feature type: {feature}")
        return makers[feature]()

    def _standardize_cross(self, cross, feature_names):
        if isinstance(cross, dict):
            cross = _deserialize_spec(cross)
        if isinstance(cross, Cross):
            return cross
        if not self.crossing_dim:
            raise ValueError(
                "When specifying `crosses`, the argument `crossing_dim` (dimensionality of the crossing space) "
                "should be specified as well."
            )
        if any(key not in feature_names for key in cross):
            raise ValueError(
                "All features referenced in the `crosses` argument should be present in the `features` dict. "
                f"Received unknown features: {cross}"
            )
        return Cross(cross, crossing_dim=self.crossing_dim)

    # -- adapting --------------------------------------------------------------------------------------
    def _list_adaptable_preprocessors(self):
        from kerasbridge.layers import Normalization, TextVectorization

        names = []
        for name in self.features:
            preprocessor = self.preprocessors[name]
            if isinstance(preprocessor, Normalization) and preprocessor.input_mean is not None:
                continue
            if isinstance(preprocessor, TextVectorization) and getattr(preprocessor, "_has_input_vocabulary", False):
                continue
            if hasattr(preprocessor, "adapt"):
                names.append(name)
        return names

    def adapt(self, dataset):
        """Adapts every adaptable preprocessor (lookups, normalization, discretization) to the data.

        Args:
            dataset: A dict of arrays/lists (one row per sample), or an iterable (e.g. a `PyDataset`)
                of such dicts.
        """
        if isinstance(dataset, dict):
            batches = [dataset]
        elif hasattr(dataset, "__iter__") and not isinstance(dataset, (str, bytes)):
            batches = list(dataset)
            if not all(isinstance(batch, dict) for batch in batches):
                raise ValueError(f"`adapt()` expects batches that are dicts of arrays. Received: {batches[:1]}")
        else:
            raise ValueError(
                "`adapt()` can only be called on a tf.data.Dataset or a dict of arrays/lists. "
                f"Received instead: {dataset} (of type {type(dataset)})"
            )
        for name in self._list_adaptable_preprocessors():
            column = np.concatenate([_as_column(_to_numpy(batch[name])) for batch in batches])
            self.preprocessors[name].adapt(column)
        self._is_adapted = True
        self.get_encoded_features()
        self.built = True
        self._sublayers_built = True

    # -- symbolic graph --------------------------------------------------------------------------------
    def get_inputs(self):
        """The dict of `keras.Input`s (shape `(None, 1)`) of the features, to build a model on."""
        self._check_if_built()
        return self.inputs

    def get_encoded_features(self):
        """The symbolic encoded features (a tensor, or a dict with `output_mode="dict"`) of `get_inputs()`."""
        self._check_if_adapted()
        if self.encoded_features is None:
            preprocessed = self._preprocess_features(self.inputs)
            self.encoded_features = self._merge_features(preprocessed, self._cross_features(preprocessed))
        return self.encoded_features

    def _preprocess_features(self, features):
        return {name: self.preprocessors[name](features[name]) for name in features}

    def _cross_features(self, features):
        return {
            cross.name: self.crossers[cross.name]([features[name] for name in cross.feature_names])
            for cross in self.crosses
        }

    def _merge_features(self, preprocessed, crossed):
        if self._merge_order is None:
            self._merge_order = sorted(preprocessed) + sorted(crossed)
        values = {**preprocessed, **crossed}
        if not self._sublayers_built:
            self._make_encoders(values)
        encoded = {}
        for name in self._merge_order:
            encoder = self.one_hot_encoders.get(name)
            encoded[name] = encoder(values[name]) if encoder else values[name]
        if self.output_mode == "dict":
            return encoded
        from kerasbridge import ops

        return ops.concatenate([encoded[name] for name in self._merge_order], axis=-1)

    def _make_encoders(self, values):
        from kerasbridge.backend.dtypes import standardize_dtype
        from kerasbridge.layers import (
            CategoryEncoding,
            Discretization,
            HashedCrossing,
            Hashing,
            IntegerLookup,
            StringLookup,
        )

        for name in self._merge_order:
            spec = self.features.get(name) or self.crosses_by_name[name]
            dtype = standardize_dtype(values[name].dtype)
            if spec.output_mode == "one_hot":
                if not dtype.startswith("int"):
                    raise ValueError(
                        f"Feature '{name}' has `output_mode='one_hot'`. Thus its preprocessor should return an integer "
                        f"dtype. Instead it returns a {dtype} dtype."
                    )
                preprocessor = self.preprocessors.get(name) or self.crossers.get(name)
                if isinstance(preprocessor, (IntegerLookup, StringLookup)):
                    cardinality = preprocessor.vocabulary_size()
                elif isinstance(preprocessor, CategoryEncoding):
                    cardinality = preprocessor.num_tokens
                elif isinstance(preprocessor, (Discretization, HashedCrossing, Hashing)):
                    cardinality = preprocessor.num_bins
                else:
                    raise ValueError(
                        f"Feature '{name}' has `output_mode='one_hot'`. However it isn't a standard feature and the "
                        "dimensionality of its output space is not known, thus it cannot be one-hot encoded. Try using "
                        "`output_mode='int'`."
                    )
                self.one_hot_encoders[name] = CategoryEncoding(num_tokens=cardinality, output_mode="multi_hot")
                dtype = "float32"
            if self.output_mode == "concat" and (dtype.startswith("int") or dtype == "string"):
                raise ValueError(
                    f"Cannot concatenate features because feature '{name}' has not been encoded (it has dtype "
                    f"{dtype}). Consider using `output_mode='dict'`."
                )

    def _check_if_adapted(self):
        if not self._is_adapted:
            if self._list_adaptable_preprocessors():
                raise ValueError("You need to call `.adapt(dataset)` on the FeatureSpace before you can start using it.")
            self._is_adapted = True

    def _check_if_built(self):
        if not self._sublayers_built:
            self._check_if_adapted()
            self.get_encoded_features()
            self._sublayers_built = True

    # -- eager calls -----------------------------------------------------------------------------------
    def __call__(self, data):
        self._check_if_built()
        if not isinstance(data, dict):
            raise ValueError(f"A FeatureSpace can only be called with a dict. Received: data={data} (of type {type(data)}")
        data = {key: _to_numpy(value) for key, value in data.items()}
        rebatched = any(x.ndim == 0 for x in data.values())
        data = {key: x.reshape(1, 1) if x.ndim == 0 else (x[:, None] if x.ndim == 1 else x) for key, x in data.items()}
        preprocessed = self._preprocess_features(data)
        merged = self._merge_features(preprocessed, self._cross_features(preprocessed))
        if rebatched:
            if self.output_mode == "concat":
                if merged.shape[0] != 1:
                    raise ValueError(f"Expected rebatched data to have batch size 1. Received: shape={merged.shape}")
                return merged.squeeze(0)
            return {k: x.squeeze(0) if x.ndim == 2 and x.shape[0] == 1 else x for k, x in merged.items()}
        return merged

    # -- serialization ---------------------------------------------------------------------------------
    def get_config(self):
        return {
            "features": {name: _serialize_spec(feature) for name, feature in self.features.items()},
            "output_mode": self.output_mode,
            "crosses": [_serialize_spec(cross) for cross in self.crosses],
            "crossing_dim": self.crossing_dim,
            "hashing_dim": self.hashing_dim,
            "num_discretization_bins": self.num_discretization_bins,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_build_config(self):
        return {name: feature.preprocessor.get_build_config() for name, feature in self.features.items()}

    def build_from_config(self, config):
        for name in config:
            preprocessor = self.features[name].preprocessor
            if not preprocessor.built and config[name]:
                preprocessor.build_from_config(config[name])
        self._is_adapted = True

    def save(self, filepath):
        """Saves the adapted feature space as a `.keras` file (reload it with `keras.saving.load_model`)."""
        from kerasbridge.saving.saving_lib import save_model

        save_model(self, filepath)

    def save_own_variables(self, store):
        return

    def load_own_variables(self, store):
        return


def _to_numpy(value) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def _as_column(array: np.ndarray) -> np.ndarray:
    return array.reshape(-1, 1) if array.ndim <= 1 else array
