//! The `graphgen` command as users run it: exit codes, messages, and outputs
//! that are complete or untouched, never half-written.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod support;
use support::snapshot_dir;

fn graphgen(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_graphgen"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn seed_spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/qrcodepin.yaml")
}

const HEAD: &str = "openapi: 3.0.1\ninfo: {title: t, version: v1.0}\n";

/// A description with one GET operation returning `thing`.
fn with_thing(thing_schema: &str, extra_schemas: &str) -> String {
    format!(
        "{HEAD}paths:\n  /things/{{thing-id}}:\n    get:\n      operationId: things.get\n      parameters:\n        - {{name: thing-id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/thing'\ncomponents:\n  schemas:\n    thing:\n{thing_schema}{extra_schemas}"
    )
}

struct Rejected {
    name: &'static str,
    spec: String,
    /// Text the message must contain: the JSON pointer and what is wrong.
    expected: &'static [&'static str],
    /// The line the message must point at, when one is known.
    line: Option<usize>,
}

fn rejected_cases() -> Vec<Rejected> {
    let object = "      type: object\n      properties:\n        name: {type: string}\n";
    vec![
        Rejected {
            name: "invalid-yaml",
            spec: format!("{HEAD}paths:\n  /things: [unclosed\n"),
            expected: &["did not find expected"],
            line: Some(5),
        },
        Rejected {
            name: "ref-to-nowhere",
            spec: with_thing(
                "      type: object\n      properties:\n        owner:\n          $ref: '#/components/schemas/nobody'\n",
                "",
            ),
            expected: &["/components/schemas/thing/properties/owner/$ref", "points to no schema"],
            line: Some(22),
        },
        Rejected {
            name: "missing-response-schema",
            spec: format!("{HEAD}paths:\n  /things:\n    get:\n      responses:\n        '200':\n          description: OK\n          content:\n            application/json: {{}}\n"),
            expected: &["/paths/~1things/get/responses/200/content/application~1json", "no schema"],
            line: Some(10),
        },
        Rejected {
            name: "cyclic-allof",
            spec: with_thing(
                "      allOf:\n        - $ref: '#/components/schemas/base'\n",
                "    base:\n      allOf:\n        - $ref: '#/components/schemas/thing'\n        - type: object\n",
            ),
            expected: &["cyclic", "thing -> base -> thing"],
            line: Some(23),
        },
        Rejected {
            name: "openapi-3-1",
            spec: with_thing(object, "").replace("openapi: 3.0.1", "openapi: 3.1.0"),
            expected: &["/openapi", "3.1.0", "not supported"],
            line: Some(1),
        },
        Rejected {
            name: "swagger-2",
            spec: "swagger: '2.0'\ninfo: {title: t, version: v1}\npaths: {}\n".to_owned(),
            expected: &["missing field `openapi`"],
            line: Some(1),
        },
        Rejected {
            name: "not-a-mapping",
            spec: "- just\n- a list\n".to_owned(),
            expected: &["invalid type"],
            line: Some(1),
        },
        Rejected {
            name: "empty-file",
            spec: String::new(),
            expected: &["the file is empty"],
            line: None,
        },
        Rejected {
            name: "undeclared-path-parameter",
            spec: format!("{HEAD}paths:\n  /things/{{id}}:\n    get:\n      responses:\n        '204': {{description: gone}}\n"),
            expected: &["/paths/~1things~1{id}", "{id} is not declared"],
            line: Some(4),
        },
        Rejected {
            name: "dot-segment-in-path",
            spec: format!("{HEAD}paths:\n  /things/../admin:\n    get:\n      responses:\n        '204': {{description: gone}}\n"),
            expected: &["/paths/~1things~1..~1admin", "not a valid fixed segment"],
            line: Some(4),
        },
        Rejected {
            name: "response-ref-to-nowhere",
            spec: format!("{HEAD}paths:\n  /things:\n    get:\n      responses:\n        '200':\n          $ref: '#/components/responses/nothing'\n"),
            expected: &["/paths/~1things/get/responses/200/$ref", "points to no response"],
            line: Some(8),
        },
        Rejected {
            name: "no-success-response",
            spec: format!("{HEAD}paths:\n  /things:\n    get:\n      responses:\n        '404': {{description: missing}}\n"),
            expected: &["/paths/~1things/get/responses", "no 2XX response"],
            line: Some(6),
        },
        Rejected {
            name: "wrong-type-for-a-field",
            spec: format!("{HEAD}paths:\n  /things:\n    get:\n      responses: [1, 2]\n"),
            expected: &["/paths/~1things/get/responses", "invalid type"],
            line: Some(6),
        },
        Rejected {
            name: "malformed-permissions",
            spec: with_thing(object, "").replace(
                "      operationId: things.get\n",
                "      operationId: things.get\n      x-graphgen-permissions:\n        delegatedWork: {least: [], higher: [A]}\n        robots: notSupported\n",
            ),
            expected: &["/paths/~1things~1{thing-id}/get/x-graphgen-permissions/delegatedWork", "least privileged", "robots"],
            line: Some(8),
        },
        Rejected {
            name: "permissions-disagree-with-security",
            spec: with_thing(object, "").replace(
                "      operationId: things.get\n",
                "      operationId: things.get\n      x-graphgen-permissions:\n        application: {least: [Thing.Read.All]}\n      security:\n        - app: [Thing.ReadWrite.All]\n",
            ),
            expected: &["/paths/~1things~1{thing-id}/get/security", "disagree", "Thing.ReadWrite.All"],
            line: Some(9),
        },
        Rejected {
            name: "secret-on-a-number",
            spec: with_thing(
                "      type: object\n      properties:\n        pin: {type: integer, x-graphgen-secret: true}\n",
                "",
            ),
            expected: &["/components/schemas/thing/properties/pin/x-graphgen-secret", "string"],
            line: Some(21),
        },
    ]
}

