//! The `graphgen` command: generate a crate from descriptions, or check that a
//! committed one is current.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Generates typed Rust clients for Microsoft Graph from OpenAPI descriptions.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes a complete crate (Cargo.toml and src/) generated from SPEC files into DIR.
    Generate(Target),
    /// Exits 1, naming the stale files, when DIR differs from what `generate` would write.
    Check(Target),
}

#[derive(Args)]
struct Target {
    /// OpenAPI 3.0 description files (YAML or JSON).
    #[arg(required = true, value_name = "SPEC")]
    specs: Vec<PathBuf>,
    /// The crate's directory: new, empty, or a crate graphgen wrote. Its `Cargo.toml` and
    /// `src/` are replaced as a whole, never left half-written; anything else in it is kept.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The crate's name (default: the directory's name, lower-case and kebab: `graph-users`).
    #[arg(long, value_name = "NAME")]
    crate_name: Option<String>,
    /// Generate only operations whose path matches GLOB (`*` in a segment, `**` across
    /// segments, `{param}` matches any parameter, `#GET,PATCH` limits methods). Repeatable.
    #[arg(long, value_name = "GLOB")]
    include_path: Vec<String>,
    /// Leave out operations whose path matches GLOB. Repeatable.
    #[arg(long, value_name = "GLOB")]
    exclude_path: Vec<String>,
    /// Microsoft's permissions reference (`permissions.json`): operations without permissions
    /// of their own get its permission table, constants and pre-flight.
    #[arg(long, value_name = "FILE")]
    permissions: Option<PathBuf>,
    /// Treat warnings (mistakes graphgen can generate correct code for, schemas merged by
    /// adding to them) as errors: for authors of fragments, and for CI.
    #[arg(long)]
    strict: bool,
    /// Write a crate crates.io accepts: a feature per module only (at most 300; items compiled by
    /// the modules that need them), a licence, and docs.rs metadata that labels each item with
    /// the features it needs.
    #[arg(long)]
    publishable: bool,
}

const EXIT_DRIFT: u8 = 1;
const EXIT_INVALID: u8 = 2;

fn main() -> ExitCode {
    run(Cli::parse()).unwrap_or_else(|error| {
        eprintln!("{error}");
        ExitCode::from(EXIT_INVALID)
    })
}

fn run(cli: Cli) -> Result<ExitCode, graphgen::Error> {
    let (check, target) = match cli.command {
        Command::Generate(target) => (false, target),
        Command::Check(target) => (true, target),
    };
    let crate_name = target
        .crate_name
        .clone()
        .unwrap_or_else(|| graphgen::output::default_crate_name(&target.out));
    let filter = graphgen::PathFilter::new(&target.include_path, &target.exclude_path);
    let mut model = graphgen::model_with(&target.specs, &filter, target.permissions.as_deref())?;
    if target.publishable {
        graphgen::model::features::publishable(&mut model);
    }
    if target.strict {
        graphgen::diagnostics::strict(&model.warnings)?;
    }
    for warning in &model.warnings {
        eprintln!("warning: {warning}");
    }
    if !check {
        graphgen::output::generate_crate_into(&model, &crate_name, &target.out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let files = graphgen::output::crate_files(&model, &crate_name)?;
    let stale = graphgen::output::reading(&target.out, || {
        graphgen::output::graphgen_dir(&target.out)?;
        Ok(graphgen::output::stale_files(&target.out, &files))
    })?;
    if stale.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "{} is stale: {} file(s) differ from what `graphgen generate` writes:",
        target.out.display(),
        stale.len()
    );
    for file in stale {
        eprintln!("  {file}");
    }
    Ok(ExitCode::from(EXIT_DRIFT))
}
