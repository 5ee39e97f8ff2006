"""Unit tests of the kerasbridge.preprocessing namespace: re-exports and smart_resize."""

import numpy as np
import pytest
import torch

import kerasbridge
from kerasbridge import ops, preprocessing, utils


def test_reexports_are_the_utils_objects():
    assert preprocessing.image.array_to_img is utils.array_to_img
    assert preprocessing.image.img_to_array is utils.img_to_array
    assert preprocessing.image.load_img is utils.load_img
    assert preprocessing.image.save_img is utils.save_img
    assert preprocessing.sequence.pad_sequences is utils.pad_sequences
    assert preprocessing.image_dataset_from_directory is utils.image_dataset_from_directory
    assert preprocessing.text_dataset_from_directory is utils.text_dataset_from_directory
    assert preprocessing.timeseries_dataset_from_array is utils.timeseries_dataset_from_array
    assert kerasbridge.preprocessing is preprocessing


def test_smart_resize_crops_the_centre_before_resizing():
    image = np.arange(8 * 16 * 2, dtype="float32").reshape(8, 16, 2)
    resized = preprocessing.image.smart_resize(image, (4, 4), interpolation="nearest")
    expected = ops.image.resize(image[:, 4:12, :], (4, 4), interpolation="nearest").numpy()
    assert isinstance(resized, np.ndarray) and resized.shape == (4, 4, 2)
    np.testing.assert_array_equal(resized, expected)


def test_smart_resize_channels_first_batch_keeps_tensor_type():
    images = torch.rand(2, 3, 10, 6)
    resized = preprocessing.image.smart_resize(images, (5, 5), data_format="channels_first")
    assert isinstance(resized, torch.Tensor) and tuple(resized.shape) == (2, 3, 5, 5)


@pytest.mark.parametrize("args, kwargs, error", [
    ((np.zeros((4, 4, 3)), (2, 2, 2)), {}, ValueError),
    ((np.zeros((4, 4)), (2, 2)), {}, ValueError),
    ((np.zeros((4, 4, 3)), (2, 2)), {"antialias": True}, TypeError),
])
def test_smart_resize_rejects_bad_input(args, kwargs, error):
    with pytest.raises(error):
        preprocessing.image.smart_resize(*args, **kwargs)
