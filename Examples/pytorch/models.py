"""Reference PyTorch definitions of MixupLab's MLP, LeNet-5, VGG and PreActResNet.

`mixuplab export --checkpoint FILE --weights-only --out model.safetensors` writes a state dict
that `load_state_dict(strict=True)` accepts for these modules, and they compute the same logits
as MixupLab's models (evaluation mode). The export's metadata records the architecture
(`mixuplab.model`), so `load_exported(path)` builds the matching module and loads the weights:

    import models
    net, manifest = models.load_exported("model.safetensors")
    logits = net(x)   # x prepared as the checkpoint records (see manifest["input"])

Layouts match MixupLab's: linear weights [out, in], conv weights [out, in, kh, kw] (OIHW), batch
norm weight/bias/running_mean/running_var/num_batches_tracked (eps 1e-5, momentum 0.1).
"""
import json
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

ACTIVATIONS = {
    "identity": nn.Identity,
    "relu": nn.ReLU,
    "gelu": nn.GELU,  # exact (erf) GELU, as MixupLab's
    "tanh": nn.Tanh,
    "softplus": nn.Softplus,
    "sigmoid": nn.Sigmoid,
}


class MLP(nn.Module):
    """Linear layers `layers.0 … layers.K` with the activation between them (none after the last)."""

    def __init__(self, widths, activation="relu", bias=True):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b, bias=bias) for a, b in zip(widths, widths[1:]))
        self.activation = ACTIVATIONS[activation]()

    def forward(self, x):
        h = x.flatten(1)
        for k, layer in enumerate(self.layers):
            h = layer(h)
            if k < len(self.layers) - 1:
                h = self.activation(h)
        return h


class LeNet5(nn.Module):
    """conv1(6, 5×5) → act → max-pool 2 → conv2(16, 5×5) → act → max-pool 2 → fc1(120) → act → fc2(84) → act → fc3.
    MixupLab pads conv1 by 2 for 28×28 inputs (the classic LeNet-5 on MNIST), by 0 otherwise."""

    def __init__(self, input_shape, class_count, activation="relu"):
        super().__init__()
        c, h, w = input_shape
        padding = 2 if (h, w) == (28, 28) else 0
        self.conv1 = nn.Conv2d(c, 6, 5, padding=padding)
        self.conv2 = nn.Conv2d(6, 16, 5)
        h1, w1 = (h + 2 * padding - 4) // 2, (w + 2 * padding - 4) // 2
        h2, w2 = (h1 - 4) // 2, (w1 - 4) // 2
        self.fc1 = nn.Linear(16 * h2 * w2, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, class_count)
        self.activation = ACTIVATIONS[activation]()

    def forward(self, x):
        a = self.activation
        h = F.max_pool2d(a(self.conv1(x)), 2)
        h = F.max_pool2d(a(self.conv2(h)), 2)
        h = h.flatten(1)
        return self.fc3(a(self.fc2(a(self.fc1(h)))))


VGG_CONFIGURATIONS = {
    "vgg11": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "vgg13": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
}


def scaled_width(channels, multiplier):
    """round(c·m), halves away from zero as Swift's `rounded()`, at least 1."""
    return max(1, int(math.floor(channels * multiplier + 0.5)))


