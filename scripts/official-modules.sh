#!/usr/bin/env bash
# Generates a crate from each whole official module description in
# ../shared/graph/v1.0 (Microsoft's own files), then checks, builds and lints
# it with warnings denied. Prints a Markdown table; BENCHMARKS.md keeps the
# figures of a run. Dependencies are compiled once, before the timings;
# incremental compilation is off, so every check and build is whole.
#
#   scripts/official-modules.sh            # every module
#   scripts/official-modules.sh Mail       # the modules named
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/target/official
export CARGO_TARGET_DIR=$root/target/official-build
export RUSTFLAGS="-D warnings"
# A whole check and build each time, not an incremental one against the last run's.
export CARGO_INCREMENTAL=0

source "$root/scripts/lib.sh"
build_graphgen
mkdir -p "$out"

modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
  modules=()
  for spec in ../shared/graph/v1.0/*.yml; do modules+=("$(basename "$spec" .yml)"); done
fi

# Dependencies once, through the seed crate, so the timings below are the modules' own.
"$graphgen" generate spec/*.yaml --out "$out/warm" --crate-name warm
cp Cargo.lock "$out/warm/"
(cd "$out/warm" && cargo build --quiet --all-features && cargo clippy --quiet --all-features -- -D warnings)

seconds() { awk -v start="$1" -v now="$(date +%s.%N)" 'BEGIN { print now - start }'; }

echo "| module | description | operations | generate | peak memory | generated Rust | cargo check | cargo build | clippy -D warnings |"
echo "|---|---|---|---|---|---|---|---|---|"
for module in "${modules[@]}"; do
  spec=../shared/graph/v1.0/$module.yml
  crate=graph-$(echo "$module" | tr 'A-Z.' 'a-z-')
  dir=$out/$crate
  measured=$( { /usr/bin/time -f "%e %M" "$graphgen" generate "$spec" --out "$dir" --crate-name "$crate"; } 2>&1 )
  read -r gen_s gen_kb <<<"$measured"
  cp Cargo.lock "$dir/"
  ops=$(grep -cE '^    pub fn (get|put|post|patch|delete)[0-9]*\(' "$dir/src/client.rs" || true)
  lines=$(cat "$dir"/src/*.rs | wc -l)
  size=$(du -k "$spec" | cut -f1)
  start=$(date +%s.%N); (cd "$dir" && cargo check --quiet); check_s=$(seconds "$start")
  start=$(date +%s.%N); (cd "$dir" && cargo build --quiet); build_s=$(seconds "$start")
  if (cd "$dir" && cargo clippy --quiet --all-features -- -D warnings >/dev/null 2>&1); then clippy=clean; else clippy=FAILED; fi
  printf '| %s | %s KiB | %s | %.2f s | %s MiB | %s lines | %.1f s | %.1f s | %s |\n' \
    "$module" "$size" "$ops" "$gen_s" "$((gen_kb / 1024))" "$lines" "$check_s" "$build_s" "$clippy"
done
