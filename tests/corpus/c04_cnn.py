"""Correct answers to module 04 (CNN), written in styles other than the reference."""

from __future__ import annotations

from corpus import Alternative

# ---------------------------------------------------------------------------
# conv_output_size(n, k, stride, padding)
# ---------------------------------------------------------------------------

_SIZE_MATH_FLOOR = '''
import math


def conv_output_size(n, k, stride=1, padding=0):
    return math.floor((n + 2 * padding - k) / stride) + 1
'''

_SIZE_COUNT_POSITIONS = '''
def conv_output_size(n, k, stride=1, padding=0):
    """Count the kernel positions that fit in the padded axis, one stride at a time."""
    positions, start = 0, 0
    while start + k <= n + 2 * padding:
        positions += 1
        start += stride
    return positions
'''

_SIZE_DIVMOD_ASSERTS = '''
def conv_output_size(n: int, k: int, stride: int = 1, padding: int = 0) -> int:
    assert stride >= 1, "the stride must be a positive integer"
    assert padding >= 0, "padding cannot be negative"
    assert n + 2 * padding >= k, "the kernel does not fit in the padded input"
    whole_steps, _remainder = divmod(n + 2 * padding - k, stride)
    return whole_steps + 1
'''

_SIZE_RECURSIVE = '''
def conv_output_size(n, k, stride=1, padding=0):
    # one position at the start, then the same problem on an axis `stride` pixels shorter
    if padding:
        return conv_output_size(n + 2 * padding, k, stride)
    if n < k:
        return 0
    return 1 + conv_output_size(n - stride, k, stride)
'''

# ---------------------------------------------------------------------------
# conv2d(image, kernel, stride, padding)
# ---------------------------------------------------------------------------

_CONV2D_SCIPY = '''
from scipy.signal import correlate2d


def conv2d(image, kernel, stride=1, padding=0):
    """scipy's correlate2d is a cross-correlation (no flip); pad first, then keep every stride-th position."""
    padded = np.pad(np.asarray(image, dtype=float), padding, mode="constant")
    full = correlate2d(padded, np.asarray(kernel, dtype=float), mode="valid")
    return full[::stride, ::stride]
'''

_CONV2D_TORCH = '''
import torch
import torch.nn.functional as F


def conv2d(image, kernel, stride=1, padding=0):
    x = torch.as_tensor(np.asarray(image, dtype=np.float64))[None, None]
    w = torch.as_tensor(np.asarray(kernel, dtype=np.float64))[None, None]
    return F.conv2d(x, w, stride=stride, padding=padding)[0, 0].numpy()
'''

_CONV2D_EINSUM = '''
from numpy.lib.stride_tricks import sliding_window_view


def conv2d(image, kernel, stride=1, padding=0):
    kernel = np.asarray(kernel, dtype=float)
    padded = np.pad(np.asarray(image, dtype=float), ((padding, padding), (padding, padding)))
    windows = sliding_window_view(padded, kernel.shape)[::stride, ::stride]
    return np.einsum("ijuv,uv->ij", windows, kernel)
'''

_CONV2D_PIXEL_LOOPS = '''
def conv2d(image, kernel, stride=1, padding=0):
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    kh, kw = kernel.shape
    height = conv_output_size(image.shape[0], kh, stride, padding)
    width = conv_output_size(image.shape[1], kw, stride, padding)
    padded = np.zeros((image.shape[0] + 2 * padding, image.shape[1] + 2 * padding))
    padded[padding:padding + image.shape[0], padding:padding + image.shape[1]] = image
    out = np.zeros((height, width))
    for i in range(height):
        for j in range(width):
            top, left = i * stride, j * stride
            out[i, j] = np.sum(padded[top:top + kh, left:left + kw] * kernel)
    return out
'''

# ---------------------------------------------------------------------------
# max_pool2d(x, size, stride)
# ---------------------------------------------------------------------------

_POOL_SLIDING = '''
def max_pool2d(x, size=2, stride=2):
    windows = np.lib.stride_tricks.sliding_window_view(np.asarray(x), (size, size))
    return windows[::stride, ::stride].max(axis=(-2, -1))
'''

_POOL_TORCH = '''
import torch


def max_pool2d(x, size=2, stride=2):
    tensor = torch.as_tensor(np.asarray(x))[None, None]
    return torch.nn.functional.max_pool2d(tensor, kernel_size=size, stride=stride)[0, 0].numpy()
'''

