"""Writes pytorch_compat.safetensors with the reference (Rust-backed) Python safetensors writer.

The Swift tests read the committed output and re-derive every value from the formulas below, so the
fixture is evidence that our reader understands files written by the PyTorch ecosystem, and (since it
has a single metadata key, making the reference writer's output deterministic) that our writer
produces byte-identical files. Regenerate with:  pip install safetensors numpy && python3 make_fixture.py
"""
import math
import os

import numpy as np
from safetensors.numpy import save_file

tensors = {
    # F32, 2-D, row-major: element (i, j) = 0.5 * (3 i + j) - 1
    "linear.weight": (np.arange(6, dtype=np.float32) * np.float32(0.5) - np.float32(1.0)).reshape(2, 3),
    # F32 scalar (0-rank tensor)
    "scale": np.array(0.75, dtype=np.float32),
    # F64 values that need full double precision
    "stats.mean": np.array([0.1, -2.5, 1e300, math.pi], dtype=np.float64),
    # I64 values beyond the 32-bit range
    "step": np.array([-(2**40), 0, 2**62 + 7], dtype=np.int64),
    # F16 half precision, exactly representable values
    "half": np.array([1.5, -0.25, 65504.0], dtype=np.float16),
}
here = os.path.dirname(os.path.abspath(__file__))
save_file(tensors, os.path.join(here, "pytorch_compat.safetensors"), metadata={"format": "pt"})
