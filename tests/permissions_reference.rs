//! Permissions from Microsoft's permissions reference (`permissions.json`,
//! beside the checkout in `../shared/graph/`) for operations that carry none.

use std::collections::BTreeMap;

use graphgen::model::{Permissions, Scopes};
use graphgen_suite::{root, shared_file};

fn sorted(scopes: &Option<Scopes>) -> Option<(Vec<String>, Vec<String>)> {
    scopes.as_ref().map(|scopes| {
        let (mut least, mut higher) = (scopes.least.clone(), scopes.higher.clone());
        least.sort();
        higher.sort();
        (least, higher)
    })
}

fn same(a: &Permissions, b: &Permissions) -> bool {
    sorted(&a.delegated_work) == sorted(&b.delegated_work)
        && sorted(&a.delegated_personal) == sorted(&b.delegated_personal)
        && sorted(&a.application) == sorted(&b.application)
}

/// The seed fragment's paths with its own permissions left out: the
/// reference gives exactly the table of the seed's documentation page.
#[test]
#[cfg_attr(
    not(shared),
    ignore = "needs Microsoft's descriptions in ../shared/graph (scripts/fetch-descriptions.sh)"
)]
fn the_seed_operation_gets_the_seed_pages_table() {
    let Some(reference) = shared_file("graph/permissions.json") else {
        return;
    };
    let fragment = root().join("spec/qrcodepin.yaml");
    let own = graphgen::model(std::slice::from_ref(&fragment), &graphgen::PathFilter::default()).unwrap();
    let mut spec: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(&fragment).unwrap()).unwrap();
    for (_, item) in spec["paths"].as_mapping_mut().unwrap() {
        for (_, operation) in item.as_mapping_mut().unwrap() {
            if let Some(operation) = operation.as_mapping_mut() {
                operation.remove("x-graphgen-permissions");
                operation.remove("x-graphgen-roles-for-other-users");
            }
        }
    }
    let scratch = tempfile::tempdir().unwrap();
    let bare = scratch.path().join("qrcodepin.yaml");
    std::fs::write(&bare, serde_yaml::to_string(&spec).unwrap()).unwrap();
    let without = graphgen::model(std::slice::from_ref(&bare), &graphgen::PathFilter::default()).unwrap();
    assert!(without.operations[0].permissions.is_none());

    let from_file = graphgen::model_with(&[bare], &graphgen::PathFilter::default(), Some(&reference)).unwrap();
    let seed = own.operations[0].permissions.as_ref().unwrap();
    let found = from_file.operations[0].permissions.as_ref().unwrap();
    assert_eq!(
        from_file.operations[0].template,
        "/users/{user-id}/authentication/qrCodePinMethod"
    );
    assert_eq!(found.delegated_work.as_ref().unwrap().least, ["UserAuthMethod-QR.Read"]);
    assert_eq!(
        found.application.as_ref().unwrap().least,
        ["UserAuthMethod-QR.Read.All"]
    );
    assert!(found.delegated_personal.is_none());
    assert!(same(seed, found), "the seed's {seed:?}\nthe reference's {found:?}");
    let files = graphgen::output::crate_files(&from_file, "qr").unwrap();
    assert!(files["src/permissions.rs"].contains("UserAuthMethod-QR.Read"));
    assert!(files["src/client.rs"].contains("| Application | UserAuthMethod-QR.Read.All |"));

    // The fragment's own win; where they disagree with the reference, a warning says so.
    let both = graphgen::model_with(&[fragment], &graphgen::PathFilter::default(), Some(&reference)).unwrap();
    assert!(same(both.operations[0].permissions.as_ref().unwrap(), seed));
    assert!(both.warnings.is_empty(), "{:?}", both.warnings);
}

/// Every official module with the reference: coverage per module, and at
/// least what an exact, case-insensitive match of the file finds.
#[test]
#[cfg_attr(
    not(shared),
    ignore = "needs Microsoft's descriptions in ../shared/graph (scripts/fetch-descriptions.sh)"
)]
fn official_modules_get_the_references_permissions() {
    let (Some(reference), Some(dir)) = (shared_file("graph/permissions.json"), shared_file("graph/v1.0")) else {
        return;
    };
    let mut modules: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    modules.sort();
    let model = graphgen::model_with(&modules, &graphgen::PathFilter::default(), Some(&reference)).unwrap();
    let mut coverage: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for operation in &model.operations {
        let entry = coverage.entry(operation.module.as_str()).or_default();
        entry.1 += 1;
        if operation.permissions.is_some() {
            entry.0 += 1;
        } else {
            assert!(operation.unlisted);
        }
    }
    let (with, all) = coverage.values().fold((0, 0), |(a, b), (c, d)| (a + c, b + d));
    eprintln!("| module | with permissions | operations |");
    for (module, (with, all)) in &coverage {
        eprintln!("| {module} | {with} | {all} |");
    }
    eprintln!("| all | {with} | {all} |");
    assert_eq!(all, 9726);
    assert!(with >= 2478, "only {with} of {all} operations have permissions");
    let files = graphgen::output::crate_files(&model, "graph").unwrap();
    assert!(files["src/client.rs"].contains("not listed in Microsoft's permissions reference"));
}
