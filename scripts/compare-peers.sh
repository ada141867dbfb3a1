#!/usr/bin/env bash
# graphgen beside the parse floor and its peers, in one run on the same
# inputs: progenitor (crates.io `cargo-progenitor`) and openapi-generator's
# `rust` generator (PyPI `openapi-generator-cli`, which bundles its jar; needs
# Java 17). Inputs: the seed fragment, the authentication slice of
# Identity.SignIns, and every module in ../shared/graph/v1.0/.
#
# Generation: the whole `graphgen generate` process and the parse floor (the
# same file read with serde_yaml into openapiv3 values and nothing else,
# `generator/examples/parse_floor.rs`), taking turns 9 times (median; peak
# memory the largest); each peer once. Output: lines and bytes of generated Rust,
# whether `cargo check` passes, and how long `cargo check` of the crate takes
# once its dependencies are built: touched, incremental compilation off
# (CARGO_INCREMENTAL=0), so a whole check of the generated code, as after a
# regeneration (median of 3). A peer's failure is recorded
# with the first line of its error.
#
#   scripts/compare-peers.sh            # prints two Markdown tables
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/target/peers
mkdir -p "$work"
export CARGO_TARGET_DIR=$work/build CARGO_INCREMENTAL=0
measure=$root/scripts/measure.py

# The tools.
source "$root/scripts/lib.sh"
build_graphgen
floor=$parse_floor
[ -x "$work/progenitor/bin/cargo-progenitor" ] ||
  cargo install --quiet --locked cargo-progenitor --root "$work/progenitor"
[ -x "$work/venv/bin/openapi-generator-cli" ] || {
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet openapi-generator-cli pyyaml
}
java -version >/dev/null 2>&1 || { echo "openapi-generator needs Java 17 (apt-get install openjdk-17-jre-headless)"; exit 1; }

# The authentication slice: the paths of Identity.SignIns under
# /users/{user-id}/authentication/, with all its components.
"$work/venv/bin/python" - "$root/../shared/graph/v1.0/Identity.SignIns.yml" "$work/authentication-slice.yml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
doc["paths"] = {p: v for p, v in doc["paths"].items() if p.startswith("/users/{user-id}/authentication/")}
yaml.safe_dump(doc, open(sys.argv[2], "w"), sort_keys=False)
PY
inputs=("seed=$root/spec/qrcodepin.yaml" "auth-slice=$work/authentication-slice.yml")
for module in "$root"/../shared/graph/v1.0/*.yml; do
  inputs+=("$(basename "$module" .yml)=$module")
done

command_for() { # tool spec out -> the command line that generates
  local tool=$1 spec=$2 out=$3
  case $tool in
    graphgen) echo "$graphgen generate '$spec' --out '$out' --crate-name peer-graphgen" ;;
    progenitor) echo "$work/progenitor/bin/cargo-progenitor progenitor -i '$spec' -o '$out' -n peer-progenitor -v 0.1.0" ;;
    openapi-generator) echo "$work/venv/bin/openapi-generator-cli generate -i '$spec' -g rust -o '$out' --package-name peer_openapi_generator --skip-validate-spec" ;;
  esac
}
ms() { awk -v s="$1" 'BEGIN { printf "%.0f ms", s * 1000 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }

generation="| input | description | parse floor | graphgen | graphgen / floor | progenitor | openapi-generator | openapi-generator / graphgen |
|---|---|---|---|---|---|---|---|"
output="| input | tool | Rust lines | without a runtime copy | Rust bytes | cargo check | check, dependencies built | note |
|---|---|---|---|---|---|---|---|"
for entry in "${inputs[@]}"; do
  name=${entry%%=*}; spec=${entry#*=}
  size=$(( $(stat -c %s "$spec") / 1024 ))
  declare -A seconds=() memory=() failed=()
  out=$work/out/$name; rm -rf "$out"; mkdir -p "$out"
  while read -r tool s kib status; do
    seconds[$tool]=$s; memory[$tool]=$kib; [ "$status" = 0 ] || failed[$tool]=$status
  done < <("$measure" 9 floor="$floor '$spec'" graphgen="$(command_for graphgen "$spec" "$out/graphgen")")
  for tool in progenitor openapi-generator; do
    rm -rf "$out/$tool"
    read -r _ s kib status < <("$measure" 1 "$tool=$(command_for $tool "$spec" "$out/$tool") > '$out/$tool.log' 2>&1")
    seconds[$tool]=$s; memory[$tool]=$kib; [ "$status" = 0 ] || failed[$tool]=$status
  done
  cell() { # tool -> "time, memory" or the failure
    if [ -n "${failed[$1]:-}" ]; then echo "failed"; else echo "$(ms "${seconds[$1]}"), $(mib "${memory[$1]}")"; fi
  }
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }
  peer_ratio="-"; [ -z "${failed[openapi-generator]:-}" ] && peer_ratio=$(ratio "${seconds[openapi-generator]}" "${seconds[graphgen]}")
  generation+="
| $name | $size KiB | $(cell floor) | $(cell graphgen) | $(ratio "${seconds[graphgen]}" "${seconds[floor]}") | $(cell progenitor) | $(cell openapi-generator) | $peer_ratio |"

  for tool in graphgen progenitor openapi-generator; do
    if [ -n "${failed[$tool]:-}" ]; then
      note=$(grep -m1 -iE 'error|exception|panicked|overflow' "$out/$tool.log" 2>/dev/null | cut -c1-110 | tr '|' '/')
      output+="
| $name | $tool | | | | | | generation failed: $note |"
      continue
    fi
    crate=$out/$tool
    lines=$(find "$crate" -name '*.rs' -print0 | xargs -0 cat 2>/dev/null | wc -l)
    bytes=$(find "$crate" -name '*.rs' -print0 | xargs -0 cat 2>/dev/null | wc -c)
    # graphgen copies its hand-written runtime into every crate; progenitor's
    # output uses its runtime as a crates.io dependency (progenitor-client).
    generated=$(find "$crate" -name '*.rs' -not -path "$crate/src/runtime/*" -print0 | xargs -0 cat 2>/dev/null | wc -l)
    # A generated crate sits outside this workspace.
    grep -q '^\[workspace\]' "$crate/Cargo.toml" 2>/dev/null || printf '\n[workspace]\n' >> "$crate/Cargo.toml"
    if (cd "$crate" && cargo check --quiet >"$out/$tool.check" 2>&1); then
      read -r _ s _ _ < <("$measure" 3 "check=bash -c \"cd '$crate' && touch src/lib.rs && cargo check --quiet\"")
      output+="
| $name | $tool | $lines | $generated | $bytes | passes | $(ms "$s") | |"
    else
      note=$(grep -m1 '^error' "$out/$tool.check" | cut -c1-110 | tr '|' '/')
      output+="
| $name | $tool | $lines | $generated | $bytes | fails | - | $note |"
    fi
  done
  unset seconds memory failed
done

echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB, $(rustc --version)"
echo
echo "$generation"
echo
echo "$output"
