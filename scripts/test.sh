#!/usr/bin/env bash
# The whole test suite: install what is missing, then run every test in a release build
# (numeric code is 100x slower in debug). OpenBLAS is pinned to one thread so results are
# reproducible and parallel test processes don't oversubscribe the cores.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export OPENBLAS_NUM_THREADS=1
# User regularizers both ways (compiled in, and `mixuplab --plugin`) on real data. It runs first so
# that swift test's summary stays the last line of the log.
scripts/check-plugin-example.sh
# XCTest only: the suite has no Swift Testing tests, and its empty "0 tests" summary would otherwise close the log.
# No testable imports (the tests use the public API only): `swift test` then compiles the modules
# with the same flags as the `swift build -c release` above, instead of rebuilding them all.
exec swift test -c release --disable-swift-testing --disable-testable-imports "$@"
