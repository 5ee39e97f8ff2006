"""`ContrastLimitedAdaptiveHistogramEqualization` (CLAHE): local, clipped histogram equalization."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.layers.preprocessing._color import rescale_value_range
from kerasbridge.layers.preprocessing._image_layer import ImagePreprocessingLayer

_LEVELS = 256


class ContrastLimitedAdaptiveHistogramEqualization(ImagePreprocessingLayer):
    """Equalizes the histogram of each tile of a grid, limiting the contrast gain, and blends the tiles.

    Each image is cut into `tile_grid_size` tiles (padded at the bottom/right by repeating
    the edge pixels when the size does not divide). Each tile and channel gets a 256-bin
    histogram of its integer pixel values on `[0, 255]`; counts above
    `clip_limit * tile_pixels / 256` are clipped and the excess spread evenly over all
    bins; the normalized cumulative histogram maps values. As in Keras (torch backend),
    counts are integers and the clip limit is truncated to an integer. Every pixel's output blends the
    mappings of the four nearest tile centers bilinearly. Deterministic; applied in
    training and at inference alike, as in Keras.

    Args:
        value_range: `(min, max)` range of the pixel values. Defaults to `(0, 255)`.
        clip_limit: Contrast limit (a multiple of the uniform bin count); `0` or less
            disables clipping. Defaults to `4.0`.
        tile_grid_size: `(rows, columns)` of the tile grid. Defaults to `(8, 8)`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`.

    Output shape:
        Same as the input, in the input's dtype.
    """

    def __init__(self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.value_range = value_range
        self.clip_limit = clip_limit
        self.tile_grid_size = tile_grid_size
        self.data_format = standardize_data_format(data_format)

    def transform_images(self, images, transformation=None, training=True):
        if self.data_format == "channels_first":
            images = images.movedim(-3, -1)
        original_dtype = images.dtype
        images = rescale_value_range(images, self.value_range, (0, 255), dtype="float32")
        if not images.is_meta:
            images = self._equalize(images)
        images = rescale_value_range(images, (0, 255), self.value_range, dtype="float32").to(original_dtype)
        if self.data_format == "channels_first":
            images = images.movedim(-1, -3)
        return images

    def _tile_lookup_tables(self, padded, tile_h, tile_w):
        """Normalized cumulative histograms `(B, grid_h + 2, grid_w + 2, C, 256)`, edge tiles repeated."""
        batch, _, _, channels = padded.shape
        grid_h, grid_w = self.tile_grid_size
        tiles = padded.reshape(batch, grid_h, tile_h, grid_w, tile_w, channels).permute(0, 1, 3, 5, 2, 4)
        levels = torch.clip(tiles.reshape(batch, grid_h, grid_w, channels, tile_h * tile_w).to(torch.int32),
                            0, _LEVELS - 1)
        # Integer counts, as Keras's one-hot sum gives: the clip limit is truncated to an integer too.
        hists = torch.zeros(levels.shape[:-1] + (_LEVELS,), dtype=torch.int64, device=padded.device)
        hists.scatter_add_(-1, levels.long(), torch.ones(levels.shape, dtype=torch.int64, device=padded.device))
        if self.clip_limit > 0:
            limit = torch.tensor(self.clip_limit * (tile_h * tile_w) / 256.0, device=hists.device).to(hists.dtype)
            clipped = torch.clip(hists, min=torch.zeros_like(limit), max=limit)
            excess = torch.sum(hists - clipped, dim=-1, keepdim=True)
            hists = clipped + excess / 256.0
        cdf = torch.cumsum(hists, dim=-1)
        cdf_min = torch.amin(cdf, dim=-1, keepdim=True)
        numerator = (cdf - cdf_min) * 255.0
        denominator = torch.tensor(tile_h * tile_w, dtype=cdf.dtype, device=cdf.device) - cdf_min
        denominator = torch.where(denominator == 0, torch.ones_like(denominator), denominator)
        tables = torch.clip(numerator / denominator, 0, 255)
        tables = torch.cat([tables[:, :1], tables, tables[:, -1:]], dim=1)
        return torch.cat([tables[:, :, :1], tables, tables[:, :, -1:]], dim=2)

    @staticmethod
    def _neighbours(size, tile, device):
        """For each row (column): the two neighbouring tile indices (in the edge-padded grid) and the weight."""
        position = (torch.arange(size, dtype=torch.float32, device=device) - (tile / 2.0)) / tile + 1.0
        first = torch.floor(position)
        weight = position - first
        return first, first + 1.0, weight

    def _equalize(self, images):
        unbatched = images.ndim == 3
        if unbatched:
            images = images.unsqueeze(0)
        batch, height, width, channels = images.shape
        grid_h, grid_w = self.tile_grid_size
        tile_h, tile_w = (height + grid_h - 1) // grid_h, (width + grid_w - 1) // grid_w
        pad_h, pad_w = tile_h * grid_h - height, tile_w * grid_w - width
        padded = images
        if pad_h or pad_w:
            planes = images.permute(0, 3, 1, 2).reshape(-1, height, width)
            planes = F.pad(planes, [0, pad_w, 0, pad_h], mode="replicate")
            padded = planes.reshape(-1, channels, height + pad_h, width + pad_w).permute(0, 2, 3, 1)

        tables = self._tile_lookup_tables(padded, tile_h, tile_w).reshape(-1)
        y0, y1, wy = self._neighbours(tile_h * grid_h, tile_h, images.device)
        x0, x1, wx = self._neighbours(tile_w * grid_w, tile_w, images.device)
        y0, y1 = (torch.clip(v, 0, grid_h + 1).to(torch.int32) for v in (y0, y1))
        x0, x1 = (torch.clip(v, 0, grid_w + 1).to(torch.int32) for v in (x0, x1))

        stride_x = _LEVELS * channels
        stride_y = stride_x * (grid_w + 2)
        stride_b = stride_y * (grid_h + 2)
        pixels = torch.clip(padded, 0, 255).to(torch.int32)
        base = (torch.arange(batch, dtype=torch.int32, device=images.device)[:, None, None, None] * stride_b
                + torch.arange(channels, dtype=torch.int32, device=images.device)[None, None, None, :] * _LEVELS + pixels)
        rows0, rows1 = y0[None, :, None, None] * stride_y, y1[None, :, None, None] * stride_y
        cols0, cols1 = x0[None, None, :, None] * stride_x, x1[None, None, :, None] * stride_x
        wy, wx = wy[None, :, None, None], wx[None, None, :, None]

        def lookup(rows, cols):
            index = (base + rows + cols).long()
            return torch.index_select(tables, 0, index.ravel()).reshape(index.shape)

        top = lookup(rows0, cols0) * (1.0 - wx) + lookup(rows0, cols1) * wx
        bottom = lookup(rows1, cols0) * (1.0 - wx) + lookup(rows1, cols1) * wx
        result = (top * (1.0 - wy) + bottom * wy)[:, :height, :width, :]
        return result.squeeze(0) if unbatched else result

    def get_config(self):
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "clip_limit": self.clip_limit,
            "tile_grid_size": self.tile_grid_size,
            "data_format": self.data_format,
        }
