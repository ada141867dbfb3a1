//! The `x-graphgen-*` extensions of an operation: what OpenAPI has no place
//! for (permissions, the Entra roles for acting on other users, national
//! clouds), read and checked.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Cloud, Permissions, Scopes};
use crate::diagnostics::{pointer, Report};
use crate::load::permissions::{Granted, PermissionsFile};
use crate::load::SourceFile;

const PERMISSION_TYPES: [&str; 3] = ["delegatedWork", "delegatedPersonal", "application"];

/// The `x-graphgen-*` extensions an operation may carry.
const OPERATION_EXTENSIONS: [&str; 3] = [
    "x-graphgen-permissions",
    "x-graphgen-roles-for-other-users",
    "x-graphgen-clouds",
];

/// Where an operation is: its file, its JSON pointer, and what it says.
pub(super) struct Operation<'a> {
    pub file: &'a SourceFile,
    pub pointer: &'a str,
    pub operation: &'a openapiv3::Operation,
}

/// Reads `x-graphgen-permissions` and `x-graphgen-roles-for-other-users`, and
/// checks them against the operation's `security` requirements.
pub(super) fn permissions(op: &Operation, report: &mut Report) -> Option<Permissions> {
    let extensions = &op.operation.extensions;
    // A misspelt extension is an error, not a mark silently not there.
    for name in extensions.keys() {
        if name.starts_with("x-graphgen-") && !OPERATION_EXTENSIONS.contains(&name.as_str()) {
            report.error(op.file.diagnostic(
                pointer(op.pointer, &[name]),
                format!(
                    "unknown extension {name}; an operation may carry {}",
                    OPERATION_EXTENSIONS.join(", ")
                ),
            ));
        }
    }
    let Some(value) = extensions.get("x-graphgen-permissions") else {
        if extensions.contains_key("x-graphgen-roles-for-other-users") {
            report.error(op.file.diagnostic(
                pointer(op.pointer, &["x-graphgen-roles-for-other-users"]),
                "x-graphgen-roles-for-other-users needs x-graphgen-permissions beside it",
            ));
        }
        return None;
    };
    let at = pointer(op.pointer, &["x-graphgen-permissions"]);
    let mut fail = |pointer: String, message: String| report.error(op.file.diagnostic(pointer, message));
    let Some(table) = value.as_object() else {
        fail(
            at,
            "x-graphgen-permissions must be a mapping of permission types".to_owned(),
        );
        return None;
    };
    let mut permissions = Permissions::default();
    for (key, entry) in table {
        let entry_at = pointer(&at, &[key]);
        let scopes = match entry {
            Value::String(text) if text == "notSupported" => None,
            Value::Object(lists) => {
                let mut scopes = Scopes::default();
                for (list_key, list) in lists {
                    let target = match list_key.as_str() {
                        "least" => &mut scopes.least,
                        "higher" => &mut scopes.higher,
                        _ => {
                            fail(
                                pointer(&entry_at, &[list_key]),
                                "expected `least` or `higher`".to_owned(),
                            );
                            continue;
                        }
                    };
                    match string_list(list) {
                        Some(values) => *target = values,
                        None => fail(
                            pointer(&entry_at, &[list_key]),
                            "expected a list of permission names".to_owned(),
                        ),
                    }
                }
                if scopes.least.is_empty() {
                    fail(
                        entry_at.clone(),
                        "a supported permission type needs at least one least privileged permission".to_owned(),
                    );
                }
                Some(scopes)
            }
            _ => {
                fail(
                    entry_at,
                    "expected `notSupported` or a mapping with `least` and `higher`".to_owned(),
                );
                continue;
            }
        };
        match key.as_str() {
            "delegatedWork" => permissions.delegated_work = scopes,
            "delegatedPersonal" => permissions.delegated_personal = scopes,
            "application" => permissions.application = scopes,
            _ => fail(
                entry_at,
                format!(
                    "unknown permission type; expected one of {}",
                    PERMISSION_TYPES.join(", ")
                ),
            ),
        }
    }
    if let Some(roles) = extensions.get("x-graphgen-roles-for-other-users") {
        match string_list(roles) {
            Some(roles) => permissions.roles_for_other_users = roles,
            None => fail(
                pointer(op.pointer, &["x-graphgen-roles-for-other-users"]),
                "expected a list of Microsoft Entra role names".to_owned(),
            ),
        }
    }
    if let Some(security) = &op.operation.security {
        let declared: BTreeSet<&str> = security
            .iter()
            .flat_map(|requirement| requirement.values().flatten())
            .map(String::as_str)
            .collect();
        let listed: BTreeSet<&str> = [
            &permissions.delegated_work,
            &permissions.delegated_personal,
            &permissions.application,
        ]
        .into_iter()
        .flatten()
        .flat_map(|scopes| scopes.least.iter().chain(&scopes.higher))
        .map(String::as_str)
        .collect();
        if declared != listed {
            let missing: Vec<&str> = listed.difference(&declared).copied().collect();
            let extra: Vec<&str> = declared.difference(&listed).copied().collect();
            fail(
                pointer(op.pointer, &["security"]),
                format!(
                    "security and x-graphgen-permissions disagree: only in x-graphgen-permissions: [{}]; only in security: [{}]",
                    missing.join(", "),
                    extra.join(", ")
                ),
            );
        }
    }
    Some(permissions)
}

