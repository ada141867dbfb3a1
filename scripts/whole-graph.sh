#!/usr/bin/env bash
# All of Microsoft's v1.0 modules as one crate, measured in one run:
# generation beside the parse floor of the same files; the crate's size;
# `cargo check` with no feature, with each module feature alone and with all
# of them; `cargo build` and `cargo doc` with all of them; the same crate
# generated `--publishable` (its features, `cargo package` size and check);
# and graph-rs-sdk's own check beside the `mail` feature alone. Dependencies
# are built first and the crate is touched before each figure, incremental
# compilation off, so every figure is a whole compilation of the generated
# code. Peak memory is the largest resident set of the command, rustc or
# rustdoc included.
#
#   scripts/whole-graph.sh      # Markdown on stdout
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
modules=$root/../shared/graph/v1.0
work=$root/target/whole-graph
crate=$work/graph
export CARGO_TARGET_DIR=$work/build CARGO_INCREMENTAL=0

source "$root/scripts/lib.sh"
build_graphgen
features() { # Cargo.toml -> how many features its [features] table has
  awk '/^\[features\]/ { on = 1; next } /^\[/ { on = 0 } on && /^[A-Za-z0-9_-]+ = \[/' "$1" | wc -l
}
echo "Machine: $(nproc) cores, $(rustc --version)"
echo
echo "Generation (scripts/measure.py, 5 runs in turns, median):"
echo
echo '```'
python3 "$root/scripts/measure.py" 5 \
  "parse-floor=$parse_floor $modules/*.yml" \
  "graphgen=$graphgen generate $modules/*.yml --permissions $root/../shared/graph/permissions.json --out $crate --crate-name graph"
echo '```'
cp "$root/Cargo.lock" "$crate/Cargo.lock"
printf '\n[workspace]\n' >> "$crate/Cargo.toml"
echo
echo "Crate: $(find "$crate/src" -name '*.rs' | wc -l) files, $(cat "$crate"/src/*.rs "$crate"/src/runtime/*.rs | wc -l) lines," \
  "$(features "$crate/Cargo.toml") features ($(sed -n '/^# Each module/,/^$/p' "$crate/Cargo.toml" | grep -c ' = \[') modules)"
(cd "$crate" && cargo check --quiet --no-default-features && cargo build --quiet --no-default-features) >&2

check() { # label, cargo arguments -> a table row: seconds, peak memory
  local label=$1; shift
  touch "$crate/src/lib.rs"
  local out
  out=$( { /usr/bin/time -f '%e %M' bash -c "cd '$crate' && cargo $* --quiet" 2>&1 >/dev/null; } | tail -1)
  echo "| $label | ${out% *} s | $(( ${out#* } / 1024 )) MiB |"
}
echo
echo "| all of v1.0 | time | peak memory |"
echo "|---|---|---|"
check "no feature" check --no-default-features
for module in $(sed -n '/^# Each module/,/^$/p' "$crate/Cargo.toml" | grep -o '^[a-z0-9-]*'); do
  check "\`$module\` alone" check --no-default-features --features "$module"
done
check "all features" check --all-features
check "all features, \`cargo build\`" build --all-features
doc=$CARGO_TARGET_DIR/doc
rm -rf "$doc"
check "all features, \`cargo doc --no-deps\`" doc --no-deps --all-features
echo
echo "Documentation: $(du -sm "$doc" | cut -f1) MiB in $(find "$doc" -type f | wc -l) files."

# The publishable crate: a feature per module, packaged as crates.io takes it.
publishable=$work/publishable/graph
"$graphgen" generate "$modules"/*.yml --permissions "$root/../shared/graph/permissions.json" \
  --out "$publishable" --crate-name graph --publishable >&2
cp "$root/Cargo.lock" "$publishable/Cargo.lock"
printf '\n[workspace]\n' >> "$publishable/Cargo.toml"
(cd "$publishable" && cargo package --quiet --no-verify --offline --allow-dirty) >&2
package=$(ls -t "$CARGO_TARGET_DIR"/package/graph-*.crate | head -1)
echo
echo "\`--publishable\`: $(features "$publishable/Cargo.toml") features, \`cargo package\` $(stat -c %s "$package") bytes."
crate=$publishable
echo
echo "| \`--publishable\` | time | peak memory |"
echo "|---|---|---|"
check "all features" check --all-features

# graph-rs-sdk (crates.io, untyped request builders for all of Graph), its
# own check once its dependencies are built, beside graphgen's `mail` alone.
peer=$work/graph-rs-sdk
mkdir -p "$peer/src"
touch "$peer/src/lib.rs"
cat > "$peer/Cargo.toml" <<'TOML'
[package]
name = "peer"
version = "0.0.0"
edition = "2021"

[dependencies]
graph-rs-sdk = { version = "=3.0.1", default-features = false, features = ["rustls-tls"] }

[workspace]
TOML
(cd "$peer" && cargo check --quiet) >&2
out=$( { /usr/bin/time -f '%e %M' bash -c "cd '$peer' && cargo clean --quiet -p graph-rs-sdk && cargo check --quiet" 2>&1 >/dev/null; } | tail -1)
echo
echo "| beside graph-rs-sdk | time | peak memory |"
echo "|---|---|---|"
echo "| graph-rs-sdk 3.0.1, its own check | ${out% *} s | $(( ${out#* } / 1024 )) MiB |"
crate=$work/graph
check "graphgen, \`mail\` alone" check --no-default-features --features mail
