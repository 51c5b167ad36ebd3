#!/usr/bin/env bash
# One command against the peers: W1 (MLP 64-128-128-10, Adam), W2 (LeNet-5 28x28, SGD) and W3
# (PreActResNet-18 width 64, 3x32x32, SGD) for ERM, Mixup, MixupE q-bar and MixupE exact q, in
# MixupLab (`mixuplab-step-bench`, release), PyTorch and JAX (Peers/step_peers.py), interleaved
# (each workload/arm/thread count runs in all three before the next), one process per row so the
# peak RSS is that arm's, on 1 and 2 threads. Prints the ratio table at the end.
#
# Usage: Benchmarks/compare-peers.sh
# Environment: WORKLOADS="W1 W2 W3"  ARMS="erm mixup mixupe-approx mixupe-exact"  THREADS="1 2"
#              FRAMEWORKS="mixuplab torch jax"  PEERS_VENV=~/.cache/mixuplab/peers-venv
#              REPEATS=N (timed blocks per row for both sides; default per workload, W3: 2)
#              PIN=0 (do not pin; by default a T-thread row runs on CPUs 0..T-1 via taskset, because
#              XLA keeps a second thread busy even when told to use one: unpinned, JAX's "1-thread"
#              W1 rows ran 15-25 % faster with the second core idle, Benchmarks/README)
# The peers' venv lives outside the package and is created on first use (pip install torch jax
# jaxlib: several GB, minutes). Raw RESULT lines of the last run: Benchmarks/.build/compare-peers-last.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
WORKLOADS="${WORKLOADS:-W1 W2 W3}"
ARMS="${ARMS:-erm mixup mixupe-approx mixupe-exact}"
THREADS="${THREADS:-1 2}"
FRAMEWORKS="${FRAMEWORKS:-mixuplab torch jax}"
PEERS_VENV="${PEERS_VENV:-$HOME/.cache/mixuplab/peers-venv}"
extra=()
if [[ -n "${REPEATS:-}" ]]; then extra=(--repeats "$REPEATS"); fi

if [[ " $FRAMEWORKS " == *" torch "* || " $FRAMEWORKS " == *" jax "* ]]; then
    if ! "$PEERS_VENV/bin/python" -c 'import torch, jax' 2>/dev/null; then
        echo "Creating the peers' venv in $PEERS_VENV (pip install torch jax jaxlib; several GB) ..." >&2
        python3 -m venv "$PEERS_VENV"
        "$PEERS_VENV/bin/pip" install --quiet torch jax jaxlib
    fi
fi
echo "Building mixuplab-step-bench (release) ..." >&2
(cd "$root" && swift build -c release --product mixuplab-step-bench >&2)
bench="$(cd "$root" && swift build -c release --show-bin-path)/mixuplab-step-bench"

mkdir -p "$here/.build"
results="$here/.build/compare-peers-last.txt"
: > "$results"
pinning="pinned: a T-thread row runs on CPUs 0..T-1 (taskset)"
if [[ ${PIN:-1} == 0 ]] || ! command -v taskset >/dev/null; then pinning="not pinned"; fi
echo "== compare-peers $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $pinning"
"$bench" --version
if [[ -x "$PEERS_VENV/bin/python" ]]; then
    "$PEERS_VENV/bin/python" - <<'PY' 2>/dev/null || true
import importlib
for name in ("torch", "jax"):
    try:
        m = importlib.import_module(name)
        print(f"{name} {m.__version__}", end="; ")
    except Exception as e:
        print(f"{name} missing", end="; ")
print()
PY
fi

# "T threads" means T cores for every framework: each row runs pinned to CPUs 0..T-1.
pinned() {  # threads command...
    local t=$1; shift
    if [[ ${PIN:-1} != 0 ]] && command -v taskset >/dev/null && (( t <= $(nproc) )); then
        taskset -c "$(seq -s, 0 $((t - 1)))" "$@"
    else
        "$@"
    fi
}

run_one() {  # framework workload arm threads
    local fw=$1 w=$2 arm=$3 t=$4 line
    if [[ $fw == mixuplab ]]; then
        line=$(pinned "$t" "$bench" "$w" "$arm" --threads "$t" "${extra[@]}" 2>&1 | grep '^RESULT' || true)
    else
        line=$(OMP_NUM_THREADS=$t pinned "$t" "$PEERS_VENV/bin/python" "$here/Peers/step_peers.py" "$fw" "$w" "$arm" --threads "$t" "${extra[@]}" 2>&1 | grep '^RESULT' || true)
    fi
    if [[ -z $line ]]; then line="RESULT framework=$fw workload=$w arm=$arm threads=$t median=- best=- peak_rss_mb=- failed=1"; fi
    echo "$line" | tee -a "$results" >&2
}

for t in $THREADS; do
    for w in $WORKLOADS; do
        for arm in $ARMS; do
            for fw in $FRAMEWORKS; do run_one "$fw" "$w" "$arm" "$t"; done
        done
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Ratio table: samples/s (median of the timed blocks), MixupLab ÷ peer, peak RSS in MB, and the
# step-time ratio q-bar/Mixup (target ≤ 1.6) per framework.
awk '
    function field(k,   i, kv) { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] } return "-" }
    function fwkey(f) { return f ~ /^MixupLab/ ? "ml" : f ~ /^PyTorch|^torch/ ? "pt" : f ~ /^JAX|^jax/ ? "jx" : f }
    function ratio(a, b) { return (a != "-" && b != "-" && b > 0) ? sprintf("%.2f", a / b) : "-" }
    /^RESULT/ {
        k = field("workload") " " field("arm") " " field("threads")
        f = fwkey(field("framework"))
        rate[k, f] = field("median"); rss[k, f] = field("peak_rss_mb")
        if (!(k in seen)) { seen[k] = 1; order[++n] = k }
    }
    END {
        printf "\n%-26s %9s %9s %9s %7s %7s %17s\n", "workload arm threads", "MixupLab", "PyTorch", "JAX", "ML/PT", "ML/JAX", "peak RSS MB ML/PT/JAX"
        printf "%-26s %9s %9s %9s %7s %7s %17s\n", "", "samples/s", "samples/s", "samples/s", "", "", ""
        for (i = 1; i <= n; i++) {
            k = order[i]
            printf "%-26s %9s %9s %9s %7s %7s %17s\n", k, rate[k, "ml"], rate[k, "pt"], rate[k, "jx"],
                   ratio(rate[k, "ml"], rate[k, "pt"]), ratio(rate[k, "ml"], rate[k, "jx"]),
                   rss[k, "ml"] "/" rss[k, "pt"] "/" rss[k, "jx"]
        }
        printf "\nMixupE step time relative to Mixup (q-bar; exact q), per framework (target q-bar <= 1.6):\n"
        for (i = 1; i <= n; i++) {
            split(order[i], p, " ")
            if (p[2] != "mixup") continue
            a = p[1] " mixupe-approx " p[3]; e = p[1] " mixupe-exact " p[3]
            printf "%-14s", p[1] " " p[3] "thr"
            split("ml pt jx", fs, " "); split("MixupLab PyTorch JAX", names, " ")
            for (j = 1; j <= 3; j++) printf "  %s %s; %s", names[j], ratio(rate[order[i], fs[j]], rate[a, fs[j]]), ratio(rate[order[i], fs[j]], rate[e, fs[j]])
            printf "\n"
        }
        print "\nOne session, interleaved; the machine is shared, so compare ratios within this run only."
    }
' "$results"
