#!/usr/bin/env bash
# Builds graphgen's release binaries the way BENCHMARKS.md measures them and
# prints the folder they are in:
#
#   release=$(scripts/release-build.sh [CARGO BUILD OPTIONS...])
#   "$release/graphgen" generate ...
#
# On Linux with glibc they are linked statically (`+crt-static`): they need
# no libc where they run and map only the parts of it they use, which is a
# megabyte less resident memory at the peak on an official module
# (BENCHMARKS.md, "Memory"). Elsewhere, the usual release build. Honours
# CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
host=$(rustc -vV | sed -n 's/^host: //p')
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
case $host in
  *-linux-gnu)
    # With --target, RUSTFLAGS reach graphgen's own binaries only, not the
    # build scripts and proc macros it is built with.
    RUSTFLAGS="-C target-feature=+crt-static" \
      cargo build --quiet --release --target "$host" -p graphgen "$@" >&2
    echo "$target_dir/$host/release"
    ;;
  *)
    cargo build --quiet --release -p graphgen "$@" >&2
    echo "$target_dir/release"
    ;;
esac
