#!/usr/bin/env bash
# The whole test suite: install what is missing, then run every test in a release build
# (numeric code is 100x slower in debug). OpenBLAS is pinned to one thread so results are
# reproducible and parallel test processes don't oversubscribe the cores.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh python3-venv slurm-wlm munge
export OPENBLAS_NUM_THREADS=1
# TensorBoard's own reader (PyPI `tensorboard`, in a venv outside the repo, created once: ~40 s)
# checks our event files in TensorBoardTests; with MIXUPLAB_PYTHON set that test fails, never skips.
venv="${MIXUPLAB_VENV:-$HOME/.cache/mixuplab/tensorboard-venv}"
if ! "$venv/bin/python" -c "import tensorboard" 2>/dev/null; then
  echo "Installing tensorboard into $venv …" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --disable-pip-version-check -q tensorboard
fi
export MIXUPLAB_PYTHON="$venv/bin/python"
# The DocC documentation (MixupLab.docc and every module it links to) must build without a warning:
# an article's link to a renamed symbol fails here. 0.5–2 minutes on top of the release build it reuses.
scripts/docs.sh
# User regularizers both ways (compiled in, and `mixuplab --plugin`) on real data. These checks run
# before swift test so that its summary stays the last line of the log.
scripts/check-plugin-example.sh
# Every file parser under libFuzzer for ~10 s each (Fuzz/ is a package of its own; its sanitizer build
# of the parser modules takes ~2.5 minutes). A crash or a broken invariant fails the run; findings are
# kept in Fuzz/.findings. The run-config harness is left to `scripts/fuzz.sh` (it builds the engine too).
scripts/fuzz.sh --smoke csv arff idx cifar wav tu safetensors
# A one-node Slurm on this machine (munged, slurmctld, slurmd; state in /tmp/mixuplab-slurm) for
# SweepCommandTests' job-array test. A watcher stops the daemons once the test process (which
# replaces this shell through exec below, keeping its pid) has exited.
slurm_env="$(scripts/slurm-local.sh start)"   # fails the script if the daemons do not come up
eval "$slurm_env"
export MIXUPLAB_SLURM=1
( while kill -0 $$ 2>/dev/null; do sleep 2; done; scripts/slurm-local.sh stop ) >/dev/null 2>&1 &
# XCTest only: the suite has no Swift Testing tests, and its empty "0 tests" summary would otherwise close the log.
# No testable imports (the tests use the public API only): `swift test` then compiles the modules
# with the same flags as the `swift build -c release` above, instead of rebuilding them all.
exec swift test -c release --disable-swift-testing --disable-testable-imports "$@"
