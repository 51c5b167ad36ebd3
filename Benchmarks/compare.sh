#!/usr/bin/env bash
# Runs the engine benchmarks once and prints the side-by-side summary: MLP training-step samples/s,
# and sgemm GFLOP/s from raw OpenBLAS next to the same product through `Tensor` (medians, p50).
# Usage: Benchmarks/compare.sh [extra `swift package benchmark` arguments, e.g. --filter 'sgemm.*']
# The full package-benchmark report of the last run is kept in Benchmarks/.build/compare-last.txt.
set -euo pipefail
cd "$(dirname "$0")"

report=.build/compare-last.txt
mkdir -p .build
echo "Running the benchmarks (first run builds package-benchmark: a few minutes) ..." >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if ! swift package benchmark --no-progress "$@" > "$report" 2>&1; then
    tail -n 40 "$report" >&2
    echo "compare.sh: 'swift package benchmark' failed; full output in Benchmarks/$report" >&2
    exit 1
fi
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# Header: the OpenBLAS core and CPU the numbers were measured on (printed by EngineBenchmarks).
grep -m1 '^BLAS-CORE: ' "$report" | sed 's/^BLAS-CORE: /OpenBLAS core: /' || echo "OpenBLAS core: (not reported)"
grep -m1 '^BLAS-CPU: ' "$report" | sed 's/^BLAS-CPU: /CPU: /' || true

# package-benchmark's text tables: a benchmark's name on the line before its table's top border,
# then rows "│ metric │ p0 │ p25 │ p50 │ …". Collect the p50 column of our rate metrics.
awk -F'│' '
    function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
    /^╒/ { name = prev }
    /^│/ {
        metric = trim($2); sub(/ \(#\)$/, "", metric)
        if (metric == "GFLOP/s" || metric == "samples/s" || metric == "Melem/s") {
            p50[name "|" metric] = trim($5); best[name "|" metric] = trim($3)   # p0 is the best sample
        }
    }
    { prev = $0 }
    function get(key) { return (key in p50) ? p50[key] : "-" }
    function show(key) { return (key in p50) ? sprintf("%s (%s)", p50[key], best[key]) : "-" }
    END {
        print "\nMedian (best sample) of one run; rates, higher is better."
        printf "\n%-14s %20s %20s %11s\n", "sgemm shape", "raw OpenBLAS", "through Tensor", "Tensor/raw"
        printf "%-14s %20s %20s %11s\n", "(MxKxN)", "GFLOP/s", "GFLOP/s", "(median)"
        n = split("100x128x128 256x784x128 6x25x78400 16x150x10000", shapes, " ")
        for (i = 1; i <= n; i++) {
            rk = "sgemm raw " shapes[i] "|GFLOP/s"; tk = "matmul Tensor " shapes[i] "|GFLOP/s"
            raw = get(rk); ten = get(tk)
            ratio = (raw != "-" && ten != "-" && raw > 0) ? sprintf("%.0f %%", 100 * ten / raw) : "-"
            printf "%-14s %20s %20s %11s\n", shapes[i], show(rk), show(tk), ratio
        }
        printf "\n%-40s %16s\n", "MLP 64-128-128-10 step b100, 1 thread", "samples/s"
        printf "%-40s %16s\n", "(forward + loss + backward + Adam)", show("MLP 64-128-128-10 step b100|samples/s")
        printf "\n%-40s %16s %9s\n", "trainer step b100 (64-128-128-10)", "samples/s", "vs ERM"
        erm = get("trainer ERM step b100|samples/s")
        t = split("ERM Mixup MixupE-approx MixupE-exact", arms, " ")
        for (i = 1; i <= t; i++) {
            k = "trainer " arms[i] " step b100|samples/s"; v = get(k)
            r = (v != "-" && erm != "-" && erm > 0) ? sprintf("%.2f", v / erm) : "-"
            printf "%-40s %16s %9s\n", arms[i], show(k), r
        }
        printf "\n%-40s %16s %9s\n", "LeNet-5 step b100 (28x28x1)", "samples/s", "vs ERM"
        lerm = get("LeNet ERM step b100|samples/s")
        for (i = 1; i <= t; i++) {
            k = "LeNet " arms[i] " step b100|samples/s"; v = get(k)
            r = (v != "-" && lerm != "-" && lerm > 0) ? sprintf("%.2f", v / lerm) : "-"
            printf "%-40s %16s %9s\n", arms[i], show(k), r
        }
        for (i = 1; i <= 2; i++) {
            k = "LeNet " arms[i] " step b100 2 threads|samples/s"; v = get(k)
            r = (v != "-" && lerm != "-" && lerm > 0) ? sprintf("%.2f", v / lerm) : "-"
            printf "%-40s %16s %9s\n", arms[i] ", 2 threads", show(k), r
        }
        printf "\n%-30s %14s %14s %14s\n", "conv2d fwd+bwd (GFLOP/s)", "direct", "im2col+GEMM", "sgemm raw"
        nc = split("conv1 1->6 5x5 pad2 28x28 b100|conv2 6->16 5x5 14x14 b100|cifar 3->16 3x3 pad1 32x32 b100|vgg 64->64 3x3 pad1 16x16 b20", layers, "|")
        split("6x25x78400|16x150x10000||", raws, "|")
        for (i = 1; i <= nc; i++) {
            raw = raws[i] == "" ? "-" : show("sgemm raw " raws[i] "|GFLOP/s")
            printf "%-30s %14s %14s %14s\n", layers[i], show("conv2d fwd+bwd " layers[i] " direct|GFLOP/s"), show("conv2d fwd+bwd " layers[i] " im2colGEMM|GFLOP/s"), raw
        }
        printf "\n%-40s %16s\n", "elementwise on 100x128", "Melem/s"
        m = split("relu|exp|add bias (broadcast)|zeros Tensor|zeros [Float]", kernels, "|")
        for (i = 1; i <= m; i++) printf "%-40s %16s\n", kernels[i], show("elementwise " kernels[i] " 100x128|Melem/s")
        print "\nThe machine is shared: compare rows of the same run, not numbers across runs."
    }
' "$report"

# Optional peers, run right after in the same session so the ratios share the machine's load:
# PEERS_PYTHON=/path/to/venv/bin/python ./compare.sh (a venv with torch, jax and jaxlib; see README).
if [[ -n "${PEERS_PYTHON:-}" ]]; then
    echo
    echo "Peers (Peers/lenet_peers.py, same LeNet-5 step; median (best) of 5 blocks):"
    for threads in 1 2; do
        "$PEERS_PYTHON" Peers/lenet_peers.py --threads "$threads" 2>/dev/null || echo "peer run with $threads thread(s) failed" >&2
    done
fi
