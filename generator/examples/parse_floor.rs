//! The parse floor: read each description with serde_yaml into `openapiv3`
//! values and do nothing else. `scripts/compare-peers.sh` times this process
//! beside `graphgen generate` on the same files.
//!
//! `cargo run --release -p graphgen --example parse_floor -- FILE...`

use std::process::ExitCode;

fn main() -> ExitCode {
    for path in std::env::args_os().skip(1) {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) => {
                eprintln!("{}: {error}", path.to_string_lossy());
                return ExitCode::FAILURE;
            }
        };
        match serde_yaml::from_str::<openapiv3::OpenAPI>(&text) {
            Ok(document) => drop(std::hint::black_box(document)),
            Err(error) => {
                eprintln!("{}: {error}", path.to_string_lossy());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
