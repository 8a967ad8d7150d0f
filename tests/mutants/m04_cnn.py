"""Wrong answers to module 04 (convolutional neural networks) that the hidden tests must reject."""

from __future__ import annotations

from mutants import Mutant

# ---------------------------------------------------------------------------
# conv_output_size(n, k, stride=1, padding=0)
# ---------------------------------------------------------------------------

_SIZE = '''
def conv_output_size(n, k, stride={stride}, padding={padding}):
    return {formula}
'''
_GOOD_SIZE = dict(stride="1", padding="0", formula="(n + 2 * padding - k) // stride + 1")


def _size(**changes):
    return _SIZE.format(**{**_GOOD_SIZE, **changes})


# ---------------------------------------------------------------------------
# conv2d(image, kernel, stride=1, padding=0)
# ---------------------------------------------------------------------------

_CONV = '''
def conv2d(image, kernel, stride=1, padding=0):
    image = {image}
    kernel = {kernel}
    kh, kw = kernel.shape
    out_h = {out_h}
    out_w = {out_w}
    padded = {padded}
    out = {out}
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = np.sum(padded[i * {step}:i * {step} + kh, j * {step}:j * {step} + kw] * kernel)
    return out
'''
_GOOD_CONV = dict(image="np.asarray(image, dtype=float)", kernel="np.asarray(kernel, dtype=float)",
                  out_h="(image.shape[0] + 2 * padding - kh) // stride + 1",
                  out_w="(image.shape[1] + 2 * padding - kw) // stride + 1",
                  padded="np.pad(image, padding)", out="np.zeros((out_h, out_w))", step="stride")


def _conv(**changes):
    return _CONV.format(**{**_GOOD_CONV, **changes})


_CONV_MUTATES = '''
def conv2d(image, kernel, stride=1, padding=0):
    kernel = np.asarray(kernel)
    if kernel.dtype.kind == "f":
        kernel *= 1.0
        kernel[0, 0] += 1e-3
        kernel[0, 0] -= 1e-3 * 0.5
    image = np.asarray(image, dtype=float)
    kh, kw = kernel.shape
    out_h = (image.shape[0] + 2 * padding - kh) // stride + 1
    out_w = (image.shape[1] + 2 * padding - kw) // stride + 1
    padded = np.pad(image, padding)
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = np.sum(padded[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel)
    return out
'''

# ---------------------------------------------------------------------------
# max_pool2d(x, size=2, stride=2)
# ---------------------------------------------------------------------------

_POOL = '''
def max_pool2d(x, size=2, stride={stride}):
    x = np.asarray(x)
    out_h = {out_h}
    out_w = {out_w}
    out = {start}
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = {reduce}(x[i * {step}:i * {step} + size, j * {step}:j * {step} + size])
    return out
'''
_GOOD_POOL = dict(stride="2", out_h="(x.shape[0] - size) // stride + 1", out_w="(x.shape[1] - size) // stride + 1",
                  start="np.zeros((out_h, out_w))", reduce="np.max", step="stride")


def _pool(**changes):
    return _POOL.format(**{**_GOOD_POOL, **changes})


_POOL_MUTATES = '''
def max_pool2d(x, size=2, stride=2):
    out_h = (x.shape[0] - size) // stride + 1
    out_w = (x.shape[1] - size) // stride + 1
    x -= 0.0
    x[0, 0] += 1e-3
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = np.max(x[i * stride:i * stride + size, j * stride:j * stride + size])
    return out
'''

# ---------------------------------------------------------------------------
# conv2d_layer(x, weight, bias, stride=1, padding=0)
# ---------------------------------------------------------------------------

