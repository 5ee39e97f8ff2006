"""Summaries the `TensorBoard` callback writes besides scalars and histograms.

Imported only by `kerasbridge.callbacks.tensorboard`; the `tensorboard` package is imported
inside the functions.
"""

from __future__ import annotations

import json
import os

import numpy as np

from kerasbridge.backend.config import image_data_format


def _model_json(model) -> str | None:
    if hasattr(model, "to_json"):
        return model.to_json()
    from kerasbridge.saving import serialization_lib

    return json.dumps(serialization_lib.serialize_keras_object(model))


def keras_model_summary(tag: str, model):
    """A summary holding the model's JSON configuration for TensorBoard's graph dashboard
    (plugin `graph_keras_model`, as Keras writes it); `None` when the model cannot be serialized."""
    from tensorboard.compat.proto import summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2

    try:
        text = _model_json(model)
    except (NotImplementedError, TypeError, ValueError, AttributeError):
        return None
    if text is None:
        return None
    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="graph_keras_model", content=b"1")
    )
    tensor = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_STRING, string_val=[text.encode("utf-8")], tensor_shape=tensor_shape_pb2.TensorShapeProto()
    )
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, metadata=metadata, tensor=tensor)])


def weight_as_image(weight: np.ndarray) -> np.ndarray | None:
    """A weight laid out as an NHWC image batch the way Keras draws it, or `None` if it has no image form."""
    image = np.squeeze(weight)
    shape = image.shape
    if len(shape) == 1:  # a bias
        image = image.reshape(1, shape[0], 1, 1)
    elif len(shape) == 2:  # a dense kernel, drawn wide
        if shape[0] > shape[1]:
            image = image.T
            shape = image.shape
        image = image.reshape(1, shape[0], shape[1], 1)
    elif len(shape) == 3:  # a 1D convolution kernel
        if image_data_format() == "channels_last":
            image = np.transpose(image, (2, 0, 1))
            shape = image.shape
        image = image.reshape(shape[0], shape[1], shape[2], 1)
    if image.ndim == 4 and image.shape[-1] in (1, 3, 4):
        return image
    return None


def write_projector_config(model, log_dir: str, embeddings_metadata) -> None:
    """Write `projector_config.pbtxt` naming the model's `Embedding` layers, as Keras does."""
    from google.protobuf import text_format
    from tensorboard.plugins.projector import projector_config_pb2

    config = projector_config_pb2.ProjectorConfig()
    metadata = dict(embeddings_metadata) if isinstance(embeddings_metadata, dict) else embeddings_metadata
    for layer in model.layers:
        if type(layer).__name__ != "Embedding":
            continue
        embedding = config.embeddings.add()
        embedding.tensor_name = "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"
        if isinstance(metadata, str):
            embedding.metadata_path = metadata
        elif metadata is not None and layer.name in metadata:
            embedding.metadata_path = metadata.pop(layer.name)
    if metadata and not isinstance(metadata, str):
        raise ValueError(
            "Unrecognized `Embedding` layer names passed to `keras.callbacks.TensorBoard` "
            f"`embeddings_metadata` argument: {metadata.keys()}"
        )
    os.makedirs(log_dir, exist_ok=True)
    with open(os.path.join(log_dir, "projector_config.pbtxt"), "w") as stream:
        stream.write(text_format.MessageToString(config))


__all__ = ["keras_model_summary", "weight_as_image", "write_projector_config"]
