//! A large description is read in parts on every core (`load::parse_in_parts`).
//! Reading it so must give exactly the document that reading it whole gives,
//! or give up (`None`) so that the whole file is read.

use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;

fn whole(text: &str) -> OpenAPI {
    serde_yaml::from_str(text).unwrap()
}

fn descriptions() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = Vec::new();
    for dir in ["../shared/graph/v1.0", "spec", "generator/tests/fixtures"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            eprintln!("skipped {dir}: it is not there");
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if matches!(path.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn parts_read_as_the_whole_file_reads() {
    let mut read_in_parts = 0;
    for path in descriptions() {
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(expected) = serde_yaml::from_str::<OpenAPI>(&text) else {
            // A fixture that is meant to be wrong must not be read in parts either.
            assert!(graphgen::load::parse_in_parts(&text, 2).is_none(), "{}", path.display());
            continue;
        };
        for threads in [1, 2, 3] {
            if let Some(document) = graphgen::load::parse_in_parts(&text, threads) {
                assert!(document == expected, "{} read in parts differs", path.display());
                read_in_parts += 1;
            }
        }
        if path.to_string_lossy().contains("shared/graph") {
            assert!(
                graphgen::load::parse_in_parts(&text, 2).is_some(),
                "{} is not read in parts",
                path.display()
            );
        }
    }
    assert!(read_in_parts >= 3, "only {read_in_parts} readings in parts");
}

const DOCUMENT: &str = "openapi: 3.0.1
info:
  title: parts
  version: v1.0
paths:
  /a:
    get:
      responses:
        '200': {description: OK}
  # A comment at the top of an entry stays with the entry before it.
  /b:
    summary: b
  x-paths-extension: 1
components:
  schemas:
    a:
      type: object
      description: |
        text
          indented
    b: {type: string}
    a: {type: integer}
  responses:
    r: {description: R}
tags:
  - name: t
";

#[test]
fn entries_comments_extensions_and_repeated_keys_read_as_whole() {
    let document = graphgen::load::parse_in_parts(DOCUMENT, 2).expect("read in parts");
    assert!(document == whole(DOCUMENT));
    // A repeated key keeps its first place and its last value.
    let names: Vec<&String> = document.components.as_ref().unwrap().schemas.keys().collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(document.paths.extensions.len(), 1);
}

#[test]
fn windows_line_ends_read_as_whole() {
    let crlf = DOCUMENT.replace('\n', "\r\n");
    let document = graphgen::load::parse_in_parts(&crlf, 2).expect("read in parts");
    assert!(document == whole(&crlf));
    assert!(document == whole(DOCUMENT));
}

#[test]
fn what_parts_cannot_read_is_left_to_the_whole_file() {
    // An alias to an anchor in another part.
    let alias = DOCUMENT
        .replace("    b: {type: string}", "    b: &b {type: string}")
        .replace(
            "    r: {description: R}",
            "    r: {description: R}\n  examples:\n    e: {value: *b}",
        );
    assert!(alias.contains("*b"));
    whole(&alias);
    let shared = alias.replace("    a: {type: integer}", "    c: *b");
    let _ = graphgen::load::parse_in_parts(&shared, 2).map(|document| assert!(document == whole(&shared)));
    // A second document, flow style, no paths.
    assert!(graphgen::load::parse_in_parts(&format!("---\n{DOCUMENT}"), 2).is_none());
    assert!(graphgen::load::parse_in_parts("{\"openapi\": \"3.0.1\", \"paths\": {}}", 2).is_none());
    assert!(graphgen::load::parse_in_parts("openapi: 3.0.1\ninfo: {title: t, version: v}\n", 2).is_none());
    // An entry that is wrong: the whole file is read, and names the place.
    let wrong = DOCUMENT.replace("    b: {type: string}", "    b: {type: [string]}");
    assert!(serde_yaml::from_str::<OpenAPI>(&wrong).is_err());
    assert!(graphgen::load::parse_in_parts(&wrong, 2).is_none());
}

/// A description large enough to be read in parts: `count` paths, each with
/// an operation, `extra` written after the first.
fn large_description(count: usize, first: &str, last: &str) -> String {
    let mut text = String::from("openapi: 3.0.1\ninfo:\n  title: large\n  version: v1.0\npaths:\n");
    for index in 0..count {
        text.push_str(&format!(
            "  /p{index:04}:\n    get:\n      operationId: p{index}.get\n      description: The item at p{index}, written out to make the description long.\n"
        ));
        let responses = match index {
            0 => first,
            _ if index == count - 1 => last,
            _ => "      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/item'}\n",
        };
        text.push_str(responses);
    }
    text.push_str(
        "components:\n  schemas:\n    item:\n      type: object\n      properties:\n        name: {type: string}\n",
    );
    assert!(text.len() > 64 * 1024, "{} bytes", text.len());
    text
}

const RESPONSES: &str = "      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/item'}\n";

fn generate(text: &str) -> Result<graphgen::Files, graphgen::Error> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.yaml");
    std::fs::write(&path, text).unwrap();
    graphgen::generate_crate(&[path], "large")
}

#[test]
fn paths_read_while_lowered_give_what_reading_whole_gives() {
    let text = large_description(400, RESPONSES, RESPONSES);
    let files = generate(&text).expect("generates");
    let client = &files["src/client.rs"];
    assert!((0..400).all(|index| client.contains(&format!("/// Requests on `/p{index:04}`."))));
    // An alias in the last path to an anchor in the first: the two are read
    // in different runs, so the file is read whole, and gives the same crate
    // as the description with the alias written out.
    let anchored = RESPONSES.replacen("      responses:", "      responses: &ok", 1);
    let aliased = large_description(400, &anchored, "      responses: *ok\n");
    assert_eq!(generate(&aliased).expect("generates"), files);
}

#[test]
fn a_wrong_path_read_while_lowered_is_placed_as_reading_whole_places_it() {
    let wrong = large_description(400, RESPONSES, "      responses: 5\n");
    let Err(graphgen::Error::Input(diagnostics)) = generate(&wrong) else {
        panic!("a wrong path item must be an input error");
    };
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let diagnostic = &diagnostics[0];
    assert!(diagnostic.file.ends_with("large.yaml"), "{diagnostic}");
    assert_eq!(diagnostic.pointer, "/paths/~1p0399/get/responses", "{diagnostic}");
    let line = wrong.lines().position(|line| line == "      responses: 5").unwrap() + 1;
    assert_eq!(diagnostic.position.map(|(line, _)| line), Some(line), "{diagnostic}");
}
