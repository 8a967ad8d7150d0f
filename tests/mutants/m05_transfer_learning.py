"""Wrong answers to module 05 (transfer learning) that the hidden tests must reject."""

from __future__ import annotations

from mutants import Mutant

# ---------------------------------------------------------------------------
# count_trainable(model)
# ---------------------------------------------------------------------------

_COUNT = '''
def count_trainable(model):
    return {body}
'''


def _count(body):
    return _COUNT.format(body=body)


_COUNT_MODULES = '''
def count_trainable(model):
    total = 0
    for module in model.modules():
        for p in module.parameters(recurse=False):
            if p.requires_grad:
                total += p.numel()
    return total
'''

# ---------------------------------------------------------------------------
# freeze_backbone(model)
# ---------------------------------------------------------------------------

_FREEZE_ALL = '''
def freeze_backbone(model):
    for p in model.parameters():
        p.requires_grad = False
    return model
'''

_FREEZE_HEAD_ONLY = '''
def freeze_backbone(model):
    for p in model._fc.parameters():
        p.requires_grad = False
    return model
'''

_FREEZE_CONV_ONLY = '''
def freeze_backbone(model):
    for module in model.modules():
        if isinstance(module, torch.nn.Conv2d):
            module.requires_grad_(False)
    return model
'''

_FREEZE_WEIGHTS_ONLY = '''
def freeze_backbone(model):
    for name, p in model.named_parameters():
        if not name.startswith("_fc") and name.endswith("weight"):
            p.requires_grad = False
    return model
'''

_FREEZE_ALL_BUT_LAST_CHILD = '''
def freeze_backbone(model):
    for child in list(model.children())[:-1]:
        child.requires_grad_(False)
    return model
'''

_FREEZE_ATTRIBUTE = '''
def freeze_backbone(model):
    model.requires_grad = False
    model._fc.requires_grad = True
    return model
'''

_FREEZE_NO_RETURN = '''
def freeze_backbone(model):
    for p in model.parameters():
        p.requires_grad = False
    for p in model._fc.parameters():
        p.requires_grad = True
'''

_FREEZE_COPY = '''
def freeze_backbone(model):
    import copy
    model = copy.deepcopy(model)
    for p in model.parameters():
        p.requires_grad = False
    for p in model._fc.parameters():
        p.requires_grad = True
    return model
'''

_FREEZE_HEAD_NOT_REENABLED = '''
def freeze_backbone(model):
    for name, p in model.named_parameters():
        if not name.startswith("_fc."):
            p.requires_grad = False
    return model
'''

# ---------------------------------------------------------------------------
# replace_head(model, num_classes)
# ---------------------------------------------------------------------------

_REPLACE = '''
def replace_head(model, num_classes):
    {body}
'''


def _replace(*lines):
    return _REPLACE.format(body="\n    ".join(lines))


# ---------------------------------------------------------------------------
# extract_features(backbone, loader)
# ---------------------------------------------------------------------------

_EXTRACT = '''
def extract_features(backbone, loader):
    {mode}
    outputs = []
    {context}
        for inputs, _ in {batches}:
            outputs.append({output})
    return {result}
'''
_GOOD_X = dict(mode="backbone.eval()", context="with torch.no_grad():", batches="loader",
               output="backbone(inputs).flatten(1)", result="torch.cat(outputs)")


def _extract(**changes):
    return _EXTRACT.format(**{**_GOOD_X, **changes})


_EXTRACT_GLOBAL_NO_GRAD = '''
def extract_features(backbone, loader):
    backbone.eval()
    torch.set_grad_enabled(False)
    return torch.cat([backbone(inputs).flatten(1) for inputs, _ in loader])
'''

_EXTRACT_LAST_BATCH = '''
def extract_features(backbone, loader):
    backbone.eval()
    with torch.no_grad():
        for inputs, _ in loader:
            features = backbone(inputs).flatten(1)
    return features
'''

_EXTRACT_WITH_LABELS = '''
def extract_features(backbone, loader):
    backbone.eval()
    features, labels = [], []
    with torch.no_grad():
        for inputs, targets in loader:
            features.append(backbone(inputs).flatten(1))
            labels.append(targets)
    return torch.cat(features), torch.cat(labels)
'''