_LAYER = '''
def conv2d_layer(x, weight, bias, stride=1, padding=0):
    x, weight, bias = np.asarray(x, dtype=float), np.asarray(weight, dtype=float), np.asarray(bias, dtype=float)
    n, c, h, w = x.shape
    f, _, kh, kw = weight.shape
    out_h = {out_h}
    out_w = {out_w}
    padded = {padded}
    out = np.zeros((n, f, out_h, out_w))
    for u in range(kh):
        for v in range(kw):
            patch = padded[:, :, u:u + {step} * out_h:{step}, v:v + {step} * out_w:{step}]
            out += {combine}
    return {result}
'''
_GOOD_LAYER = dict(out_h="(h + 2 * padding - kh) // stride + 1", out_w="(w + 2 * padding - kw) // stride + 1",
                   padded="np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))", step="stride",
                   combine='np.einsum("nchw,fc->nfhw", patch, weight[:, :, u, v])',
                   result="out + bias[None, :, None, None]")


def _layer(**changes):
    return _LAYER.format(**{**_GOOD_LAYER, **changes})


_LAYER_PIXEL_LOOP = '''
def conv2d_layer(x, weight, bias, stride=1, padding=0):
    x, weight, bias = np.asarray(x, dtype=float), np.asarray(weight, dtype=float), np.asarray(bias, dtype=float)
    n, c, h, w = x.shape
    f, _, kh, kw = weight.shape
    out_h = (h + 2 * padding - kh) // stride + 1
    out_w = (w + 2 * padding - kw) // stride + 1
    padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = np.zeros((n, f, out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            patch = padded[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.einsum("ncuv,fcuv->nf", patch, weight)
    return out + bias[None, :, None, None]
'''

_LAYER_PER_CHANNEL_CONV2D = '''
def _loop_conv2d(image, kernel, stride, padding):
    kh, kw = kernel.shape
    padded = np.pad(image, padding)
    out_h = (image.shape[0] + 2 * padding - kh) // stride + 1
    out_w = (image.shape[1] + 2 * padding - kw) // stride + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = np.sum(padded[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel)
    return out


def conv2d_layer(x, weight, bias, stride=1, padding=0):
    x, weight, bias = np.asarray(x, dtype=float), np.asarray(weight, dtype=float), np.asarray(bias, dtype=float)
    maps = [[bias[f] + sum(_loop_conv2d(x[n, c], weight[f, c], stride, padding) for c in range(x.shape[1]))
             for f in range(weight.shape[0])] for n in range(x.shape[0])]
    return np.array(maps)
'''

_LAYER_TORCH = '''
def conv2d_layer(x, weight, bias, stride=1, padding=0):
    as_t = lambda a: torch.as_tensor(np.asarray(a, dtype=float))
    return torch.nn.functional.conv2d(as_t(x), as_t(weight), as_t(bias), stride=stride, padding=padding).numpy()
'''

_LAYER_MUTATES = _layer().replace(
    "    x, weight, bias = np.asarray(x, dtype=float), np.asarray(weight, dtype=float), np.asarray(bias, dtype=float)",
    "    bias -= 0.0\n    bias *= 1.001\n"
    "    x, weight, bias = np.asarray(x, dtype=float), np.asarray(weight, dtype=float), np.asarray(bias, dtype=float)")

# ---------------------------------------------------------------------------
# SimpleCNN(num_classes=10)
# ---------------------------------------------------------------------------

_CNN = '''
class SimpleCNN(torch.nn.Module):
    def __init__(self, num_classes={default}):
        super().__init__()
        nn = torch.nn
        self.conv1 = nn.Conv2d(1, 32, kernel_size={k}, padding={p})
        self.conv2 = nn.Conv2d(32, 64, kernel_size={k}, padding={p})
        self.pool = {pool}
        self.relu = nn.ReLU()
        self.fc1 = nn.Linear({flat}, {hidden})
        self.dropout = nn.Dropout({p_drop})
        self.fc2 = nn.Linear({hidden}, {out})

    def forward(self, x):
        F = torch.nn.functional
        x = self.pool({act1}(self.conv1(x)))
        x = self.pool({act2}(self.conv2(x)))
        x = {flatten}
        x = {hidden_out}
        return {result}
'''
_GOOD_CNN = dict(default="10", k="3", p="1", pool="nn.MaxPool2d(2, 2)", flat="64 * 7 * 7", hidden="128",
                 p_drop="0.5", out="num_classes", act1="self.relu", act2="self.relu",
                 flatten="torch.flatten(x, 1)", hidden_out="self.dropout(self.relu(self.fc1(x)))",
                 result="self.fc2(x)")


