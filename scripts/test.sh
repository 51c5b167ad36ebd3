#!/usr/bin/env bash
# The whole test suite: install what is missing, then run every test in a release build
# (numeric code is 100x slower in debug). OpenBLAS is pinned to one thread so results are
# reproducible and parallel test processes don't oversubscribe the cores.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export OPENBLAS_NUM_THREADS=1
exec swift test -c release "$@"