fn string_list(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|item| item.as_str().filter(|text| !text.trim().is_empty()).map(str::to_owned))
        .collect()
}

pub(super) fn clouds(op: &Operation, report: &mut Report) -> Vec<Cloud> {
    let Some(value) = op.operation.extensions.get("x-graphgen-clouds") else {
        return Vec::new();
    };
    let at = pointer(op.pointer, &["x-graphgen-clouds"]);
    let known: Vec<&str> = Cloud::ALL.iter().map(|(name, _)| *name).collect();
    let Some(names) = string_list(value) else {
        report.error(
            op.file
                .diagnostic(at, format!("expected a list of clouds: {}", known.join(", "))),
        );
        return Vec::new();
    };
    let mut clouds = Vec::new();
    for (index, name) in names.iter().enumerate() {
        match Cloud::ALL.iter().find(|(known, _)| known == name) {
            Some((_, cloud)) if !clouds.contains(cloud) => clouds.push(*cloud),
            Some(_) => {}
            None => report.error(op.file.diagnostic(
                pointer(&at, &[&index.to_string()]),
                format!("unknown cloud {name:?}; expected one of {}", known.join(", ")),
            )),
        }
    }
    clouds
}

/// The operation's permissions: its own (`x-graphgen-permissions`), else
/// those the permissions reference gives its method and path; and whether a
/// reference was given that does not name it. Where its own disagree with
/// the reference's, its own win, with a warning naming both.
pub(super) fn with_reference(
    op: &Operation,
    own: Option<Permissions>,
    reference: Option<&PermissionsFile>,
    method: &str,
    template: &str,
    report: &mut Report,
) -> (Option<Permissions>, bool) {
    let Some(reference) = reference else {
        return (own, false);
    };
    let listed = reference.lookup(method, template);
    match (own, listed) {
        (Some(own), Some(table)) => {
            let theirs = from_table(table);
            let kinds = [
                (
                    "delegated (work or school)",
                    &own.delegated_work,
                    &theirs.delegated_work,
                ),
                (
                    "delegated (personal)",
                    &own.delegated_personal,
                    &theirs.delegated_personal,
                ),
                ("application", &own.application, &theirs.application),
            ];
            let differing: Vec<String> = kinds
                .iter()
                .filter(|(_, ours, theirs)| !same_scopes(ours, theirs))
                .map(|(kind, ours, theirs)| format!("{kind}: {} here, {} there", describe(ours), describe(theirs)))
                .collect();
            if !differing.is_empty() {
                report.warn(op.file.diagnostic(
                    pointer(op.pointer, &["x-graphgen-permissions"]),
                    format!(
                        "the permissions differ from those of {} for {method} {template} ({}); the description's are used",
                        reference.path.display(),
                        differing.join("; ")
                    ),
                ));
            }
            (Some(own), false)
        }
        (Some(own), None) => (Some(own), false),
        (None, Some(table)) => (Some(from_table(table)), false),
        (None, None) => (None, true),
    }
}

fn from_table([delegated_work, delegated_personal, application]: [Option<Granted>; 3]) -> Permissions {
    let scopes = |granted: Option<Granted>| {
        granted.map(|granted| Scopes {
            least: granted.least,
            higher: granted.higher,
        })
    };
    Permissions {
        delegated_work: scopes(delegated_work),
        delegated_personal: scopes(delegated_personal),
        application: scopes(application),
        roles_for_other_users: Vec::new(),
    }
}

/// The same permissions, whatever their order.
fn same_scopes(a: &Option<Scopes>, b: &Option<Scopes>) -> bool {
    let sorted = |list: &[String]| {
        let mut list = list.to_vec();
        list.sort();
        list
    };
    match (a, b) {
        (Some(a), Some(b)) => sorted(&a.least) == sorted(&b.least) && sorted(&a.higher) == sorted(&b.higher),
        (None, None) => true,
        _ => false,
    }
}

fn describe(scopes: &Option<Scopes>) -> String {
    match scopes {
        Some(scopes) => format!("least {} and {} higher", scopes.least.join(", "), scopes.higher.len()),
        None => "not supported".to_owned(),
    }
}