#[test]
fn invalid_descriptions_exit_2_with_file_and_location_and_leave_the_output_untouched() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    fs::create_dir_all(out.join("src")).unwrap();
    fs::write(out.join("Cargo.toml"), "# @generated by graphgen: previous output\n").unwrap();
    fs::write(out.join("src/lib.rs"), "// @generated by graphgen: previous output\n").unwrap();
    let before = snapshot_dir(&out);

    let cases = rejected_cases();
    assert!(cases.len() >= 10);
    for case in cases {
        let file = format!("{}.yaml", case.name);
        fs::write(work.path().join(&file), &case.spec).unwrap();
        let output = graphgen(&["generate", &file, "--out", "out"], work.path());
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{}: {message}", case.name);
        assert!(!message.contains("panicked"), "{}: {message}", case.name);
        assert!(
            message.starts_with(&format!("error: {file}")),
            "{}: the file is named first: {message}",
            case.name
        );
        for expected in case.expected {
            assert!(
                message.contains(expected),
                "{}: {expected:?} missing from: {message}",
                case.name
            );
        }
        if let Some(line) = case.line {
            assert!(
                message.contains(&format!("{file}:{line}:")),
                "{}: line {line} missing from: {message}",
                case.name
            );
        }
        assert_eq!(snapshot_dir(&out), before, "{}: the previous output changed", case.name);
        let leftovers: Vec<_> = fs::read_dir(work.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains("graphgen"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "{}: staging left behind: {leftovers:?}",
            case.name
        );
    }
}

