#!/usr/bin/env bash
# Builds the DocC documentation: the MixupLab catalog (Sources/MixupLab/MixupLab.docc: Getting
# Started, regularizers, the MixupE loss, command-line workflows) together with every module the
# umbrella re-exports, as one combined archive, so the articles' ``/Module/Symbol`` links resolve.
# A symbol graph only holds a module's own symbols (not re-exported ones), hence one archive per
# module, merged. Uses the release build (`-c release`), so after `swift build -c release` only the
# symbol graphs and DocC run. Fails on any DocC warning (an unresolved link, a stale symbol name).
# Output: .build/plugins/Swift-DocC/outputs/MixupLab.doccarchive. Extra arguments go to the plugin.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(MixupLab MixupCore MixupNN MixupRegularizers MixupTraining MixupExperiments MixupLabCLI
         TabularData ImageData SpeechData GraphData SafeTensors)
args=()
for t in "${targets[@]}"; do args+=(--target "$t"); done
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$SECONDS
swift package -c release generate-documentation --enable-experimental-combined-documentation "${args[@]}" "$@" 2>&1 | tee "$log"
if grep -q 'warning:' "$log"; then
    echo "docs: FAILED: DocC reported $(grep -c 'warning:' "$log") warning(s) (see above)" >&2
    exit 1
fi
echo "docs: built without warnings in $((SECONDS - start)) s"
