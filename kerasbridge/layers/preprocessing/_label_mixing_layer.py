"""The base of the augmentation layers that mix images within a batch and mix their labels alike."""

from __future__ import annotations

from kerasbridge.backend.tensor import convert_to_tensor
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer


class LabelMixingImageLayer(RandomImageLayer):
    """A random image layer whose transformation also applies to `"labels"` (MixUp, CutMix).

    Called on a dict `{"images": ..., "labels": ...}`, one random transformation is drawn
    from the images and given to both `transform_images` and `transform_labels`.
    """

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def call(self, data, training=True):
        if not isinstance(data, dict) or "labels" not in data:
            return super().call(data, training=training)
        unsupported = set(data) - {"images", "labels"}
        if unsupported:
            raise ValueError(
                f"{type(self).__name__} in kerasbridge transforms only 'images' and 'labels'; it does not "
                f"support the entries {sorted(unsupported)}."
            )
        images = convert_to_tensor(data["images"])
        if images.ndim not in (3, 4):
            raise ValueError(
                "Expected image tensor to have rank 3 (single image) or 4 (batch of images). "
                f"Received: data.shape={tuple(images.shape)}"
            )
        labels = convert_to_tensor(data["labels"])
        transformation = self.get_random_transformation(images, training=training)
        outputs = dict(data)
        if images.ndim == 4:
            outputs["images"] = self.transform_images(images, transformation, training=training)
            outputs["labels"] = self.transform_labels(labels, transformation, training=training)
            return outputs
        outputs["images"] = self.transform_images(images.unsqueeze(0), transformation, training=training).squeeze(0)
        outputs["labels"] = self.transform_labels(labels.unsqueeze(0), transformation, training=training).squeeze(0)
        return outputs
