#!/usr/bin/env bash
# Fuzzes MixupLab's file parsers with libFuzzer, one harness per parser (package Fuzz/, see CONTRIBUTING.md
# "Fuzzing"). Usage:
#   scripts/fuzz.sh [--smoke | --runs N | --time S] [--no-build] [parser…]
# parsers: csv arff idx cifar wav tu safetensors runconfig (default: all, one after the other).
#   --smoke    each harness for 10 s (CI); the default
#   --runs N   each harness for N executions (e.g. --runs 1000000)
#   --time S   each harness for S seconds
# Inputs start from seeds written by Fuzz/make-seeds.py and grow in Fuzz/.corpus/<parser>/ (kept between runs);
# a crash, failed invariant, timeout (> 10 s for one input) or allocation above the limits below leaves its input
# in Fuzz/.findings/<parser>/ and makes the script exit non-zero. Reproduce one with
#   SWIFT_BACKTRACE=enable=no Fuzz/.build/release/Fuzz<Name> Fuzz/.findings/<parser>/crash-…
set -euo pipefail
cd "$(dirname "$0")/.."

mode=(-max_total_time=10)
build=1
parsers=()
while (($#)); do
  case "$1" in
    --smoke) mode=(-max_total_time=10) ;;
    --runs) mode=(-runs="$2"); shift ;;
    --time) mode=(-max_total_time="$2"); shift ;;
    --no-build) build=0 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    csv|arff|idx|cifar|wav|tu|safetensors|runconfig) parsers+=("$1") ;;
    *) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
((${#parsers[@]})) || parsers=(csv arff idx cifar wav tu safetensors runconfig)

# Executable of each parser's harness, and the longest input it gets (CIFAR records are 3 KB each; TU inputs are
# allowed to be large enough that a quadratic feature matrix shows against the linear budget the harness checks).
declare -A target=([csv]=FuzzCSV [arff]=FuzzARFF [idx]=FuzzIDX [cifar]=FuzzCIFAR [wav]=FuzzWAV [tu]=FuzzTU
                   [safetensors]=FuzzSafeTensors [runconfig]=FuzzRunConfig)
declare -A maxlen=([csv]=4096 [arff]=4096 [idx]=4096 [cifar]=6400 [wav]=4096 [tu]=8192 [safetensors]=4096
                   [runconfig]=2048)

if ((build)); then
  # -parse-as-library: the harness defines <Target>_main itself (SwiftPM aliases main to it) and hands over to
  # libFuzzer's driver; lld, because gold fails on the fuzzer runtime's duplicate `main`.
  # Only the harnesses asked for: the run-config one alone pulls in the engine (MixupCore … MixupTraining).
  for parser in "${parsers[@]}"; do
    (cd Fuzz && swift build -c release --product "${target[$parser]}" -Xswiftc -sanitize=fuzzer \
       -Xswiftc -parse-as-library -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld)
  done
fi
rm -rf Fuzz/.seeds && python3 Fuzz/make-seeds.py Fuzz/.seeds
# fatalError/precondition traps (SIGILL) go straight to libFuzzer, which saves the input; Swift's backtracer
# would only slow every finding down.
export SWIFT_BACKTRACE=enable=no OPENBLAS_NUM_THREADS=1

status=0
for parser in "${parsers[@]}"; do
  exe="Fuzz/.build/release/${target[$parser]}"
  corpus="Fuzz/.corpus/$parser" findings="Fuzz/.findings/$parser"
  mkdir -p "$corpus" "$findings"
  log="$findings/last-run.log"
  start=$(date +%s.%N)
  # -malloc_limit_mb: no single allocation over 256 MB from inputs of a few KB (a header that lies about sizes);
  # -rss_limit_mb: the whole process stays under 1 GB.
  if "$exe" "${mode[@]}" -max_len="${maxlen[$parser]}" -timeout=10 \
       -rss_limit_mb=1024 -malloc_limit_mb=256 -print_final_stats=1 \
       -artifact_prefix="$findings/" "$corpus" "Fuzz/.seeds/$parser" >"$log" 2>&1; then
    result=ok
  else
    result="FAILED (see $log and $findings/)"; status=1
  fi
  end=$(date +%s.%N)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  printf 'fuzz %-12s %10s executions in %6.1f s  %s\n' "$parser" "$runs" "$(awk "BEGIN{print $end - $start}")" "$result"
  [[ $result == ok ]] || grep -m3 -E 'invariant violated|Fatal error|ERROR: libFuzzer|==ERROR' "$log" | sed 's/^/    /' || true
done
exit $status
