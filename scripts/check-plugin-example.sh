#!/usr/bin/env bash
# Proves both ways of adding a regularizer on real data (Examples/CustomRegularizer):
#  1. compiled in: `custom-mixuplab` registers logit-l2 and runs the command line;
#  2. as a plugin: `mixuplab --plugin libLogitPenaltyPlugin.so` loads it into the root executable.
# and that the loader fails clearly (nonzero exit, the path in the message) for a missing file, a
# non-library, a library without the entry point, an ABI mismatch, and a plugin whose registry is
# not the host's — the last one for real: `custom-mixuplab` does not export its MixupLab symbols,
# so the plugin ends up with a second copy of MixupLab and must be refused.
# Needs ../shared/data/tabular/iris.dat. Run by scripts/test.sh before `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
root=$PWD
iris=$root/../shared/data/tabular/iris.dat
[[ -f $iris ]] || { echo "check-plugin-example: missing $iris (see ../shared/data)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '== %s\n' "$*"; }
fail() { echo "check-plugin-example: FAILED: $*" >&2; exit 1; }

# expect_failure NEEDLE CMD… — CMD must exit nonzero and say NEEDLE on stderr.
expect_failure() {
    local needle=$1; shift
    if "$@" >"$work/out" 2>"$work/err"; then fail "expected failure: $*"; fi
    grep -qF -- "$needle" "$work/err" || { cat "$work/err" >&2; fail "'$needle' not in the error of: $*"; }
    sed 's/^/   /' "$work/err" | head -3
}

# check_run DIR — config names logit-l2, 2 epochs of metrics, penalty column nonzero in each.
check_run() {
    local dir=$1
    grep -q '"logit-l2"' "$dir/config.json" || fail "$dir/config.json does not name logit-l2"
    [[ -s $dir/metrics.jsonl ]] || fail "no $dir/metrics.jsonl"
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "penalty") c = i; next }
             { rows++; if (!c || $c == "" || $c + 0 == 0) bad = 1 }
             END { exit !(c && rows == 2 && !bad) }' "$dir/metrics.csv" \
        || { cat "$dir/metrics.csv" >&2; fail "$dir/metrics.csv: want 2 epochs with a nonzero penalty"; }
    echo "   $(cut -d, -f1-4 "$dir/metrics.csv" | tr '\n' ' ')"
}

step "build mixuplab (root package, release)"
swift build -c release --product mixuplab
mixuplab=$root/.build/release/mixuplab

step "build Examples/CustomRegularizer (release; compiles MixupLab again in its own .build)"
start=$SECONDS
(cd Examples/CustomRegularizer && swift build -c release --product custom-mixuplab \
    && swift build -c release --product LogitPenaltyPlugin)
echo "   example built in $((SECONDS - start)) s"
custom=$root/Examples/CustomRegularizer/.build/release/custom-mixuplab
plugin=$root/Examples/CustomRegularizer/.build/release/libLogitPenaltyPlugin.so
[[ -x $custom && -f $plugin ]] || fail "example products missing"

train_args=(train --data "$iris" --method mixupe --regularizer logit-l2 --epochs 2)

step "route 1: custom-mixuplab has logit-l2 compiled in"
grep -q '^logit-l2[[:space:]]' <<< "$("$custom" regularizers)" || fail "custom-mixuplab regularizers lacks logit-l2"
"$custom" "${train_args[@]}" --run-dir "$work/compiled" >"$work/log" || { cat "$work/log"; fail "custom-mixuplab train"; }
check_run "$work/compiled"

step "control: plain mixuplab knows no logit-l2"
if grep -q '^logit-l2[[:space:]]' <<< "$("$mixuplab" regularizers)"; then fail "mixuplab lists logit-l2 without the plugin"; fi
expect_failure "unknown regularizer 'logit-l2'" "$mixuplab" "${train_args[@]}" --run-dir "$work/none"

step "route 2: mixuplab --plugin loads it (before parsing, so --regularizer validation sees it)"
grep -q '^logit-l2[[:space:]]' <<< "$("$mixuplab" --plugin "$plugin" regularizers)" || fail "mixuplab --plugin … regularizers lacks logit-l2"
grep -q '^logit-l2[[:space:]]' <<< "$("$mixuplab" regularizers --plugin="$plugin")" || fail "--plugin=PATH after the subcommand"
"$mixuplab" --plugin "$plugin" "${train_args[@]}" --run-dir "$work/plugin" >"$work/log" || { cat "$work/log"; fail "mixuplab --plugin … train"; }
check_run "$work/plugin"
grep -q -- '--plugin <path>' <<< "$("$mixuplab" train --help)" || fail "train --help does not list --plugin"

step "the same file twice (once through a symlink) loads once"
ln -s "$plugin" "$work/again.so"
grep -q '^logit-l2[[:space:]]' <<< "$("$mixuplab" --plugin "$plugin" --plugin "$work/again.so" regularizers 2>"$work/err")" || fail "double --plugin"
[[ $(grep -c '^plugin .*: logit-l2$' "$work/err") == 1 ]] || { cat "$work/err" >&2; fail "double --plugin: want one load"; }

step "loader errors name the path and exit nonzero"
expect_failure "plugin $work/missing.so: no such file" "$mixuplab" --plugin "$work/missing.so" regularizers
expect_failure "plugin $root/README.md: cannot load the library" "$mixuplab" --plugin "$root/README.md" regularizers
cc=$(command -v cc || command -v clang) || fail "no C compiler for the fake plugins"
fake() {   # fake NAME C-SOURCE — a shared library built from one line of C
    printf '%s\n' "#include <stdint.h>" "$2" >"$work/$1.c"
    "$cc" -shared -fPIC -o "$work/$1.so" "$work/$1.c"
}
fake noentry 'int32_t something_else(void) { return 0; }'
expect_failure "no entry point mixuplab_plugin_register" "$mixuplab" --plugin "$work/noentry.so" regularizers
fake oldabi 'int32_t mixuplab_plugin_register(uint32_t v, const void *r) { return 1; }'
expect_failure "plugin $work/oldabi.so: built for another plugin ABI" "$mixuplab" --plugin "$work/oldabi.so" regularizers
fake silent 'int32_t mixuplab_plugin_register(uint32_t v, const void *r) { return 0; }'
expect_failure "plugin $work/silent.so reported success but no new regularizer appeared" "$mixuplab" --plugin "$work/silent.so" regularizers

step "negative control: a host that does not export MixupLab gets a second registry, and refuses the plugin"
expect_failure "plugin $plugin sees its own copy of MixupLab" "$custom" --plugin "$plugin" regularizers

echo "check-plugin-example: all good"