class VGG(nn.Module):
    """`features`: (conv 3×3 pad 1 → batch norm → ReLU) blocks and 2×2 max-pools; `classifier`: one linear layer."""

    def __init__(self, depth, input_shape, class_count, width_multiplier=1.0):
        super().__init__()
        c, h, w = input_shape
        stages = []
        for entry in VGG_CONFIGURATIONS[depth]:
            if entry == "M":
                stages.append(nn.MaxPool2d(2))
                h, w = h // 2, w // 2
            else:
                width = scaled_width(entry, width_multiplier)
                stages += [nn.Conv2d(c, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU()]
                c = width
        self.features = nn.Sequential(*stages)
        self.classifier = nn.Linear(c * h * w, class_count)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


class PreActBlock(nn.Module):
    """Pre-activation residual block (He et al. 2016); bottleneck (1×1, 3×3, 1×1, expansion 4) for ResNet-50."""

    def __init__(self, in_channels, planes, stride, bottleneck):
        super().__init__()
        out = 4 * planes if bottleneck else planes
        self.bn1 = nn.BatchNorm2d(in_channels)
        if bottleneck:
            self.conv1 = nn.Conv2d(in_channels, planes, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.conv2 = nn.Conv2d(planes, planes, 3, stride=stride, padding=1, bias=False)
            self.bn3 = nn.BatchNorm2d(planes)
            self.conv3 = nn.Conv2d(planes, out, 1, bias=False)
        else:
            self.conv1 = nn.Conv2d(in_channels, planes, 3, stride=stride, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
            self.bn3 = None
            self.conv3 = None
        if stride != 1 or in_channels != out:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out, 1, stride=stride, bias=False))
        else:
            self.shortcut = None
        self.out_channels = out

    def forward(self, x):
        pre = F.relu(self.bn1(x))
        skip = self.shortcut(pre) if self.shortcut is not None else x
        h = self.conv2(F.relu(self.bn2(self.conv1(pre))))
        if self.conv3 is not None:
            h = self.conv3(F.relu(self.bn3(h)))
        return h + skip


class PreActResNet(nn.Module):
    """conv1 3×3 → layer1…layer4 of PreActBlocks (strides 1, 2, 2, 2) → bn → ReLU → global average pool → linear."""

    BLOCKS = {"preactresnet18": ([2, 2, 2, 2], False), "preactresnet34": ([3, 4, 6, 3], False),
              "preactresnet50": ([3, 4, 6, 3], True)}

    def __init__(self, depth, input_shape, class_count, base_width=64):
        super().__init__()
        counts, bottleneck = self.BLOCKS[depth]
        self.conv1 = nn.Conv2d(input_shape[0], base_width, 3, padding=1, bias=False)
        channels = base_width
        for k, count in enumerate(counts):
            blocks = []
            for b in range(count):
                block = PreActBlock(channels, base_width << k, 2 if (b == 0 and k > 0) else 1, bottleneck)
                channels = block.out_channels
                blocks.append(block)
            setattr(self, f"layer{k + 1}", nn.Sequential(*blocks))
        self.bn = nn.BatchNorm2d(channels)
        self.linear = nn.Linear(channels, class_count)

    def forward(self, x):
        h = self.conv1(x)
        h = self.layer4(self.layer3(self.layer2(self.layer1(h))))
        h = F.relu(self.bn(h)).mean(dim=(2, 3))
        return self.linear(h)


def build_model(manifest):
    """The module for a MixupLab model record (the export's `mixuplab.model` metadata, parsed)."""
    spec, shape, outputs = manifest["model"], manifest["inputShape"], manifest["outputCount"]
    kind = spec["kind"]
    if kind == "mlp":
        return MLP([math.prod(shape)] + spec["hiddenWidths"] + [outputs], spec["activation"], spec["bias"])
    if kind == "lenet":
        return LeNet5(shape, outputs, spec["activation"])
    if kind in VGG_CONFIGURATIONS:
        return VGG(kind, shape, outputs, spec["widthMultiplier"])
    if kind in PreActResNet.BLOCKS:
        return PreActResNet(kind, shape, outputs, spec["baseWidth"])
    raise ValueError(f"no reference PyTorch definition for model '{kind}'")


def load_exported(path):
    """Builds the module an export describes, loads its weights strictly and switches it to eval mode."""
    from safetensors import safe_open
    from safetensors.torch import load_file

    with safe_open(path, framework="pt") as f:
        manifest = json.loads(f.metadata()["mixuplab.model"])
    model = build_model(manifest)
    model.load_state_dict(load_file(path), strict=True)
    model.eval()
    return model, manifest
