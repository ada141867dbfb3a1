//! Any bytes, read as a description: load, model and emit a whole crate.
//! graphgen must never panic, and every problem it reports must name the file.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("fuzzed.yaml");
    let file = match graphgen::load::from_text(path, text.to_owned()) {
        Ok(file) => file,
        Err(problem) => {
            assert_eq!(problem.file, path);
            return;
        }
    };
    match graphgen::model::build(&[file], &graphgen::PathFilter::default()) {
        Ok(model) => {
            if let Err(error) = graphgen::output::crate_files(&model, "fuzzed") {
                // Only an input problem is acceptable; anything else is a bug.
                assert!(matches!(error, graphgen::Error::Input(_)), "{error}");
            }
        }
        Err(problems) => assert!(problems.iter().all(|problem| problem.file == path)),
    }
});
