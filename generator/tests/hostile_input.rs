//! Descriptions made to exhaust the machine: YAML aliases that expand, a
//! chain of references deeper than any stack, and names by the hundred
//! thousand. Each is a placed error or a crate, never a crash or a hang.

use std::fs;
use std::process::Command;

const HEAD: &str = "openapi: 3.0.1\ninfo: {title: t, version: v1}\npaths:\n  /things:\n    get:\n      operationId: things.get\n      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/s0'}\ncomponents:\n  schemas:\n";

fn run(name: &str, text: &str) -> (Option<i32>, String) {
    let scratch = tempfile::tempdir().unwrap();
    let spec = scratch.path().join(name);
    fs::write(&spec, text).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_graphgen"))
        .arg("generate")
        .arg(&spec)
        .arg("--out")
        .arg(scratch.path().join("out"))
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn aliases_that_expand_quadratically_are_a_placed_error() {
    let list = vec!["xxxxxxxx"; 3000].join(", ");
    let text = format!(
        "x-a: &a [{list}]\nx-b: [{}]\n{HEAD}    s0: {{type: object}}\n",
        vec!["*a"; 3000].join(", ")
    );
    let (code, stderr) = run("laughs.yaml", &text);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("laughs.yaml:") && stderr.contains("aliases expand"),
        "{stderr}"
    );
}

#[test]
fn reference_chains_deeper_than_the_bound_are_a_placed_error() {
    let chains = [
        |i: usize| {
            format!("    s{i}:\n      type: object\n      properties:\n        next: {{$ref: '#/components/schemas/s{}'}}\n", i + 1)
        },
        |i: usize| format!("    s{i}: {{$ref: '#/components/schemas/s{}'}}\n", i + 1),
        |i: usize| {
            format!("    s{i}: {{allOf: [{{$ref: '#/components/schemas/s{}'}}, {{type: object, properties: {{p{i}: {{type: string}}}}}}]}}\n", i + 1)
        },
    ];
    for chain in chains {
        let mut text = HEAD.to_owned();
        for i in 0..5000 {
            text.push_str(&chain(i));
        }
        text.push_str("    s5000: {type: object, properties: {x: {type: string}}}\n");
        let (code, stderr) = run("chain.yaml", &text);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains("more than 256"), "{stderr}");
        assert!(stderr.contains("/components/schemas/s"), "{stderr}");
    }
}

#[test]
fn a_hundred_thousand_enum_values_and_properties_generate() {
    // Values whose names all come out as one (`X`): every one probes for a free name.
    let values: String = (0..100_000u32)
        .map(|i| format!("        - 'x{}'\n", char::from_u32(0x10000 + i).unwrap()))
        .collect();
    let text = format!("{HEAD}    s0: {{type: object, properties: {{e: {{$ref: '#/components/schemas/e'}}}}}}\n    e:\n      type: string\n      enum:\n{values}");
    let (code, stderr) = run("enum.yaml", &text);
    assert_eq!(code, Some(0), "{stderr}");

    let properties: String = (0..100_000)
        .map(|i| format!("        p{i}: {{type: string}}\n"))
        .collect();
    let text = format!("{HEAD}    s0:\n      type: object\n      properties:\n{properties}");
    let (code, stderr) = run("properties.yaml", &text);
    assert_eq!(code, Some(0), "{stderr}");
}
