#!/usr/bin/env bash
# graphgen beside its peers, in one run on the same inputs: progenitor
# (crates.io `cargo-progenitor`) and openapi-generator's `rust` generator
# (PyPI `openapi-generator-cli`, which bundles its jar; needs Java 17).
# For each tool and input: generation time and peak memory, lines of
# generated Rust, whether `cargo check` passes, and the time of a second
# `cargo check` after touching the crate (its dependencies already built).
# A peer's failure is recorded with the first line of its error.
#
#   scripts/compare-peers.sh            # prints a Markdown table
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/target/peers
mkdir -p "$work"
export CARGO_TARGET_DIR=$work/build

# The tools.
cargo build --quiet --release -p graphgen
graphgen=$CARGO_TARGET_DIR/release/graphgen
[ -x "$work/progenitor/bin/cargo-progenitor" ] ||
  cargo install --quiet --locked cargo-progenitor --root "$work/progenitor"
[ -x "$work/venv/bin/openapi-generator-cli" ] || {
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet openapi-generator-cli pyyaml
}
java -version >/dev/null 2>&1 || { echo "openapi-generator needs Java 17 (apt-get install openjdk-17-jre-headless)"; exit 1; }

# The inputs: the seed fragment, the authentication slice of Identity.SignIns
# (its paths under /users/{user-id}/authentication/, all its components), and
# the three whole modules.
"$work/venv/bin/python" - "$root/../shared/graph/v1.0/Identity.SignIns.yml" "$work/authentication-slice.yml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
doc["paths"] = {p: v for p, v in doc["paths"].items() if p.startswith("/users/{user-id}/authentication/")}
yaml.safe_dump(doc, open(sys.argv[2], "w"), sort_keys=False)
PY
inputs=(
  "seed=$root/spec/qrcodepin.yaml"
  "auth-slice=$work/authentication-slice.yml"
  "Mail=$root/../shared/graph/v1.0/Mail.yml"
  "Users=$root/../shared/graph/v1.0/Users.yml"
  "Identity.SignIns=$root/../shared/graph/v1.0/Identity.SignIns.yml"
)

seconds() { awk -v start="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - start }'; }

generate() { # tool spec out -> runs the tool
  local tool=$1 spec=$2 out=$3
  case $tool in
    graphgen) "$graphgen" generate "$spec" --out "$out" --crate-name peer-graphgen ;;
    progenitor) "$work/progenitor/bin/cargo-progenitor" progenitor -i "$spec" -o "$out" -n peer-progenitor -v 0.1.0 ;;
    openapi-generator) "$work/venv/bin/openapi-generator-cli" generate -i "$spec" -g rust -o "$out" \
        --package-name peer_openapi_generator --skip-validate-spec ;;
  esac
}

echo "| input | tool | generate | peak memory | Rust lines | cargo check | check once built | note |"
echo "|---|---|---|---|---|---|---|---|"
for entry in "${inputs[@]}"; do
  name=${entry%%=*}; spec=${entry#*=}
  for tool in graphgen progenitor openapi-generator; do
    out=$work/out/$name/$tool
    rm -rf "$out"; mkdir -p "$(dirname "$out")"
    log=$work/out/$name/$tool.log
    if /usr/bin/time -f "%e %M" -o "$log.time" \
        bash -c "$(declare -f generate); graphgen=$graphgen work=$work generate $tool '$spec' '$out'" >"$log" 2>&1; then
      read -r gen_s gen_kb <"$log.time"
    else
      echo "| $name | $tool | failed | | | | | $(grep -m1 -iE 'error|exception|panicked' "$log" | cut -c1-120 | tr '|' '/') |"
      continue
    fi
    lines=$(find "$out" -name '*.rs' -print0 | xargs -0 cat 2>/dev/null | wc -l)
    # A generated crate sits outside this workspace.
    grep -q '^\[workspace\]' "$out/Cargo.toml" 2>/dev/null || printf '\n[workspace]\n' >> "$out/Cargo.toml"
    if (cd "$out" && cargo check --quiet >"$log.check" 2>&1); then
      touch "$out/src/lib.rs"
      start=$(date +%s.%N); (cd "$out" && cargo check --quiet >/dev/null 2>&1); check=$(seconds "$start") 
      compiles=yes; note=""
    else
      compiles=no; check="-"; note=$(grep -m1 '^error' "$log.check" | cut -c1-120 | tr '|' '/')
    fi
    printf '| %s | %s | %.2f s | %s MiB | %s | %s | %s s | %s |\n' \
      "$name" "$tool" "$gen_s" "$((gen_kb / 1024))" "$lines" "$compiles" "$check" "$note"
  done
done
