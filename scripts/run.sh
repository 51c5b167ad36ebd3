#!/usr/bin/env bash
# The main job: install what is missing, then run the paper's §3.2 protocol at small scale on the
# UCI CMC data shipped in Data/cmc (Examples/grids/protocol-cmc.yaml: ERM, Mixup, ERM+R, MixupE over
# α ∈ {0.2, 1, 2} × η ∈ {0.01, 0.1, 1} × 3 seeds, 66 runs, 2 local workers), select (α, η) on
# validation accuracy and print the table and the plot paths. Re-running continues where it stopped.
# Extra arguments go to `mixuplab sweep` (e.g. --workers 1); the output directory is $OUT (default runs/protocol-cmc).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product mixuplab
out="${OUT:-runs/protocol-cmc}"
.build/release/mixuplab sweep Examples/grids/protocol-cmc.yaml --out "$out" --workers 2 "$@"
exec .build/release/mixuplab collect "$out"
