#!/usr/bin/env bash
# How generation time and memory grow with the size of a description:
# synthetic descriptions of 10, 100, 1,000 and 10,000 operations, each a GET
# on its own path returning its own schema (five properties and an allOf
# base), generated with the release build. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TARGET_DIR=$root/target/scaling-build
source "$root/scripts/lib.sh"
build_graphgen
work=$root/target/scaling
mkdir -p "$work"

synthesize() {
  python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1])
out = ["openapi: 3.0.1", "info: {title: synthetic, version: v1.0}", "paths:"]
for i in range(n):
    out += [
        f"  /things{i}/{{thing{i}-id}}:",
        "    get:",
        f"      operationId: things{i}.Get",
        f"      parameters:",
        f"        - {{name: thing{i}-id, in: path, required: true, schema: {{type: string}}}}",
        "        - {name: $select, in: query, style: form, explode: false, schema: {type: array, items: {type: string}}}",
        "      responses:",
        "        '200':",
        "          description: OK",
        "          content:",
        "            application/json:",
        f"              schema: {{$ref: '#/components/schemas/microsoft.graph.thing{i}'}}",
    ]
out += ["components:", "  schemas:",
        "    microsoft.graph.entity:", "      type: object", "      properties:", "        id: {type: string}"]
for i in range(n):
    out += [
        f"    microsoft.graph.thing{i}:",
        "      allOf:",
        "        - $ref: '#/components/schemas/microsoft.graph.entity'",
        "        - type: object",
        "          properties:",
        "            displayName: {type: string, nullable: true}",
        "            createdDateTime: {type: string, format: date-time, nullable: true}",
        "            count: {type: integer, format: int32}",
        "            enabled: {type: boolean}",
        "            tags: {type: array, items: {type: string}}",
    ]
print("\n".join(out))
PY
}

echo "| operations | description | generate | per operation | peak memory |"
echo "|---|---|---|---|---|"
for n in 10 100 1000 10000; do
  spec=$work/synthetic-$n.yaml
  synthesize "$n" > "$spec"
  size=$(du -k "$spec" | cut -f1)
  measured=$( { /usr/bin/time -f "%e %M" "$graphgen" generate "$spec" --out "$work/out-$n" --crate-name synthetic; } 2>&1 )
  read -r seconds kb <<<"$measured"
  per=$(awk -v s="$seconds" -v n="$n" 'BEGIN { printf "%.2f ms", s * 1000 / n }')
  printf '| %s | %s KiB | %.2f s | %s | %s MiB |\n' "$n" "$size" "$seconds" "$per" "$((kb / 1024))"
done
