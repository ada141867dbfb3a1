//! Items are laid out one by one, on every core, and most of them as text
//! without prettyplease (`emit::layout`, `emit::client_layout`). The text must
//! be byte for byte what prettyplease writes for the same items' tokens:
//! checked here on the largest official descriptions, whose nested modules,
//! long lines and odd docs exercise every way through the layouts, and on the
//! fixtures and `spec/`; and the text ways must be taken, for nine pieces in
//! ten on the official modules. (Not against prettyplease's layout of the whole file
//! read back: prettyplease is not a fixed point of itself, a long match arm it
//! turns into a block gets its statement wrapped when read again.)

use std::path::Path;

/// One test: the tokens-only switch is global to the process.
#[test]
fn text_layouts_write_what_prettyplease_writes_for_the_tokens() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases = vec![];
    for module in ["Identity.SignIns.yml", "Users.yml"] {
        let path = manifest.join("../../shared/graph/v1.0").join(module);
        if path.exists() {
            cases.push(vec![path]);
        } else {
            eprintln!("skipped {module}: {} is not there", path.display());
        }
    }
    for specs in cases.into_iter().chain([
        vec![manifest.join("tests/fixtures/two-parts.yaml")],
        vec![manifest.join("tests/fixtures/official-style.yaml")],
        vec![manifest.join("tests/fixtures/hostile-names.yaml")],
        ["qrcodepin.yaml", "qrcodepin-family.yaml", "authentication-methods.yaml"]
            .iter()
            .map(|name| manifest.join("../spec").join(name))
            .collect(),
    ]) {
        let text = graphgen::generate_crate(&specs, "same").unwrap();
        // The text ways are taken, not only right where they are: on the
        // official modules for all but a few pieces (the imports, and items
        // the layouts cannot be sure of).
        let model = graphgen::model(&specs, &graphgen::PathFilter::default()).unwrap();
        let (as_text, pieces) = graphgen::emit::pieces_written_as_text(&model);
        eprintln!("{specs:?}: {as_text} of {pieces} pieces written as text");
        let official = specs[0].to_string_lossy().contains("shared/graph");
        let enough = if official { pieces * 9 / 10 } else { 1 };
        assert!(
            as_text >= enough,
            "{specs:?}: only {as_text} of {pieces} pieces written as text"
        );
        graphgen::emit::set_tokens_only(true);
        let tokens = graphgen::generate_crate(&specs, "same");
        graphgen::emit::set_tokens_only(false);
        let tokens = tokens.unwrap();
        assert_eq!(text.keys().collect::<Vec<_>>(), tokens.keys().collect::<Vec<_>>());
        for (name, code) in &tokens {
            if text[name] != *code {
                let (line, (a, b)) = text[name]
                    .lines()
                    .zip(code.lines())
                    .enumerate()
                    .find(|(_, (a, b))| a != b)
                    .unwrap_or((0, ("(length)", "(length)")));
                panic!("{specs:?} {name} line {}:\n  text:   {a}\n  tokens: {b}", line + 1);
            }
        }
    }
}
