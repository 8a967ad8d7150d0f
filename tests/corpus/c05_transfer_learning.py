"""Correct answers to module 05 (transfer learning), written in styles other than the reference."""

from __future__ import annotations

from corpus import Alternative

# ---------------------------------------------------------------------------
# count_trainable(model)
# ---------------------------------------------------------------------------

_COUNT_LOOP = '''
def count_trainable(model):
    total = 0
    for parameter in model.parameters():
        if parameter.requires_grad:
            total += parameter.numel()
    return total
'''

_COUNT_MATH_PROD = '''
import math


def count_trainable(model: torch.nn.Module) -> int:
    """Elements of the trainable parameters: the product of each shape (math.prod(()) is 1)."""
    return sum(math.prod(p.shape) for _name, p in model.named_parameters() if p.requires_grad)
'''

_COUNT_MODULE_WALK = '''
def count_trainable(model):
    # walk the modules myself; a parameter shared by two layers (tied weights) is counted once
    seen = set()
    results = 0
    for module in model.modules():
        for parameter in module.parameters(recurse=False):
            if id(parameter) in seen or not parameter.requires_grad:
                continue
            seen.add(id(parameter))
            results += int(np.prod(parameter.shape))
    return results
'''

# ---------------------------------------------------------------------------
# freeze_backbone(model)
# ---------------------------------------------------------------------------

_FREEZE_REQUIRES_GRAD_ = '''
def freeze_backbone(model):
    model.requires_grad_(False)        # everything ...
    model._fc.requires_grad_(True)     # ... but the head
    return model
'''

_FREEZE_BY_NAME = '''
def freeze_backbone(model):
    for name, parameter in model.named_parameters():
        parameter.requires_grad = name.startswith("_fc.")
    print("trainable:", [name for name, p in model.named_parameters() if p.requires_grad])
    return model
'''

_FREEZE_BY_IDENTITY = '''
def freeze_backbone(model: torch.nn.Module) -> torch.nn.Module:
    head = {id(p) for p in model._fc.parameters()}
    assert head, "the model has no classifier head parameters to keep trainable"
    for parameter in model.parameters():
        parameter.requires_grad_(id(parameter) in head)
    return model
'''

# ---------------------------------------------------------------------------
# replace_head(model, num_classes)
# ---------------------------------------------------------------------------

_REPLACE_WEIGHT_SHAPE = '''
from torch import nn


def replace_head(model, num_classes):
    in_features = model._fc.weight.shape[1]     # Linear weights are (out_features, in_features)
    model._fc = nn.Linear(in_features, num_classes)
    return model
'''

_REPLACE_ADD_MODULE = '''
def replace_head(model, num_classes):
    # add_module under an existing name replaces that submodule
    model.add_module("_fc", torch.nn.Linear(model._fc.in_features, num_classes))
    return model
'''

_REPLACE_SAME_DEVICE = '''
def replace_head(model: torch.nn.Module, num_classes: int) -> torch.nn.Module:
    """A fresh head on the old head's device and dtype, so that a model on a GPU keeps working."""
    old = model._fc
    assert isinstance(old, torch.nn.Linear), "expected a Linear classifier head"
    new = torch.nn.Linear(old.in_features, num_classes, bias=True,
                          device=old.weight.device, dtype=old.weight.dtype)
    model._fc = new
    return model
'''

# ---------------------------------------------------------------------------
# extract_features(backbone, loader)
# ---------------------------------------------------------------------------

_EXTRACT_INFERENCE_MODE = '''
def extract_features(backbone, loader):
    backbone.eval()
    features = []
    with torch.inference_mode():
        for inputs, _labels in loader:
            out = backbone(inputs)
            features.append(out.reshape(out.shape[0], -1))
    return torch.cat(features, dim=0)
'''

_EXTRACT_DECORATED_HELPER = '''
@torch.no_grad()
def _features_of(backbone, inputs):
    return torch.flatten(backbone(inputs), start_dim=1)


def extract_features(backbone, loader):
    """Features in eval mode; the backbone's previous mode is put back afterwards."""
    was_training = backbone.training
    backbone.eval()
    try:
        results = [_features_of(backbone, batch[0]) for batch in loader]
    finally:
        backbone.train(was_training)
    return torch.vstack(results)
'''

_EXTRACT_NUMPY = '''
def extract_features(backbone, loader):
    backbone.train(False)
    data = []           # a local name; NumPy arrays, turned back into one tensor at the end
    with torch.set_grad_enabled(False):
        for inputs, targets in loader:
            data.append(backbone(inputs).flatten(1).numpy())
    return torch.from_numpy(np.concatenate(data, axis=0))
'''

ALTERNATIVES = [
    Alternative("count_trainable", "for loop", _COUNT_LOOP),
    Alternative("count_trainable", "math.prod over named_parameters", _COUNT_MATH_PROD),
    Alternative("count_trainable", "walk modules, dedupe by id, local results", _COUNT_MODULE_WALK),
    Alternative("freeze_backbone", "requires_grad_ on model and head", _FREEZE_REQUIRES_GRAD_),
    Alternative("freeze_backbone", "by parameter name, print", _FREEZE_BY_NAME),
    Alternative("freeze_backbone", "by parameter identity, assert", _FREEZE_BY_IDENTITY),
    Alternative("replace_head", "in_features from the weight shape", _REPLACE_WEIGHT_SHAPE),
    Alternative("replace_head", "add_module", _REPLACE_ADD_MODULE),
    Alternative("replace_head", "same device and dtype, type hints", _REPLACE_SAME_DEVICE),
    Alternative("extract_features", "torch.inference_mode", _EXTRACT_INFERENCE_MODE),
    Alternative("extract_features", "@torch.no_grad helper, mode restored", _EXTRACT_DECORATED_HELPER),
    Alternative("extract_features", "set_grad_enabled(False), via NumPy", _EXTRACT_NUMPY),
]