_POOL_LOOPS = '''
def max_pool2d(x, size=2, stride=2):
    x = np.asarray(x)
    rows = (x.shape[0] - size) // stride + 1
    cols = (x.shape[1] - size) // stride + 1
    results = np.empty((rows, cols), dtype=x.dtype)
    for i in range(rows):
        for j in range(cols):
            window = x[i * stride:i * stride + size, j * stride:j * stride + size]
            results[i, j] = window.max()
    return results
'''

_POOL_AS_STRIDED = '''
from numpy.lib.stride_tricks import as_strided


def max_pool2d(x, size=2, stride=2):
    x = np.ascontiguousarray(x)
    out_h = conv_output_size(x.shape[0], size, stride)
    out_w = conv_output_size(x.shape[1], size, stride)
    row_step, col_step = x.strides
    windows = as_strided(x, shape=(out_h, out_w, size, size),
                         strides=(row_step * stride, col_step * stride, row_step, col_step), writeable=False)
    return windows.max(axis=(2, 3))
'''

# ---------------------------------------------------------------------------
# conv2d_layer(x, weight, bias, stride, padding): vectorised, no library convolution
# ---------------------------------------------------------------------------

_LAYER_EINSUM = '''
def conv2d_layer(x, weight, bias, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    weight = np.asarray(weight, dtype=float)
    kh, kw = weight.shape[2:]
    padded = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    out = np.einsum("nchwuv,fcuv->nfhw", windows, weight)
    return out + np.asarray(bias, dtype=float)[:, None, None]
'''

_LAYER_OFFSET_LOOP = '''
def conv2d_layer(x, weight, bias, stride=1, padding=0):
    """Loop over the kernel offsets (u, v) only: each one is a strided slice times a channel mix."""
    x = np.asarray(x, dtype=float)
    weight = np.asarray(weight, dtype=float)
    n, channels, height, width = x.shape
    filters, _, kh, kw = weight.shape
    out_h = conv_output_size(height, kh, stride, padding)
    out_w = conv_output_size(width, kw, stride, padding)
    padded = np.zeros((n, channels, height + 2 * padding, width + 2 * padding))
    padded[:, :, padding:padding + height, padding:padding + width] = x
    out = np.zeros((n, filters, out_h, out_w))
    for u in range(kh):
        for v in range(kw):
            patch = padded[:, :, u:u + stride * out_h:stride, v:v + stride * out_w:stride]   # (N, C, H', W')
            out += np.tensordot(weight[:, :, u, v], patch, axes=([1], [1])).transpose(1, 0, 2, 3)
    return out + np.reshape(bias, (1, filters, 1, 1))
'''

_LAYER_TORCH_UNFOLD = '''
import torch


def conv2d_layer(x, weight, bias, stride=1, padding=0):
    """im2col with torch's unfold, then one matrix product per batch."""
    inputs = torch.as_tensor(np.asarray(x, dtype=np.float64))
    kernels = torch.as_tensor(np.asarray(weight, dtype=np.float64))
    n, _, height, width = inputs.shape
    filters, _, kh, kw = kernels.shape
    out_h = conv_output_size(height, kh, stride, padding)
    out_w = conv_output_size(width, kw, stride, padding)
    columns = torch.nn.functional.unfold(inputs, (kh, kw), padding=padding, stride=stride)   # (N, C*kh*kw, L)
    out = kernels.reshape(filters, -1) @ columns                                            # (N, F, L)
    out = out + torch.as_tensor(np.asarray(bias, dtype=np.float64)).reshape(1, filters, 1)
    return out.reshape(n, filters, out_h, out_w).numpy()
'''

_LAYER_IM2COL_INDEXING = '''
def _im2col_indices(out_h, out_w, kh, kw, stride):
    """Row and column indices into the padded image of every (window, offset) pair."""
    rows = (np.arange(out_h) * stride)[:, None, None, None] + np.arange(kh)[None, None, :, None]
    cols = (np.arange(out_w) * stride)[None, :, None, None] + np.arange(kw)[None, None, None, :]
    return rows, cols                      # broadcast to (H', W', kh, kw)


def conv2d_layer(x, weight, bias, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    weight = np.asarray(weight, dtype=float)
    filters, _, kh, kw = weight.shape
    out_h = conv_output_size(x.shape[2], kh, stride, padding)
    out_w = conv_output_size(x.shape[3], kw, stride, padding)
    padded = np.pad(x, ((0, 0), (0, 0), (padding,) * 2, (padding,) * 2))
    rows, cols = _im2col_indices(out_h, out_w, kh, kw, stride)
    patches = padded[:, :, rows, cols]                                        # (N, C, H', W', kh, kw)
    matrix = patches.transpose(0, 2, 3, 1, 4, 5).reshape(x.shape[0], out_h, out_w, -1)
    out = matrix @ weight.reshape(filters, -1).T + bias                       # (N, H', W', F)
    return np.moveaxis(out, -1, 1)
'''

