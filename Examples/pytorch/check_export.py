"""Checks a `mixuplab export` against PyTorch: strict loading and equal logits.

    python3 check_export.py model.safetensors probe.safetensors

`probe.safetensors` holds `inputs` (prepared samples) and `logits` (MixupLab's logits for them).
Builds the reference module from the export's metadata (models.py), loads the state dict with
strict=True, runs it in eval mode on the inputs and compares the logits within float32 tolerance
(|a − b| ≤ 1e-4 + 1e-4·|b| and ≤ 1% of the logits' spread over inputs), after checking that our logits vary between inputs by more than that
(else equal logits would prove nothing). Prints the largest difference; exits 1 on any failure.
"""
import os
import sys

import torch
from safetensors.torch import load_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402


def main(export_path, probe_path):
    model, manifest = models.load_exported(export_path)   # raises on any missing/unexpected/misshaped tensor
    probe = load_file(probe_path)
    with torch.no_grad():
        logits = model(probe["inputs"].float())
    expected = probe["logits"].float()
    if logits.shape != expected.shape:
        print(f"FAIL {manifest['model']['kind']}: logits shape {tuple(logits.shape)} vs {tuple(expected.shape)}")
        return 1
    difference = (logits - expected).abs().max().item()
    spread = (expected - expected.mean(dim=0)).abs().max().item()
    if spread < 1e-3:
        print(f"FAIL {manifest['model']['kind']}: our logits hardly depend on the input (spread {spread:.3g}), "
              "so equal logits would prove nothing")
        return 1
    ok = torch.allclose(logits, expected, rtol=1e-4, atol=1e-4) and difference <= 1e-2 * spread
    scale = expected.abs().max().item()
    print(f"{'OK' if ok else 'FAIL'} {manifest['model']['kind']}: strict load, max |logit difference| {difference:.3g} "
          f"(max |logit| {scale:.3g}, spread over inputs {spread:.3g})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
