//! Generated crates build on their own, outside this repository, with
//! crates.io dependencies only, document without a rustdoc warning, and pass
//! clippy with warnings denied.

use std::path::Path;
use std::process::Command;

use graphgen_suite::{root, spec_files};

fn cargo(args: &[&str], dir: &Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(args)
        .current_dir(dir)
        // One target directory for every standalone build, so dependencies compile once.
        .env("CARGO_TARGET_DIR", root().join("target/standalone"))
        .env("RUSTFLAGS", "-D warnings")
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo {} failed in {}:\n{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Generates into a directory outside the repository, with this workspace's
/// lock file so the dependency versions are the ones tested here.
fn build_standalone(specs: &[std::path::PathBuf], name: &str) {
    build_filtered(specs, &graphgen::PathFilter::default(), name);
}

fn build_filtered(specs: &[std::path::PathBuf], filter: &graphgen::PathFilter, name: &str) {
    build_with_features(specs, filter, name, &[]);
}

/// Builds, then lints with every feature and once per further selection
/// (`["--no-default-features", "--features", ...]` for a part of the crate).
fn build_with_features(
    specs: &[std::path::PathBuf],
    filter: &graphgen::PathFilter,
    name: &str,
    selections: &[&[&str]],
) {
    let files = graphgen::generate_crate_filtered(specs, filter, name).unwrap_or_else(|error| panic!("{error}"));
    build_files(&files, name, selections);
}

/// Writes `files` as the crate `name` outside the repository, with this
/// workspace's lock file so the dependency versions are the ones tested
/// here, and builds, documents and lints it as [`build_with_features`] says.
fn build_files(files: &graphgen::output::Files, name: &str, selections: &[&[&str]]) -> tempfile::TempDir {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join(name);
    graphgen::output::write_crate(&dir, files).unwrap();
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    cargo(&["build", "--quiet"], &dir);
    // Descriptions are text: the docs render without a rustdoc warning.
    cargo(&["doc", "--quiet", "--no-deps"], &dir);
    let all_features: &[&str] = &["--all-features"];
    for selection in std::iter::once(all_features).chain(selections.iter().copied()) {
        let mut args = vec!["clippy", "--quiet", "--all-targets"];
        args.extend_from_slice(selection);
        args.extend(["--", "-D", "warnings"]);
        cargo(&args, &dir);
    }
    scratch
}

#[test]
fn spec_crate_and_hostile_names_crate_build_alone_without_warnings() {
    build_standalone(&spec_files(), "graph-qrcodepin");
    build_standalone(&[root().join("generator/tests/fixtures/hostile-names.yaml")], "hostile");
}

/// `--publishable`: a feature per module only, each module alone compiling
/// warning-free, and a package cargo accepts, with a licence.
#[test]
fn the_publishable_spec_crate_builds_per_module_and_packages() {
    let mut model = graphgen::model_with(&spec_files(), &graphgen::PathFilter::default(), None).unwrap();
    graphgen::model::features::publishable(&mut model);
    let files = graphgen::output::crate_files(&model, "graph-spec").unwrap();
    let manifest = &files["Cargo.toml"];
    assert!(
        manifest.contains("\nlicense = \"MIT OR Apache-2.0\"\n") && !manifest.contains("publish = false"),
        "{manifest}"
    );
    assert!(
        manifest.contains("[package.metadata.docs.rs]") && !manifest.contains("model-"),
        "{manifest}"
    );
    let modules = [
        "authentication-methods",
        "change-notifications",
        "qrcodepin",
        "qrcodepin-family",
        "users",
    ];
    let selections: Vec<[&str; 3]> = modules
        .iter()
        .map(|module| ["--no-default-features", "--features", module])
        .collect();
    let selections: Vec<&[&str]> = selections.iter().map(|selection| selection.as_slice()).collect();
    let scratch = build_files(&files, "graph-spec", &selections);
    cargo(
        &["package", "--quiet", "--no-verify", "--offline"],
        &scratch.path().join("graph-spec"),
    );
}

/// The authentication slice of Microsoft's official Identity.SignIns
/// description: every operation under `/users/{user-id}/authentication/`.
#[test]
#[cfg_attr(
    not(shared),
    ignore = "needs Microsoft's descriptions in ../shared/graph (scripts/fetch-descriptions.sh)"
)]
fn official_authentication_slice_builds_alone_without_warnings() {
    let Some(spec) = graphgen_suite::shared_file("graph/v1.0/Identity.SignIns.yml") else {
        return;
    };
    let filter = graphgen::PathFilter::new(["/users/{user-id}/authentication/**"], Vec::<&str>::new());
    let files =
        graphgen::generate_crate_filtered(std::slice::from_ref(&spec), &filter, "graph-authentication").unwrap();
    let client = &files["src/client.rs"];
    // The slice holds its whole family: lists with paging and $count, single
    // methods, and the long-running operations.
    for expected in [
        "pub fn by_email_authentication_method_id(",
        "pub fn count(",
        "pub fn operations(",
        "impl options::Top<options::Get> for",
    ] {
        assert!(client.contains(expected), "{expected} missing");
    }
    assert!(!client.contains("/users/{user-id}/messages"));
    build_filtered(&[spec], &filter, "graph-authentication");
}

