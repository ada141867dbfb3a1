//! The `x-graphgen-*` extensions of an operation: what OpenAPI has no place
//! for (permissions, the Entra roles for acting on other users, national
//! clouds), read and checked.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Cloud, Permissions, Scopes};
use crate::diagnostics::{pointer, Diagnostic};
use crate::load::SourceFile;

const PERMISSION_TYPES: [&str; 3] = ["delegatedWork", "delegatedPersonal", "application"];

/// Where an operation is: its file, its JSON pointer, and what it says.
pub(super) struct Operation<'a> {
    pub file: &'a SourceFile,
    pub pointer: &'a str,
    pub operation: &'a openapiv3::Operation,
}

/// Reads `x-graphgen-permissions` and `x-graphgen-roles-for-other-users`, and
/// checks them against the operation's `security` requirements.
pub(super) fn permissions(op: &Operation, problems: &mut Vec<Diagnostic>) -> Option<Permissions> {
    let extensions = &op.operation.extensions;
    let value = extensions.get("x-graphgen-permissions")?;
    let at = pointer(op.pointer, &["x-graphgen-permissions"]);
    let mut fail = |pointer: String, message: String| problems.push(op.file.diagnostic(pointer, message));
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

pub(super) fn clouds(op: &Operation, problems: &mut Vec<Diagnostic>) -> Vec<Cloud> {
    let Some(value) = op.operation.extensions.get("x-graphgen-clouds") else {
        return Vec::new();
    };
    let at = pointer(op.pointer, &["x-graphgen-clouds"]);
    let known: Vec<&str> = Cloud::ALL.iter().map(|(name, _)| *name).collect();
    let Some(names) = string_list(value) else {
        problems.push(
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
            None => problems.push(op.file.diagnostic(
                pointer(&at, &[&index.to_string()]),
                format!("unknown cloud {name:?}; expected one of {}", known.join(", ")),
            )),
        }
    }
    clouds
}
