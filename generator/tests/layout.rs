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

#[test]
fn laid_out_items_read_as_prettyplease_lays_out_the_file() {
    for module in ["Identity.SignIns", "Users"] {
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../shared/graph/v1.0/{module}.yml"));
        let files = graphgen::generate_crate(&[spec], "identity").unwrap();
        same_as_prettyplease(&files);
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
