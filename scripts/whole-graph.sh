#!/usr/bin/env bash
# All of Microsoft's v1.0 modules as one crate: generation beside the parse
# floor of the same files, the crate's size, and `cargo check` of the crate
# with no feature, with each module feature alone, and with all of them
# (dependencies built first; the crate touched before each check, so every
# figure is a whole check of the generated code; incremental off). Peak
# memory is the largest resident set of the check, rustc included.
#
#   scripts/whole-graph.sh [--build]     # Markdown on stdout; --build adds `cargo build` of all
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
modules=$root/../shared/graph/v1.0
work=$root/target/whole-graph
crate=$work/graph
export CARGO_TARGET_DIR=$work/build CARGO_INCREMENTAL=0

source "$root/scripts/lib.sh"
build_graphgen
echo "Machine: $(nproc) cores, $(rustc --version)"
echo
echo "Generation (scripts/measure.py, 5 runs in turns, median):"
echo
echo '```'
python3 "$root/scripts/measure.py" 5 \
  "parse-floor=$parse_floor $modules/*.yml" \
  "graphgen=$graphgen generate $modules/*.yml --out $crate --crate-name graph"
echo '```'
cp "$root/Cargo.lock" "$crate/Cargo.lock"
printf '\n[workspace]\n' >> "$crate/Cargo.toml"
echo
echo "Crate: $(find "$crate/src" -name '*.rs' | wc -l) files, $(cat "$crate"/src/*.rs "$crate"/src/runtime/*.rs | wc -l) lines," \
  "$(grep -c ' = \[' "$crate/Cargo.toml") features ($(sed -n '/^# Each module/,/^$/p' "$crate/Cargo.toml" | grep -c ' = \[') modules)"
(cd "$crate" && cargo check --quiet --no-default-features) >&2

check() { # label, cargo arguments -> a table row: seconds, peak memory
  local label=$1; shift
  touch "$crate/src/lib.rs"
  local out
  out=$( { /usr/bin/time -f '%e %M' bash -c "cd '$crate' && cargo $* --quiet" 2>&1 >/dev/null; } | tail -1)
  echo "| $label | ${out% *} s | $(( ${out#* } / 1024 )) MiB |"
}
echo
echo "| cargo check | time | peak memory |"
echo "|---|---|---|"
check "no feature" check --no-default-features
for module in $(sed -n '/^# Each module/,/^$/p' "$crate/Cargo.toml" | grep -o '^[a-z0-9-]*'); do
  check "\`$module\` alone" check --no-default-features --features "$module"
done
check "all features" check --all-features
if [ "${1:-}" = --build ]; then
  check "cargo build, all features" build --all-features
fi
