#!/usr/bin/env bash
# How long `cargo check` of a crate generated from a whole official module
# takes with all its features, with each part (feature) alone, and with none:
# the crate is touched before each check, its dependencies already built, and
# incremental compilation is off (CARGO_INCREMENTAL=0), so every figure is
# a whole check of the generated code, as after a regeneration. "all" and
# "none" are the median of 3; each part is checked once.
#
#   scripts/feature-checks.sh [MODULE]     # default Identity.SignIns; Markdown
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
module=${1:-Identity.SignIns}
spec=$root/../shared/graph/v1.0/$module.yml
work=$root/target/features
crate=$work/$module
export CARGO_TARGET_DIR=$work/build CARGO_INCREMENTAL=0
measure=$root/scripts/measure.py

source "$root/scripts/lib.sh"
build_graphgen
"$graphgen" generate "$spec" --out "$crate" --crate-name features-check
printf '\n[workspace]\n' >> "$crate/Cargo.toml"
(cd "$crate" && cargo check --quiet && cargo check --quiet --no-default-features)

check() { # runs -> cargo arguments -> median seconds
  local runs=$1; shift
  "$measure" "$runs" "check=bash -c \"cd '$crate' && touch src/lib.rs && cargo check --quiet $*\"" | awk '{ print $2 }'
}
all=$(check 3)
none=$(check 3 --no-default-features)
features=$(sed -n '/^# Each part of the API/,/^$/p' "$crate/Cargo.toml" | grep -o '^[a-z0-9-]*' || true)

# Operations per part, counted in the description as graphgen groups them.
declare -A operations=()
while read -r feature count; do operations[$feature]=$count; done < <(python3 - "$spec" <<'PY'
import collections, re, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
counts = collections.Counter()
for path, item in doc["paths"].items():
    for method, op in item.items():
        if method in ("get", "put", "post", "patch", "delete") and isinstance(op, dict):
            group = (op.get("tags") or [path.strip("/").split("/")[0]])[0]
            counts[re.sub(r"-+", "-", re.sub(r"[^a-z0-9]", "-", group.lower())).strip("-")] += 1
for feature, count in counts.items():
    print(feature, count)
PY
)

rows=""
for feature in $features; do
  s=$(check 1 --no-default-features --features "$feature")
  rows+="$(awk -v f="$feature" -v n="${operations[$feature]:-?}" -v s="$s" -v a="$all" \
    'BEGIN { printf "| `%s` | %s | %.2f s | %.0f%% |", f, n, s, 100 * s / a }')"$'\n'
done
echo "Machine: $(nproc) cores, $(rustc --version); $module, $(echo "$features" | wc -w) parts"
echo
echo "| features | operations | check | share of all |"
echo "|---|---|---|---|"
awk -v a="$all" 'BEGIN { printf "| all (default) | | %.2f s | 100%% |\n", a }'
awk -v a="$all" -v s="$none" 'BEGIN { printf "| none (the runtime only) | 0 | %.2f s | %.0f%% |\n", s, 100 * s / a }'
printf '%s' "$rows" | sort -t'|' -k5 -rn
printf '%s' "$rows" | awk -F'|' '{ gsub(/[ %]/, "", $5); print $5 }' | sort -n |
  awk '{ v[NR] = $1 } END { printf "\nOne part alone: median %s%%, largest %s%% of checking all.\n", v[int((NR + 1) / 2)], v[NR] }'
