#!/usr/bin/env bash
# The main job: install what is missing, then run the four-arm ablation (ERM, Mixup, ERM+R,
# MixupE) on the UCI CMC dataset shipped in Data/cmc. Extra arguments go to `mixuplab ablate`
# (e.g. --data ../shared/data/tabular/optdigits.dat --seeds 5).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec swift run -c release mixuplab ablate --seeds 3 "$@"
