#!/usr/bin/env bash
# Fuzzes graphgen (load + model + emit of a whole crate) with libFuzzer, from
# the fragments and fixtures as seeds. Needs a nightly toolchain and
# cargo-fuzz (`cargo install cargo-fuzz`). Findings land in fuzz/artifacts/;
# FUZZING.md has the figures of the last long run.
#
#   scripts/fuzz.sh [SECONDS]      # default 600
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
mkdir -p fuzz/corpus
cargo +nightly fuzz run generate fuzz/corpus spec generator/tests/fixtures -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -print_final_stats=1