MUTANTS = [
    # count_trainable
    Mutant("count_trainable", "counts all parameters", _count("sum(p.numel() for p in model.parameters())"),
           "requires_grad=True"),
    Mutant("count_trainable", "counts the frozen parameters",
           _count("sum(p.numel() for p in model.parameters() if not p.requires_grad)"), "frozen"),
    Mutant("count_trainable", "counts tensors instead of elements",
           _count("sum(1 for p in model.parameters() if p.requires_grad)"), "numel"),
    Mutant("count_trainable", "counts the state_dict (buffers too)",
           _count("sum(v.numel() for v in model.state_dict().values())"), "buffers"),
    Mutant("count_trainable", "returns a tensor",
           _count("torch.tensor(sum(p.numel() for p in model.parameters() if p.requires_grad))"), "python int"),
    Mutant("count_trainable", "returns a float",
           _count("float(sum(p.numel() for p in model.parameters() if p.requires_grad))"), "python int"),
    Mutant("count_trainable", "counts tied weights twice", _COUNT_MODULES, "counted once"),
    # freeze_backbone
    Mutant("freeze_backbone", "freezes the head too", _FREEZE_ALL, "must stay trainable"),
    Mutant("freeze_backbone", "freezes only the head", _FREEZE_HEAD_ONLY, "other way round"),
    Mutant("freeze_backbone", "batch norm left trainable", _FREEZE_CONV_ONLY, "batch norm"),
    Mutant("freeze_backbone", "biases left trainable", _FREEZE_WEIGHTS_ONLY, "biases are parameters too"),
    Mutant("freeze_backbone", "treats the last child as the head", _FREEZE_ALL_BUT_LAST_CHILD,
           "not necessarily the last"),
    Mutant("freeze_backbone", "sets model.requires_grad", _FREEZE_ATTRIBUTE, "nothing was frozen"),
    Mutant("freeze_backbone", "returns nothing", _FREEZE_NO_RETURN, "return model"),
    Mutant("freeze_backbone", "freezes a copy", _FREEZE_COPY, "same model object"),
    Mutant("freeze_backbone", "head not re-enabled", _FREEZE_HEAD_NOT_REENABLED, "explicitly"),
    # replace_head
    Mutant("replace_head", "hard-coded 1280 inputs",
           _replace("model._fc = torch.nn.Linear(1280, num_classes)", "return model"), "do not hard-code"),
    Mutant("replace_head", "swapped Linear arguments",
           _replace("model._fc = torch.nn.Linear(num_classes, model._fc.in_features)", "return model"), "swapped"),
    Mutant("replace_head", "only changes out_features",
           _replace("model._fc.out_features = num_classes", "return model"), "create a new nn.Linear"),
    Mutant("replace_head", "stacks a layer after the old head",
           _replace("model._fc = torch.nn.Sequential(model._fc, torch.nn.Linear(model._fc.out_features, num_classes))",
                    "return model"), "do not stack"),
    Mutant("replace_head", "returns the new head",
           _replace("model._fc = torch.nn.Linear(model._fc.in_features, num_classes)", "return model._fc"),
           "not the new head"),
    Mutant("replace_head", "returns nothing",
           _replace("model._fc = torch.nn.Linear(model._fc.in_features, num_classes)"), "return model"),
    Mutant("replace_head", "works on a copy",
           _replace("import copy", "model = copy.deepcopy(model)",
                    "model._fc = torch.nn.Linear(model._fc.in_features, num_classes)", "return model"), "not a copy"),
    Mutant("replace_head", "no bias",
           _replace("model._fc = torch.nn.Linear(model._fc.in_features, num_classes, bias=False)", "return model"),
           "keep the bias"),
    Mutant("replace_head", "frozen new head",
           _replace("model._fc = torch.nn.Linear(model._fc.in_features, num_classes).requires_grad_(False)",
                    "return model"), "trainable"),
    # extract_features
    Mutant("extract_features", "left in training mode", _extract(mode="pass"), "evaluation mode"),
    Mutant("extract_features", "sets backbone.training = False", _extract(mode="backbone.training = False"),
           "backbone.eval()"),
    Mutant("extract_features", "no torch.no_grad", _extract(context="if True:"), "no_grad"),
    Mutant("extract_features", "detaches instead of no_grad",
           _extract(context="if True:", output="backbone(inputs).flatten(1).detach()"), "no_grad"),
    Mutant("extract_features", "switches gradients off globally", _EXTRACT_GLOBAL_NO_GRAD, "switched back on"),
    Mutant("extract_features", "returns a list", _extract(result="outputs"), "not a list"),
    Mutant("extract_features", "returns a NumPy array", _extract(result="torch.cat(outputs).numpy()"),
           "torch tensor"),
    Mutant("extract_features", "keeps only the last batch", _EXTRACT_LAST_BATCH, "every batch"),
    Mutant("extract_features", "shuffles the data",
           _extract(batches="torch.utils.data.DataLoader(loader.dataset, batch_size=loader.batch_size, "
                            "shuffle=True)"), "loader's order"),
    Mutant("extract_features", "does not flatten feature maps", _extract(output="backbone(inputs)"), "flatten"),
    Mutant("extract_features", "returns the labels too", _EXTRACT_WITH_LABELS, "no labels"),
]
