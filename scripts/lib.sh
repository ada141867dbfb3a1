# Shared by the measurement scripts (source it after `cd` to the workspace
# root and setting `root`). Builds the release graphgen and the parse floor
# into the workspace's own target directory, whatever CARGO_TARGET_DIR a
# script sets for the crates it checks, and names the binaries it built:
# `$graphgen` and `$parse_floor` are always what this run compiled.
build_graphgen() {
    CARGO_TARGET_DIR="$root/target" cargo build --quiet --release -p graphgen \
        --bin graphgen --example parse_floor --manifest-path "$root/Cargo.toml" >&2
    graphgen=$root/target/release/graphgen
    parse_floor=$root/target/release/examples/parse_floor
}