/// A description with several parts (tags) gets one cargo feature per part;
/// the crate builds without warnings with every part, with none, and with
/// each alone.
#[test]
fn every_feature_selection_builds_without_warnings() {
    let spec = root().join("generator/tests/fixtures/two-parts.yaml");
    let files = graphgen::generate_crate(std::slice::from_ref(&spec), "two-parts").unwrap();
    let manifest = &files["Cargo.toml"];
    // Each part turns on the types its operations name; a type, those its
    // properties name, navigation properties (`manager`, `memberOf`) aside;
    // a union, its declared type only (`User` is a variant of `AnyEntity`
    // only when something else turns it on).
    for line in [
        "users-user = [\"model-User\"]",
        "groups-group = [\"model-EntityCollectionResponse\", \"model-GroupCollectionResponse\"]",
        "model-AnyEntity = [\"model-Entity\"]",
        "model-User = [\"model-Status\"]",
        "model-Group = [\"model-Status\", \"model-term_store-Set\"]",
    ] {
        assert!(manifest.contains(line), "{line} missing from\n{manifest}");
    }
    let none: &[&str] = &["--no-default-features"];
    let users: &[&str] = &["--no-default-features", "--features", "users-user"];
    let groups: &[&str] = &["--no-default-features", "--features", "groups-group"];
    let photo: &[&str] = &["--no-default-features", "--features", "groups-profilephoto"];
    build_with_features(
        &[spec],
        &graphgen::PathFilter::default(),
        "two-parts",
        &[none, users, groups, photo],
    );
}

/// The project's own description in the conventions of Microsoft's official
/// ones (`generator/tests/fixtures/official-style.yaml`): what the official
/// slice above proves, proved where Microsoft's descriptions are not at hand.
#[test]
fn official_style_fixture_builds_alone_with_each_feature() {
    let spec = root().join("generator/tests/fixtures/official-style.yaml");
    let files = graphgen::generate_crate(std::slice::from_ref(&spec), "official-style").unwrap();
    let client = &files["src/client.rs"];
    let models = &files["src/models.rs"];
    for expected in [
        // Paging of a collection response written as `allOf` of the base collection.
        "Call<AuthenticationMethodCollectionResponse, (Self, options::Get)>",
        // `$count`, an action, and a function with parameters in its segment.
        "pub fn count(",
        "pub fn enable_sms_sign_in(",
        "pub fn reminder_view(",
        // A polymorphic collection takes and gives the union of its hierarchy.
        "pub fn post(&self, body: &AnyAuthenticationMethod) -> Call<AnyAuthenticationMethod>",
        // `$ref` reads answer references (`@odata.id`), where the description says strings.
        "pub fn get(&self) -> Call<super::runtime::object::Reference>",
        "pub fn get(&self) -> Call<super::runtime::object::References, (Self, options::Get)>",
        // A required query option is an argument; one the runtime has no setter for is set by name.
        "start_date_time: impl AsRef<str>,\n        end_date_time: impl AsRef<str>,\n    ) -> Call<UserListRemindersResponse, (Self, options::Get)>",
        ".query(\"startDateTime\", start_date_time.as_ref())",
        "impl options::Top<options::Get> for RemindersRequestBuilder {}",
        "the header `Prefer`, set with [`header`](super::runtime::call::Call::header)",
        // An action that creates an upload session says how to send the file.
        "[`GraphClient::upload`](super::runtime::client::GraphClient::upload)",
    ] {
        assert!(client.contains(expected), "{expected} missing from client.rs");
    }
    for expected in [
        "impl Page for AuthenticationMethodCollectionResponse",
        "impl Page for UserReminderViewResponse",
        "pub enum AnyAuthenticationMethod",
        // `anyOf: [$ref, {nullable}]` is an optional reference.
        "pub password_profile: Option<PasswordProfile>",
    ] {
        assert!(models.contains(expected), "{expected} missing from models.rs");
    }
    let features: Vec<String> = [
        "users-actions",
        "users-authentication",
        "users-directoryobject",
        "users-functions",
        "users-user",
    ]
    .iter()
    .map(|feature| {
        assert!(
            files["Cargo.toml"].contains(&format!("\n{feature} = [")),
            "feature {feature} missing"
        );
        (*feature).to_owned()
    })
    .collect();
    let none: &[&str] = &["--no-default-features"];
    let alone: Vec<[&str; 3]> = features
        .iter()
        .map(|feature| ["--no-default-features", "--features", feature.as_str()])
        .collect();
    let mut selections: Vec<&[&str]> = vec![none];
    selections.extend(alone.iter().map(|selection| &selection[..]));
    build_with_features(&[spec], &graphgen::PathFilter::default(), "official-style", &selections);
}
