#!/usr/bin/env bash
# Fuzzes graphgen with libFuzzer. Needs a nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`). Findings land in fuzz/artifacts/; FUZZING.md
# has the figures of the last long runs.
#
#   scripts/fuzz.sh [SECONDS] [TARGET]     # default 600, generate
#
# generate: descriptions (load + model + emit of a whole crate), seeded with
#           the fragments and fixtures.
# answers:  server answers served on 127.0.0.1 to the generated client.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
target=${2:-generate}
mkdir -p "fuzz/corpus-$target"
seeds=()
options=()
if [ "$target" = generate ]; then
    seeds=(spec generator/tests/fixtures)
else
    # The server's threads keep thread-locals until exit, which LeakSanitizer
    # reports as leaks of the harness, not of the runtime.
    options=(-detect_leaks=0)
fi
cargo +nightly fuzz run "$target" "fuzz/corpus-$target" "${seeds[@]}" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -print_final_stats=1 "${options[@]}"
