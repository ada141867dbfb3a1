//! No description makes graphgen panic, and a refused one changes nothing:
//! small random edits (fixed seeds, so every run tries the same mutants) of
//! the fragments, of the project's official-style fixture and, where it is at
//! hand, of one of Microsoft's modules. Every mutant either generates (exit 0)
//! or is refused (exit 2) with messages that each name an input file, while
//! the crate already in `--out` stays exactly as it was.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

mod support;
use support::snapshot_dir;

/// splitmix64: a fixed seed gives the same mutants on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const STRAY: &[&str] = &[
    ":", "{", "}", "[", "]", "-", "'", "\"", "&", "*", "!", "|", ">", "%", "@", "#", ",", "?", "\t", "x", "~", "$",
];

/// One small edit of the kind a hand or a merge makes.
fn mutate(text: &str, rng: &mut Rng) -> (String, String) {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let at = rng.below(lines.len());
    let kind = rng.below(8);
    let what = match kind {
        0 => {
            let line = lines[at].clone();
            lines.insert(at, line);
            "duplicated"
        }
        1 => {
            lines.remove(at);
            "deleted"
        }
        2 | 3 => {
            let line = &mut lines[at];
            let boundaries: Vec<usize> = (0..=line.len()).filter(|i| line.is_char_boundary(*i)).collect();
            let column = boundaries[rng.below(boundaries.len())];
            line.insert_str(column, STRAY[rng.below(STRAY.len())]);
            "stray character in"
        }
        4 if at + 1 < lines.len() => {
            lines.swap(at, at + 1);
            "swapped"
        }
        5 => {
            let line = &mut lines[at];
            if rng.below(2) == 0 {
                line.insert_str(0, &" ".repeat(1 + rng.below(2)));
            } else {
                let spaces = line.len() - line.trim_start().len();
                line.replace_range(..spaces.min(1 + rng.below(2)), "");
            }
            "reindented"
        }
        6 => {
            let end = lines[at].len();
            let keep = rng.below(end + 1);
            let keep = (0..=keep).rev().find(|i| lines[at].is_char_boundary(*i)).unwrap_or(0);
            lines[at].truncate(keep);
            lines.truncate(at + 1);
            "truncated at"
        }
        _ => {
            // A value of another type or shape where one is expected.
            let replacement = ["[]", "{}", "null", "42", "'#/components/schemas/nowhere'", "~"][rng.below(6)];
            let line = &mut lines[at];
            if let Some(colon) = line.find(": ") {
                line.replace_range(colon + 2.., replacement);
            } else {
                line.push_str(replacement);
            }
            "value replaced in"
        }
    };
    (lines.join("\n") + "\n", format!("line {} {what}", at + 1))
}

fn graphgen(files: &[PathBuf], out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_graphgen"))
        .arg("generate")
        .args(files)
        .arg("--out")
        .arg(out)
        .args(["--crate-name", "mutant"])
        .output()
        .unwrap()
}

/// `count` mutants of `inputs`, each edit made to one of them (the first
/// `mutable` ones), run in a scratch directory of their own.
fn run_mutants(name: &str, inputs: &[PathBuf], mutable: usize, count: usize, seed: u64) {
    let scratch = tempfile::tempdir().unwrap();
    let work = scratch.path().join("work");
    fs::create_dir(&work).unwrap();
    let originals: Vec<String> = inputs.iter().map(|path| fs::read_to_string(path).unwrap()).collect();
    let files: Vec<PathBuf> = inputs.iter().map(|path| work.join(path.file_name().unwrap())).collect();
    for (file, text) in files.iter().zip(&originals) {
        fs::write(file, text).unwrap();
    }
    let out = scratch.path().join("out");
    let baseline = graphgen(&files, &out);
    assert!(baseline.status.success(), "{name}: the unmutated input must generate");
    let before = snapshot_dir(&out);

    let mut rng = Rng(seed);
    let (mut generated, mut refused) = (0, 0);
    for index in 0..count {
        let target = rng.below(mutable);
        let (mutant, edit) = mutate(&originals[target], &mut rng);
        fs::write(&files[target], &mutant).unwrap();
        let output = graphgen(&files, &out);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let case = format!("{name} mutant {index} ({} {edit})", files[target].display());
        match output.status.code() {
            Some(0) => {
                generated += 1;
                // Back to the crate of the unmutated input, for the next mutant.
                fs::write(&files[target], &originals[target]).unwrap();
                assert!(graphgen(&files, &out).status.success());
            }
            Some(2) => {
                refused += 1;
                let errors: Vec<&str> = stderr.lines().filter(|line| line.starts_with("error:")).collect();
                assert!(!errors.is_empty(), "{case}: exit 2 without an error:\n{stderr}");
                for error in errors {
                    assert!(
                        files.iter().any(|file| error.contains(&file.display().to_string())),
                        "{case}: the error names no input file:\n{error}\n--- the mutant:\n{mutant}"
                    );
                }
                assert!(!stderr.contains("panicked"), "{case}:\n{stderr}");
                assert!(snapshot_dir(&out) == before, "{case}: a refused run changed the output");
            }
            code => panic!("{case}: exit {code:?}:\n{stderr}\n--- the mutant:\n{mutant}"),
        }
        // Nothing is left beside the output, whatever happened.
        let beside: Vec<_> = fs::read_dir(scratch.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(beside.len() == 2, "{case}: left beside the output: {beside:?}");
        fs::write(&files[target], &originals[target]).unwrap();
    }
    eprintln!("{name}: {count} mutants, {generated} generated, {refused} refused");
    assert_eq!(generated + refused, count);
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn mutants_of_the_seed_fragment() {
    run_mutants("seed", &[root().join("spec/qrcodepin.yaml")], 1, 200, 1);
}

#[test]
fn mutants_of_the_fragments_together() {
    let spec = root().join("spec");
    let inputs = [
        spec.join("qrcodepin-family.yaml"),
        spec.join("authentication-methods.yaml"),
        spec.join("qrcodepin.yaml"),
    ];
    run_mutants("spec", &inputs, 3, 150, 2);
}

#[test]
fn mutants_of_the_official_style_fixture() {
    let fixtures = root().join("generator/tests/fixtures");
    run_mutants("official-style", &[fixtures.join("official-style.yaml")], 1, 250, 3);
    run_mutants("hostile-names", &[fixtures.join("hostile-names.yaml")], 1, 50, 4);
    run_mutants("two-parts", &[fixtures.join("two-parts.yaml")], 1, 50, 5);
}

/// A large official module: edits anywhere in 200 KB.
#[test]
#[cfg_attr(
    not(shared),
    ignore = "needs Microsoft's descriptions in ../shared/graph (scripts/fetch-descriptions.sh)"
)]
fn mutants_of_an_official_module() {
    let path = root().join("../shared/graph/v1.0/Mail.yml");
    run_mutants("Mail", &[path], 1, 40, 6);
}
