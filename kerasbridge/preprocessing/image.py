"""`keras.preprocessing.image`: image array and file helpers (the same objects as in `kerasbridge.utils`)."""

from kerasbridge.preprocessing.smart_resize import smart_resize
from kerasbridge.utils.image_utils import array_to_img, img_to_array, load_img, save_img

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]
