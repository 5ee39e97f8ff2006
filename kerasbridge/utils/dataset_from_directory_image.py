"""`image_dataset_from_directory`: labelled batches of images read from class subdirectories."""

from __future__ import annotations

import functools

import numpy as np
import torch

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.utils.dataset_from_directory_dataset import DirectoryDataset
from kerasbridge.utils.dataset_from_directory_index import check_labels_args, prepare_paths

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")
_CHANNELS = {"rgb": 3, "rgba": 4, "grayscale": 1}


def _pil_image():
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError(
            "`image_dataset_from_directory` decodes images with Pillow, which is not installed. "
            "Install it with `pip install pillow`."
        ) from error
    return Image


def load_image(path, image_size, num_channels, interpolation, data_format, crop_to_aspect_ratio=False,
               pad_to_aspect_ratio=False) -> torch.Tensor:
    """Decodes one image file into a float32 `(height, width, channels)` tensor (channels first if asked).

    Grayscale images keep 8-, 16- or 32-bit integer modes, other images are converted to
    `"L"`, `"RGB"` or `"RGBA"`; the pixels are then resized with `keras.ops.image.resize`.
    """
    from kerasbridge.ops.image import resize

    if pad_to_aspect_ratio and crop_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be set to `True`.")
    with _pil_image().open(path) as img:
        if num_channels == 1:
            if img.mode not in ("L", "I;16", "I"):
                img = img.convert("L")
        elif num_channels == 4:
            if img.mode != "RGBA":
                img = img.convert("RGBA")
        elif num_channels == 3:
            if img.mode != "RGB":
                img = img.convert("RGB")
        else:
            raise ValueError(f"num_channels must be 1, 3 or 4. Received: num_channels={num_channels}")
        pixels = torch.from_numpy(np.array(img).astype("float32"))
    if pixels.ndim == 2:
        pixels = pixels.unsqueeze(-1)
    if data_format == "channels_first":
        pixels = pixels.permute(2, 0, 1)
    return resize(pixels, size=image_size, interpolation=interpolation, crop_to_aspect_ratio=crop_to_aspect_ratio,
                  pad_to_aspect_ratio=pad_to_aspect_ratio, data_format=data_format)


def image_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    color_mode="rgb",
    batch_size=32,
    image_size=(256, 256),
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    interpolation="bilinear",
    follow_links=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    data_format=None,
    format="tf",
    verbose=True,
):
    """Batches of images (and labels) from a directory with one subdirectory per class.

    Files are listed, labelled, shuffled and split exactly as Keras does; the images are
    decoded with Pillow and resized with `keras.ops.image.resize`. Instead of a
    `tf.data.Dataset`, the result is a `DirectoryDataset` (a `PyDataset`), which
    `model.fit` accepts and which yields `(images, labels)` batches of torch tensors.

    Args:
        directory: Root directory; with `labels="inferred"` each subdirectory holds one class.
        labels: `"inferred"`, `None`, or a list of integer labels, one per file in sorted walk order.
        label_mode: `"int"`, `"categorical"` (one-hot), `"binary"` (float `(batch, 1)`) or `None`.
        class_names: Subdirectories to use, in this order (only with `labels="inferred"`).
        color_mode: `"grayscale"`, `"rgb"` or `"rgba"`.
        batch_size: Images per batch; `None` yields single images. Defaults to 32.
        image_size: `(height, width)` of the returned images (an int for squares).
        shuffle: Whether to shuffle the files (and reshuffle every epoch).
        seed: Seed of the shuffles; required with `validation_split` and `shuffle`.
        validation_split: Fraction of the files kept for validation.
        subset: `"training"`, `"validation"` or `"both"` (returns a pair of datasets).
        interpolation: Resizing method (`"bilinear"`, `"nearest"`, `"bicubic"`, ...).
        follow_links: Whether to follow symbolic links.
        crop_to_aspect_ratio: Crop the centre to the target aspect ratio before resizing.
        pad_to_aspect_ratio: Pad to the target aspect ratio before resizing.
        data_format: `"channels_last"` or `"channels_first"`.
        format: `"tf"` or `"grain"` (both give a `DirectoryDataset` here).
        verbose: Whether to print the number of files and classes found.

    Returns:
        A `DirectoryDataset` with `class_names` and `file_paths`, or a `[training, validation]`
        pair with `subset="both"`.
    """
    check_labels_args(labels, label_mode, class_names, "image")
    if color_mode not in _CHANNELS:
        raise ValueError(f'`color_mode` must be one of {{"rgb", "rgba", "grayscale"}}. Received: color_mode={color_mode}')
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    elif not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError(f"Invalid `image_size` value. Expected a tuple of 2 integers. Received: image_size={image_size}")
    interpolation = interpolation.lower()
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(
            f"Argument `interpolation` should be one of {_INTERPOLATIONS}. Received: interpolation={interpolation}"
        )
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')
    seed, class_names, parts = prepare_paths(
        directory, labels, label_mode, class_names, ALLOWLIST_FORMATS, shuffle, seed, validation_split, subset,
        follow_links, verbose,
    )
    load = functools.partial(
        load_image, image_size=tuple(image_size), num_channels=_CHANNELS[color_mode], interpolation=interpolation,
        data_format=standardize_data_format(data_format), crop_to_aspect_ratio=crop_to_aspect_ratio,
        pad_to_aspect_ratio=pad_to_aspect_ratio,
    )
    datasets = []
    for name, paths, encoded in parts:
        if not paths:
            which = f"{name} " if subset == "both" else ""
            raise ValueError(f"No {which}images found in directory {directory}. Allowed formats: {ALLOWLIST_FORMATS}")
        datasets.append(DirectoryDataset(
            paths, encoded, load, torch.stack, batch_size, class_names,
            shuffle=shuffle and not (subset == "both" and name == "validation"), seed=seed,
        ))
    return datasets if subset == "both" else datasets[0]