#[test]
fn two_fragments_defining_one_schema_differently_are_refused() {
    let work = tempfile::tempdir().unwrap();
    let one = with_thing(
        "      type: object\n      properties:\n        name: {type: string}\n",
        "",
    );
    let two = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    thing:\n      type: object\n      properties:\n        name: {{type: integer}}\n");
    fs::write(work.path().join("one.yaml"), one).unwrap();
    fs::write(work.path().join("two.yaml"), &two).unwrap();
    let output = graphgen(&["generate", "one.yaml", "two.yaml", "--out", "out"], work.path());
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(
        message.contains("two.yaml:6:") && message.contains("one.yaml"),
        "{message}"
    );
    assert!(message.contains("/components/schemas/thing"), "{message}");
    assert!(!work.path().join("out").exists());

    // The same schema, identical in both, is shared: one type.
    let same = two.replace("{type: integer}", "{type: string}");
    fs::write(work.path().join("two.yaml"), same).unwrap();
    let output = graphgen(&["generate", "one.yaml", "two.yaml", "--out", "out"], work.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let models = fs::read_to_string(work.path().join("out/src/models.rs")).unwrap();
    assert_eq!(models.matches("pub struct Thing ").count(), 1, "{models}");

    // What graphgen does not read (an example) may differ; a description may not.
    let example = two.replace("{type: integer}", "{type: string, example: Ada}");
    fs::write(work.path().join("two.yaml"), &example).unwrap();
    let output = graphgen(&["generate", "one.yaml", "two.yaml", "--out", "out"], work.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Documentation may differ too: the first file's is kept, without a word.
    let described = two.replace("{type: integer}", "{type: string, description: A name.}");
    fs::write(work.path().join("two.yaml"), described).unwrap();
    let output = graphgen(&["generate", "one.yaml", "two.yaml", "--out", "out"], work.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let models = fs::read_to_string(work.path().join("out/src/models.rs")).unwrap();
    assert!(!models.contains("A name."), "{models}");

    // What a later file adds (a property) is merged, with a warning naming
    // both places; --strict makes it an error and writes nothing.
    let added = two.replace(
        "name: {type: integer}",
        "name: {type: string}\n        nickname: {type: string}",
    );
    fs::write(work.path().join("two.yaml"), added).unwrap();
    let output = graphgen(&["generate", "one.yaml", "two.yaml", "--out", "out"], work.path());
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{message}");
    assert!(
        message.starts_with("warning: two.yaml:")
            && message.contains("one.yaml")
            && message.contains("property \"nickname\""),
        "{message}"
    );
    let models = fs::read_to_string(work.path().join("out/src/models.rs")).unwrap();
    assert!(models.contains("pub nickname: Option<String>"), "{models}");
    let before = snapshot_dir(&work.path().join("out"));
    let output = graphgen(
        &[
            "generate",
            "one.yaml",
            "two.yaml",
            "--out",
            "out",
            "--crate-name",
            "other",
            "--strict",
        ],
        work.path(),
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.starts_with("error: two.yaml:") && message.contains("an error in a strict run"),
        "{message}"
    );
    assert_eq!(snapshot_dir(&work.path().join("out")), before);
}

/// Microsoft's modules define some operations in two files: they merge as
/// schemas do, and any difference in what is sent or answered is refused.
#[test]
fn an_operation_defined_in_two_files_is_one() {
    let work = tempfile::tempdir().unwrap();
    let one = with_thing(
        "      type: object\n      properties:\n        name: {type: string}\n",
        "",
    );
    fs::write(work.path().join("one.yaml"), &one).unwrap();
    let generate = |two: &str| {
        fs::write(work.path().join("two.yaml"), two).unwrap();
        graphgen(&["generate", "one.yaml", "two.yaml", "--out", "out"], work.path())
    };
    // Identical: one operation, not a word.
    let output = generate(&one);
    assert_eq!((output.status.code(), stderr(&output)), (Some(0), String::new()));
    let client = fs::read_to_string(work.path().join("out/src/client.rs")).unwrap();
    assert_eq!(client.matches("pub fn get(").count(), 1, "{client}");

    // Documentation differs: the first file's is kept, silently.
    let documented = one.replace(
        "      operationId: things.get\n",
        "      operationId: things.get\n      summary: Get a thing, the other way\n",
    );
    let output = generate(&documented);
    assert_eq!((output.status.code(), stderr(&output)), (Some(0), String::new()));
    let client = fs::read_to_string(work.path().join("out/src/client.rs")).unwrap();
    assert!(!client.contains("the other way"), "{client}");

    // Another operationId: merged with a warning naming both places.
    let renamed = one.replace("operationId: things.get", "operationId: things.read");
    let output = generate(&renamed);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{message}");
    assert!(
        message.starts_with("warning: two.yaml:") && message.contains("one.yaml at /paths/~1things~1{thing-id}/get"),
        "{message}"
    );

    // Another answer: refused, naming both places and what differs.
    let answered = one.replace("'200':\n          description: OK", "'201':\n          description: OK");
    let output = generate(&answered);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(
        message.contains("two.yaml:") && message.contains("one.yaml") && message.contains("its responses differ"),
        "{message}"
    );
}

/// Microsoft's own mistakes that graphgen can generate correct code for warn:
/// a path parameter declared but not in the path is left out.
#[test]
fn a_parameter_missing_from_the_path_warns() {
    let work = tempfile::tempdir().unwrap();
    let spec = with_thing("      type: object\n      properties:\n        name: {type: string}\n", "").replace(
        "        - {name: thing-id, in: path, required: true, schema: {type: string}}\n",
        "        - {name: thing-id, in: path, required: true, schema: {type: string}}\n        - {name: other-id, in: path, required: true, schema: {type: string}}\n",
    );
    fs::write(work.path().join("spec.yaml"), spec).unwrap();
    let output = graphgen(&["generate", "spec.yaml", "--out", "out"], work.path());
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{message}");
    assert!(
        message.starts_with("warning: spec.yaml:") && message.contains("\"other-id\" is declared but not in the path"),
        "{message}"
    );
    let output = graphgen(&["generate", "spec.yaml", "--out", "strict", "--strict"], work.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!work.path().join("strict").exists());
}

#[test]
fn generate_is_deterministic_and_check_reports_drift() {
    let work = tempfile::tempdir().unwrap();
    let spec = seed_spec();
    let spec = spec.to_str().unwrap();
    for dir in ["a", "b"] {
        let output = graphgen(
            &["generate", spec, "--out", dir, "--crate-name", "graph-qr"],
            work.path(),
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let a = snapshot_dir(&work.path().join("a"));
    assert!(a.len() > 5);
    assert_eq!(a, snapshot_dir(&work.path().join("b")), "two runs differ");

    let check = |dir: &str| graphgen(&["check", spec, "--out", dir, "--crate-name", "graph-qr"], work.path());
    assert_eq!(check("a").status.code(), Some(0), "{}", stderr(&check("a")));

    fs::write(
        work.path().join("a/src/models.rs"),
        "// @generated by graphgen, then edited by hand\n",
    )
    .unwrap();
    fs::remove_file(work.path().join("a/src/client.rs")).unwrap();
    fs::write(work.path().join("a/src/extra.rs"), "").unwrap();
    let output = check("a");
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    for expected in [
        "src/models.rs (differs)",
        "src/client.rs (missing)",
        "src/extra.rs (not generated)",
    ] {
        assert!(message.contains(expected), "{expected:?} missing from {message}");
    }
    assert!(!message.contains("lib.rs"), "{message}");

    // A file in src/ that graphgen did not write is never replaced.
    let output = graphgen(
        &["generate", spec, "--out", "a", "--crate-name", "graph-qr"],
        work.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("src/extra.rs"), "{}", stderr(&output));
    assert_eq!(fs::read_to_string(work.path().join("a/src/extra.rs")).unwrap(), "");

    // Without it, generating again replaces the whole crate.
    fs::remove_file(work.path().join("a/src/extra.rs")).unwrap();
    let output = graphgen(
        &["generate", spec, "--out", "a", "--crate-name", "graph-qr"],
        work.path(),
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        snapshot_dir(&work.path().join("a")),
        snapshot_dir(&work.path().join("b"))
    );
}

#[test]
fn the_crate_name_defaults_to_the_directory_and_is_checked() {
    let work = tempfile::tempdir().unwrap();
    let spec = seed_spec();
    let spec = spec.to_str().unwrap();
    let output = graphgen(&["generate", spec, "--out", "nested/graph-client"], work.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let manifest = fs::read_to_string(work.path().join("nested/graph-client/Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"graph-client\""), "{manifest}");
    // Lower-case and kebab whatever the directory is called, so the crate
    // passes `non_snake_case`.
    for (dir, name) in [("GraphUsers", "graph-users"), ("beta-Bookings", "beta-bookings")] {
        let output = graphgen(&["generate", spec, "--out", dir], work.path());
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let manifest = fs::read_to_string(work.path().join(dir).join("Cargo.toml")).unwrap();
        assert!(manifest.contains(&format!("name = \"{name}\"")), "{manifest}");
    }

    let output = graphgen(
        &["generate", spec, "--out", "x", "--crate-name", "bad name\"]"],
        work.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("not a valid crate name"));
    assert!(!work.path().join("x").exists());
}

#[test]
fn usage_errors_exit_2() {
    let work = tempfile::tempdir().unwrap();
    assert_eq!(
        graphgen(&["generate", "--out", "x"], work.path()).status.code(),
        Some(2)
    );
    let output = graphgen(&["generate", "missing.yaml", "--out", "x"], work.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("missing.yaml: at (document root): cannot read the file"),
        "{}",
        stderr(&output)
    );
}

/// `--out` replaces only a crate graphgen wrote: a directory of someone's
/// files is refused, and so are places no crate belongs.
#[test]
fn out_replaces_only_what_graphgen_wrote() {
    let work = tempfile::tempdir().unwrap();
    let spec = seed_spec();
    let spec = spec.to_str().unwrap();

    // Someone's directory: refused by generate and check, nothing touched.
    let mine = work.path().join("mine");
    fs::create_dir_all(mine.join("important")).unwrap();
    fs::write(mine.join("notes.md"), "my notes\n").unwrap();
    fs::write(mine.join("important/plan.txt"), "the plan\n").unwrap();
    let before = snapshot_dir(&mine);
    for command in ["generate", "check"] {
        let output = graphgen(&[command, spec, "--out", "mine"], work.path());
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{command}: {message}");
        assert!(
            message.contains("holds files graphgen did not write: important/, notes.md"),
            "{command}: {message}"
        );
        assert_eq!(snapshot_dir(&mine), before, "{command} touched the user's files");
    }

    // A crate graphgen wrote is replaced; what the user put beside its
    // Cargo.toml and src/ (build output, lock file, a README) is kept.
    let output = graphgen(&["generate", spec, "--out", "crate"], work.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let krate = work.path().join("crate");
    fs::create_dir_all(krate.join("target/debug")).unwrap();
    fs::write(krate.join("target/debug/build.log"), "log\n").unwrap();
    fs::write(krate.join("Cargo.lock"), "# lock\n").unwrap();
    fs::write(krate.join("README.md"), "# my crate\n").unwrap();
    fs::write(krate.join("src/models.rs"), "// @generated by graphgen, then edited\n").unwrap();
    let output = graphgen(&["generate", spec, "--out", "crate"], work.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(fs::read_to_string(krate.join("README.md")).unwrap(), "# my crate\n");
    assert_eq!(fs::read_to_string(krate.join("Cargo.lock")).unwrap(), "# lock\n");
    assert_eq!(
        fs::read_to_string(krate.join("target/debug/build.log")).unwrap(),
        "log\n"
    );
    assert!(!fs::read_to_string(krate.join("src/models.rs"))
        .unwrap()
        .contains("edited"));
    let output = graphgen(&["check", spec, "--out", "crate"], work.path());
    assert_eq!(
        output.status.code(),
        Some(0),
        "the user's files are not drift: {}",
        stderr(&output)
    );

    // Places no crate belongs.
    fs::write(work.path().join("file.txt"), "a file\n").unwrap();
    std::os::unix::fs::symlink(&krate, work.path().join("link")).unwrap();
    let home = work.path().join("home");
    fs::create_dir(&home).unwrap();
    let refused = |args: &[&str], cwd: &Path, why: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_graphgen"))
            .args(args)
            .current_dir(cwd)
            .env("HOME", &home)
            .output()
            .unwrap();
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        assert!(message.contains(why), "{args:?}: {why:?} missing from {message}");
    };
    let crate_before = snapshot_dir(&krate);
    refused(
        &["generate", spec, "--out", "file.txt"],
        work.path(),
        "is not a directory",
    );
    refused(&["generate", spec, "--out", "link"], work.path(), "is a symbolic link");
    refused(&["generate", spec, "--out", "/"], work.path(), "is the filesystem root");
    refused(
        &["generate", spec, "--out", home.to_str().unwrap()],
        work.path(),
        "is the home directory",
    );
    refused(&["generate", spec, "--out", "."], &krate, "holds the current directory");
    refused(
        &["generate", spec, "--out", ".."],
        &krate.join("src"),
        "holds the current directory",
    );
    assert_eq!(snapshot_dir(&krate), crate_before);
    assert_eq!(fs::read_to_string(work.path().join("file.txt")).unwrap(), "a file\n");
}

/// `--permissions` gives operations without permissions of their own those
/// of Microsoft's permissions reference (a small one written for the test).
#[test]
fn permissions_come_from_the_reference() {
    let work = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let spec = fixtures.join("official-style.yaml");
    let reference = fixtures.join("permissions.json");
    let output = graphgen(
        &[
            "generate",
            spec.to_str().unwrap(),
            "--permissions",
            reference.to_str().unwrap(),
            "--out",
            "out",
        ],
        work.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let client = fs::read_to_string(work.path().join("out/src/client.rs")).unwrap();
    // GET: the least marked for each type, of the lowest privilege level
    // (Read.All at 3 beats ReadWrite.All at 4 for application), the others higher.
    assert!(
        client.contains("| Delegated (work or school account) | UserAuthenticationMethod.ReadWrite.All | UserAuthenticationMethod.Read.All |"),
        "{client}"
    );
    assert!(
        client.contains("| Application | UserAuthenticationMethod.Read.All | UserAuthenticationMethod.ReadWrite.All |")
    );
    assert!(client.contains("| Delegated (personal Microsoft account) | Not supported. | Not supported. |"));
    // `/me/...` stands in for `/users/{id}/...` where only it is listed.
    assert!(client.contains("| Delegated (work or school account) | UserAuthenticationMethod.ReadWrite | None. |"));
    // `$count` takes what it counts; the eight operations not named say so.
    assert_eq!(
        client
            .matches("| Application | UserAuthenticationMethod.Read.All |")
            .count(),
        2
    );
    assert_eq!(
        client
            .matches("Permissions: not listed in Microsoft's permissions reference.")
            .count(),
        8
    );
    let permissions = fs::read_to_string(work.path().join("out/src/permissions.rs")).unwrap();
    assert!(permissions.contains("UserAuthenticationMethod.Read.All"));

    // A fragment's own permissions win; where the reference disagrees, a
    // warning names both.
    let seed = seed_spec();
    let output = graphgen(
        &[
            "generate",
            seed.to_str().unwrap(),
            "--permissions",
            reference.to_str().unwrap(),
            "--out",
            "seed",
        ],
        work.path(),
    );
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{message}");
    assert!(message.starts_with("warning: "), "{message}");
    assert!(
        message.contains("qrcodepin.yaml") && message.contains("permissions.json"),
        "{message}"
    );
    assert!(
        message.contains("GET /users/{user-id}/authentication/qrCodePinMethod"),
        "{message}"
    );
    let client = fs::read_to_string(work.path().join("seed/src/client.rs")).unwrap();
    assert!(client.contains("| Delegated (work or school account) | UserAuthMethod-QR.Read |"));

    // A reference that is not one is refused, naming the file.
    fs::write(work.path().join("bad.json"), "{\"permissions\": []}").unwrap();
    let output = graphgen(
        &[
            "generate",
            spec.to_str().unwrap(),
            "--permissions",
            "bad.json",
            "--out",
            "bad",
        ],
        work.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("error: bad.json:1:"), "{}", stderr(&output));
    assert!(!work.path().join("bad").exists());
}

#[test]
fn an_include_path_that_matches_nothing_is_refused_with_paths_near_it() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("out");
    let output = graphgen(
        &[
            "generate",
            seed_spec().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--include-path",
            "/users/{id}/qrCodePinMethod",
        ],
        scratch.path(),
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("matches no operation"), "{message}");
    assert!(
        message.contains("/users/{user-id}/authentication/qrCodePinMethod"),
        "{message}"
    );
    assert!(!out.exists());
}
