#!/bin/bash
# Builds and runs the batch-norm kernel harnesses (Benchmarks/README.md, "Batch norm in C"):
# timings against memcpy at 1 and 2 threads, the cost of Double accumulation, and a byte-for-byte
# comparison of the kernels' outputs from the dispatched clone, a baseline-only (SSE2) build and an
# AVX2+FMA build. Needs the Swift toolchain's clang (or any clang) on PATH. Scratch files go to a
# temporary directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../Sources/CKernels"
cc=${CC:-clang}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
common=(-O3 -I"$src/include" -I"$src" "$src/Parallel.c" -lpthread -lm)
"$cc" "$here/bench.c" "$src/BatchNorm.c" "${common[@]}" -o "$out/bench"
"$cc" -march=x86-64-v3 -ffp-contract=off "$here/float_lanes.c" "$src/BatchNorm.c" "${common[@]}" -o "$out/float_lanes"
"$cc" "$here/clones_dump.c" "$src/BatchNorm.c" "${common[@]}" -o "$out/dump_clones"
"$cc" "$here/clones_dump.c" "$here/baseline_only.c" "${common[@]}" -o "$out/dump_baseline"
"$cc" -mavx2 -mfma "$here/clones_dump.c" "$here/baseline_only.c" "${common[@]}" -o "$out/dump_fma"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$out/bench" 1
"$out/bench" 2
"$out/float_lanes" 1024
"$out/float_lanes" 64
"$out/dump_clones" > "$out/a.bin"
"$out/dump_baseline" > "$out/b.bin"
"$out/dump_fma" > "$out/c.bin"
if cmp -s "$out/a.bin" "$out/b.bin" && cmp -s "$out/a.bin" "$out/c.bin"; then
    echo "clones: dispatched, baseline-only and AVX2+FMA builds give byte-identical outputs"
else
    echo "clones: outputs DIFFER between builds" >&2
    exit 1
fi
