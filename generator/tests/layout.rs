//! Items are laid out one by one, on every core, and plain structs as text
//! without prettyplease (`emit::layout`). The files must read exactly as
//! prettyplease lays out the whole file: checked here on the largest official
//! descriptions, whose nested modules, long lines and odd docs exercise every
//! way through the layout.

use std::path::Path;

/// A file without its `@generated` header and without blank lines (which
/// graphgen adds between items and prettyplease never writes).
fn code_lines(text: &str) -> String {
    text.lines()
        .skip_while(|line| line.starts_with("// @generated"))
        .filter(|line| !line.is_empty())
        .map(|line| format!("{line}\n"))
        .collect()
}

/// One test, not two: the tokens-only switch is global to the process.
#[test]
fn text_layouts_read_as_prettyplease_and_say_what_the_tokens_say() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    for module in ["Identity.SignIns", "Users"] {
        let spec = manifest.join(format!("../../shared/graph/v1.0/{module}.yml"));
        let files = graphgen::generate_crate(&[spec], "identity").unwrap();
        same_as_prettyplease(&files);
    }
    // The text ways must write what the token ways write, byte for byte:
    // descriptions with features, unions, nested modules and hostile names.
    for specs in [
        vec![manifest.join("../../shared/graph/v1.0/Identity.SignIns.yml")],
        vec![manifest.join("tests/fixtures/two-parts.yaml")],
        vec![manifest.join("tests/fixtures/hostile-names.yaml")],
        ["qrcodepin.yaml", "qrcodepin-family.yaml", "authentication-methods.yaml"]
            .iter()
            .map(|name| manifest.join("../spec").join(name))
            .collect(),
    ] {
        let text = graphgen::generate_crate(&specs, "same").unwrap();
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

fn same_as_prettyplease(files: &graphgen::Files) {
    for name in ["src/models.rs", "src/client.rs", "src/lib.rs"] {
        let ours = code_lines(&files[name]);
        let file = syn::parse_file(&ours).unwrap_or_else(|error| panic!("{name} does not parse: {error}"));
        let whole = code_lines(&prettyplease::unparse(&file));
        if ours != whole {
            let (line, (a, b)) = ours
                .lines()
                .zip(whole.lines())
                .enumerate()
                .find(|(_, (a, b))| a != b)
                .unwrap_or((0, ("", "")));
            panic!(
                "{name} differs at line {}:\n  ours:         {a}\n  prettyplease: {b}",
                line + 1
            );
        }
    }
}