# ---------------------------------------------------------------------------
# SimpleCNN(num_classes)
# ---------------------------------------------------------------------------

_CNN_SEQUENTIAL = '''
from torch import nn


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(p=0.5),
            nn.Linear(128, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))
'''

_CNN_FUNCTIONAL = '''
import torch.nn.functional as F


class SimpleCNN(torch.nn.Module):
    """Layers with weights as modules; ReLU and pooling from torch.nn.functional, in a helper method."""

    def __init__(self, num_classes=10):
        super(SimpleCNN, self).__init__()
        self.c1 = torch.nn.Conv2d(in_channels=1, out_channels=32, kernel_size=(3, 3), padding=1)
        self.c2 = torch.nn.Conv2d(in_channels=32, out_channels=64, kernel_size=(3, 3), padding=1)
        self.hidden = torch.nn.Linear(3136, 128)
        self.drop = torch.nn.Dropout(0.5)
        self.out = torch.nn.Linear(128, num_classes)

    @staticmethod
    def _block(conv, x):
        return F.max_pool2d(F.relu(conv(x)), kernel_size=2, stride=2)

    def forward(self, x):
        x = self._block(self.c2, self._block(self.c1, x))
        x = x.view(x.size(0), -1)
        return self.out(self.drop(F.relu(self.hidden(x))))
'''

_CNN_MODULE_LIST = '''
class SimpleCNN(torch.nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        channels = [1, 32, 64]
        self.convs = torch.nn.ModuleList(
            torch.nn.Conv2d(c_in, c_out, kernel_size=3, stride=1, padding=1)
            for c_in, c_out in zip(channels[:-1], channels[1:]))
        self.pool = torch.nn.MaxPool2d(kernel_size=2)
        self.act = torch.nn.ReLU(inplace=True)
        self.add_module("fc1", torch.nn.Linear(channels[-1] * 7 * 7, 128))
        self.add_module("dropout", torch.nn.Dropout(0.5))
        self.add_module("fc2", torch.nn.Linear(128, num_classes))

    def features(self, x):
        for conv in self.convs:
            x = self.pool(self.act(conv(x)))
        return x

    def forward(self, x):
        x = torch.flatten(self.features(x), start_dim=1)
        return self.fc2(self.dropout(self.act(self.fc1(x))))
'''

ALTERNATIVES = [
    Alternative("conv_output_size", "math.floor of a true division", _SIZE_MATH_FLOOR),
    Alternative("conv_output_size", "while loop counting positions", _SIZE_COUNT_POSITIONS),
    Alternative("conv_output_size", "divmod, asserts, type hints", _SIZE_DIVMOD_ASSERTS),
    Alternative("conv_output_size", "recursion", _SIZE_RECURSIVE),
    Alternative("conv2d", "scipy.signal.correlate2d", _CONV2D_SCIPY),
    Alternative("conv2d", "torch.nn.functional.conv2d", _CONV2D_TORCH),
    Alternative("conv2d", "sliding_window_view + np.einsum", _CONV2D_EINSUM),
    Alternative("conv2d", "loops over output pixels", _CONV2D_PIXEL_LOOPS),
    Alternative("max_pool2d", "sliding_window_view", _POOL_SLIDING),
    Alternative("max_pool2d", "torch.nn.functional.max_pool2d", _POOL_TORCH),
    Alternative("max_pool2d", "loops over windows, local results", _POOL_LOOPS),
    Alternative("max_pool2d", "as_strided", _POOL_AS_STRIDED),
    Alternative("conv2d_layer", "sliding_window_view + np.einsum", _LAYER_EINSUM),
    Alternative("conv2d_layer", "loop over kernel offsets with np.tensordot", _LAYER_OFFSET_LOOP),
    Alternative("conv2d_layer", "torch unfold (im2col) + matmul", _LAYER_TORCH_UNFOLD),
    Alternative("conv2d_layer", "im2col by fancy indexing, helper function", _LAYER_IM2COL_INDEXING),
    Alternative("SimpleCNN", "nn.Sequential features and classifier", _CNN_SEQUENTIAL),
    Alternative("SimpleCNN", "torch.nn.functional with a static helper", _CNN_FUNCTIONAL),
    Alternative("SimpleCNN", "ModuleList, add_module, features method", _CNN_MODULE_LIST),
]