def _cnn(**changes):
    return _CNN.format(**{**_GOOD_CNN, **changes})


MUTANTS = [
    # conv_output_size
    Mutant("conv_output_size", "true division", _size(formula="(n + 2 * padding - k) / stride + 1"), "int"),
    Mutant("conv_output_size", "forgot + 1", _size(formula="(n + 2 * padding - k) // stride"), "+ 1"),
    Mutant("conv_output_size", "+ 1 inside the division", _size(formula="(n + 2 * padding - k + 1) // stride"),
           "after the division"),
    Mutant("conv_output_size", "padding on one side", _size(formula="(n + padding - k) // stride + 1"),
           "both sides"),
    Mutant("conv_output_size", "padding ignored", _size(formula="(n - k) // stride + 1"), "padding is ignored"),
    Mutant("conv_output_size", "stride ignored", _size(formula="n + 2 * padding - k + 1"), "stride is ignored"),
    Mutant("conv_output_size", "ceil instead of floor", _size(formula="-(-(n + 2 * padding - k) // stride) + 1"),
           "round down"),
    Mutant("conv_output_size", "rounds a true division", _size(formula="round((n + 2 * padding - k) / stride) + 1"),
           "round down"),
    Mutant("conv_output_size", "default padding 1", _size(padding="1"), "wrong default"),
    # conv2d
    Mutant("conv2d", "flipped kernel (true convolution)", _conv(kernel="np.asarray(kernel, dtype=float)[::-1, ::-1]"),
           "do not flip"),
    Mutant("conv2d", "stride ignored", _conv(out_h="image.shape[0] + 2 * padding - kh + 1",
                                             out_w="image.shape[1] + 2 * padding - kw + 1", step="1"),
           "stride is ignored"),
    Mutant("conv2d", "padding ignored", _conv(out_h="(image.shape[0] - kh) // stride + 1",
                                              out_w="(image.shape[1] - kw) // stride + 1", padded="image"),
           "padding is ignored"),
    Mutant("conv2d", "edge padding instead of zeros", _conv(padded="np.pad(image, padding, mode='edge')"),
           "pad with zeros"),
    Mutant("conv2d", "output with the image's integer dtype", _conv(image="np.asarray(image)",
                                                                    out="np.zeros((out_h, out_w), dtype=image.dtype)"),
           "float array"),
    Mutant("conv2d", "uint8 arithmetic", _conv(image="np.asarray(image)",
                                               kernel="np.asarray(kernel).astype(np.asarray(image).dtype)"),
           "uint8"),
    Mutant("conv2d", "one position too few", _conv(out_h="(image.shape[0] + 2 * padding - kh) // stride",
                                                   out_w="(image.shape[1] + 2 * padding - kw) // stride"),
           "output shape"),
    Mutant("conv2d", "modifies the kernel in place", _CONV_MUTATES, "in place"),
    # max_pool2d
    Mutant("max_pool2d", "average pooling", _pool(reduce="np.mean"), "not the mean"),
    Mutant("max_pool2d", "minimum", _pool(reduce="np.min"), "not the minimum"),
    Mutant("max_pool2d", "largest absolute value", _pool(reduce="(lambda w: np.max(np.abs(w)))"),
           "absolute value"),
    Mutant("max_pool2d", "stride ignored (step = size)", _pool(out_h="(x.shape[0] - size) // size + 1",
                                                               out_w="(x.shape[1] - size) // size + 1", step="size"),
           "stride is ignored"),
    Mutant("max_pool2d", "keeps incomplete windows (ceil)", _pool(out_h="-(-(x.shape[0] - size) // stride) + 1",
                                                                  out_w="-(-(x.shape[1] - size) // stride) + 1"),
           "incomplete windows"),
    Mutant("max_pool2d", "default stride 1", _pool(stride="1"), "default"),
    Mutant("max_pool2d", "maximum starts at 0", _pool(reduce="(lambda w: max(0.0, np.max(w)))"),
           "start the maximum at 0"),
    Mutant("max_pool2d", "modifies x in place", _POOL_MUTATES, "in place"),
    # conv2d_layer
    Mutant("conv2d_layer", "forgot the bias", _layer(result="out"), "forgot the bias"),
    Mutant("conv2d_layer", "bias in reverse order", _layer(result="out + bias[::-1][None, :, None, None]"),
           "belongs to filter f"),
    Mutant("conv2d_layer", "mean over channels", _layer(result="out / c + bias[None, :, None, None]"),
           "do not average"),
    Mutant("conv2d_layer", "flipped kernel", _layer(combine='np.einsum("nchw,fc->nfhw", patch, '
                                                            'weight[:, :, kh - 1 - u, kw - 1 - v])'),
           "do not flip"),
    Mutant("conv2d_layer", "channels last output", _layer(result="(out + bias[None, :, None, None])"
                                                                 ".transpose(0, 2, 3, 1)"),
           "(N, F, H', W')"),
    Mutant("conv2d_layer", "stride ignored", _layer(out_h="h + 2 * padding - kh + 1",
                                                    out_w="w + 2 * padding - kw + 1", step="1"),
           "stride is ignored"),
    Mutant("conv2d_layer", "padding ignored", _layer(out_h="(h - kh) // stride + 1", out_w="(w - kw) // stride + 1",
                                                     padded="x"), "padding is ignored"),
    Mutant("conv2d_layer", "squeezes size-1 axes", _layer(result="np.squeeze(out + bias[None, :, None, None])"),
           "no np.squeeze"),
    Mutant("conv2d_layer", "loop over output pixels", _LAYER_PIXEL_LOOP, "not vectorised"),
    Mutant("conv2d_layer", "per-channel loop-based conv2d", _LAYER_PER_CHANNEL_CONV2D, "not vectorised"),
    Mutant("conv2d_layer", "calls torch's conv2d", _LAYER_TORCH, "with numpy"),
    Mutant("conv2d_layer", "modifies bias in place", _LAYER_MUTATES, "in place"),
    # SimpleCNN
    Mutant("SimpleCNN", "num_classes ignored", _cnn(out="10"), "num_classes"),
    Mutant("SimpleCNN", "no padding", _cnn(p="0", flat="64 * 5 * 5"), "padding=1"),
    Mutant("SimpleCNN", "5x5 kernels", _cnn(k="5", p="2"), "3x3"),
    Mutant("SimpleCNN", "256 hidden units", _cnn(hidden="256"), "128"),
    Mutant("SimpleCNN", "dropout 0.2", _cnn(p_drop="0.2"), "0.5"),
    Mutant("SimpleCNN", "dropout never applied", _cnn(hidden_out="self.relu(self.fc1(x))"), "forget to apply"),
    Mutant("SimpleCNN", "functional dropout also in eval mode",
           _cnn(hidden_out="F.dropout(self.relu(self.fc1(x)), 0.5)"), "eval mode"),
    Mutant("SimpleCNN", "dropout on the conv features",
           _cnn(flatten="self.dropout(torch.flatten(x, 1))", hidden_out="self.relu(self.fc1(x))"),
           "after fc1"),
    Mutant("SimpleCNN", "average pooling", _cnn(pool="nn.AvgPool2d(2, 2)"), "max pooling"),
    Mutant("SimpleCNN", "softmax output", _cnn(result="torch.softmax(self.fc2(x), dim=1)"), "logits"),
    Mutant("SimpleCNN", "ReLU on the output", _cnn(result="self.relu(self.fc2(x))"), "no activation after the last"),
    Mutant("SimpleCNN", "no ReLU after conv2", _cnn(act2=""), "ReLU is missing"),
    Mutant("SimpleCNN", "sigmoid after conv1", _cnn(act1="torch.sigmoid"), "wrong layers or order"),
    Mutant("SimpleCNN", "default num_classes 2", _cnn(default="2"), "default"),
]
