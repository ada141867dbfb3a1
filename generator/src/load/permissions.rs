//! Microsoft's permissions reference (`permissions.json`, the kibali schema):
//! for each permission its schemes (delegated work or school, delegated
//! personal, application) with their privilege level, and the sets of
//! methods and paths it grants, `least=` marking the schemes for which it is
//! the least privileged.
//!
//! Paths are matched as Microsoft's own tooling matches them: without case,
//! any key segment as `{id}`, function segments by name and parameter names,
//! without the `microsoft.graph.` prefix, and `/me/...` standing in for
//! `/users/{id}/...` (and the other way round) where the file lists only one.
//! A `$count`, `$value` or `$ref` path the file does not list takes the
//! permissions of the same method on the path it counts, holds the content
//! of, or references.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::Diagnostic;

/// The permission types, in the order of the file's scheme names.
const SCHEMES: [&str; 3] = ["DelegatedWork", "DelegatedPersonal", "Application"];

/// The least privileged permissions of one permission type, and the others.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Granted {
    pub least: Vec<String>,
    pub higher: Vec<String>,
}

/// What the file says of an operation, per permission type (delegated work
/// or school, delegated personal, application); `None`: not supported.
pub type Table = [Option<Granted>; 3];

/// The permissions reference, indexed by path.
#[derive(Debug, Default)]
pub struct PermissionsFile {
    /// The file, for messages.
    pub path: PathBuf,
    /// Name and privilege level per scheme (`None`: the scheme does not exist).
    permissions: Vec<(String, [Option<u32>; 3])>,
    /// Normalized path → what grants it.
    grants: HashMap<String, Vec<Grant>>,
}

#[derive(Debug)]
struct Grant {
    permission: usize,
    /// Upper-case HTTP methods.
    methods: Vec<String>,
    /// Schemes this path set grants, and those it is the least privileged for.
    schemes: [bool; 3],
    least: [bool; 3],
}

#[derive(Deserialize)]
struct File {
    permissions: BTreeMap<String, Permission>,
}

#[derive(Deserialize)]
struct Permission {
    #[serde(default)]
    schemes: BTreeMap<String, Scheme>,
    #[serde(default, rename = "pathSets")]
    path_sets: Vec<PathSet>,
}

#[derive(Deserialize)]
struct Scheme {
    #[serde(default, rename = "privilegeLevel")]
    privilege_level: Option<u32>,
}

#[derive(Deserialize)]
struct PathSet {
    #[serde(default, rename = "schemeKeys")]
    scheme_keys: Vec<String>,
    #[serde(default)]
    methods: Vec<String>,
    #[serde(default)]
    paths: BTreeMap<String, String>,
}

fn scheme_index(name: &str) -> Option<usize> {
    SCHEMES.iter().position(|scheme| *scheme == name)
}

/// Reads the permissions reference at `path`.
pub fn read(path: &Path) -> Result<PermissionsFile, Box<Diagnostic>> {
    let fail =
        |pointer: String, position, message: String| Box::new(Diagnostic::new(path, pointer, message).at(position));
    let text = std::fs::read_to_string(path)
        .map_err(|error| fail(String::new(), None, format!("cannot read the file: {error}")))?;
    let deserializer = &mut serde_json::Deserializer::from_str(&text);
    let file: File = serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let pointer: String = error
            .path()
            .iter()
            .map(|segment| format!("/{}", crate::diagnostics::escape_token(&segment.to_string())))
            .collect();
        let inner = error.into_inner();
        fail(
            pointer,
            Some((inner.line(), inner.column())),
            format!("not a permissions reference (kibali schema): {inner}"),
        )
    })?;
    let mut reference = PermissionsFile {
        path: path.to_path_buf(),
        ..PermissionsFile::default()
    };
    for (name, permission) in file.permissions {
        let index = reference.permissions.len();
        let mut levels = [None; 3];
        for (scheme, details) in &permission.schemes {
            if let Some(at) = scheme_index(scheme) {
                levels[at] = Some(details.privilege_level.unwrap_or(u32::MAX));
            }
        }
        reference.permissions.push((name, levels));
        for set in permission.path_sets {
            let mut schemes = [false; 3];
            for key in &set.scheme_keys {
                if let Some(at) = scheme_index(key) {
                    schemes[at] = levels[at].is_some();
                }
            }
            for (path, marks) in set.paths {
                let mut least = [false; 3];
                for mark in marks.split(';') {
                    if let Some(list) = mark.trim().strip_prefix("least=") {
                        for scheme in list.split(',') {
                            if let Some(at) = scheme_index(scheme.trim()) {
                                least[at] = schemes[at];
                            }
                        }
                    }
                }
                reference.grants.entry(normalize(&path)).or_default().push(Grant {
                    permission: index,
                    methods: set.methods.iter().map(|method| method.to_ascii_uppercase()).collect(),
                    schemes,
                    least,
                });
            }
        }
    }
    Ok(reference)
}

impl PermissionsFile {
    /// The permissions of `method` on the path `template` (as the description
    /// writes it), if the file names it: per permission type, the least
    /// privileged permission (of those the file marks least for it, the one
    /// of the lowest privilege level; ties all listed) and the others, by
    /// privilege level. A type no permission grants is not supported.
    pub fn lookup(&self, method: &str, template: &str) -> Option<Table> {
        let method = method.to_ascii_uppercase();
        let path = normalize(template);
        let grants = |path: &str| -> Vec<&Grant> {
            self.grants
                .get(path)
                .into_iter()
                .flatten()
                .filter(|grant| grant.methods.contains(&method))
                .collect()
        };
        // The path, `/me` for `/users/{id}` (or the other way round), then, for
        // `$count`, `$value` and `$ref`, which the file seldom lists, what
        // they count, hold the content of, or reference.
        let mut candidates = vec![path.clone()];
        candidates.extend(stand_in(&path));
        if let Some((parent, "$count" | "$value" | "$ref")) = path.rsplit_once('/') {
            candidates.push(parent.to_owned());
            candidates.extend(stand_in(parent));
        }
        let found = candidates
            .iter()
            .map(|candidate| grants(candidate))
            .find(|found| !found.is_empty())?;
        Some([0, 1, 2].map(|scheme| self.granted(&found, scheme)))
    }

    fn granted(&self, grants: &[&Grant], scheme: usize) -> Option<Granted> {
        // Each granting permission once, least if any of its path sets says so.
        let mut granting: BTreeMap<&str, (u32, bool)> = BTreeMap::new();
        for grant in grants.iter().filter(|grant| grant.schemes[scheme]) {
            let (name, levels) = &self.permissions[grant.permission];
            let entry = granting
                .entry(name.as_str())
                .or_insert((levels[scheme].unwrap_or(u32::MAX), false));
            entry.1 |= grant.least[scheme];
        }
        if granting.is_empty() {
            return None;
        }
        let marked = granting.values().any(|(_, least)| *least);
        let lowest = granting
            .values()
            .filter(|(_, least)| *least || !marked)
            .map(|(level, _)| *level)
            .min()?;
        let mut least = Vec::new();
        let mut higher: Vec<(u32, &str)> = Vec::new();
        for (name, (level, is_least)) in granting {
            if (is_least || !marked) && level == lowest {
                least.push(name.to_owned());
            } else {
                higher.push((level, name));
            }
        }
        higher.sort();
        Some(Granted {
            least,
            higher: higher.into_iter().map(|(_, name)| name.to_owned()).collect(),
        })
    }
}

/// A path as the file writes its keys: lower case, every key segment `{id}`,
/// no `microsoft.graph.` prefix, a function's parameters without their values.
pub fn normalize(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            let segment = segment.to_ascii_lowercase();
            let segment = segment.strip_prefix("microsoft.graph.").unwrap_or(&segment);
            if segment.starts_with('{') && segment.ends_with('}') {
                return "{id}".to_owned();
            }
            match segment.split_once('(') {
                Some((name, arguments)) => {
                    let names: Vec<&str> = arguments
                        .trim_end_matches(')')
                        .split(',')
                        .map(|argument| argument.split('=').next().unwrap_or("").trim())
                        .collect();
                    format!("{name}({})", names.join(","))
                }
                None => segment.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `/me/...` for `/users/{id}/...`, and the other way round.
fn stand_in(path: &str) -> Option<String> {
    if let Some(rest) = path.strip_prefix("/users/{id}") {
        return Some(format!("/me{rest}"));
    }
    path.strip_prefix("/me")
        .filter(|rest| rest.is_empty() || rest.starts_with('/'))
        .map(|rest| format!("/users/{{id}}{rest}"))
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn paths_are_normalized_as_the_file_writes_them() {
        assert_eq!(
            normalize("/users/{user-id}/authentication/qrCodePinMethod"),
            "/users/{id}/authentication/qrcodepinmethod"
        );
        assert_eq!(
            normalize("/identityGovernance/accessReviews/definitions/{accessReviewScheduleDefinition-id}/instances/{accessReviewInstance-id}/decisions/microsoft.graph.filterByCurrentUser(on='{on}')"),
            "/identitygovernance/accessreviews/definitions/{id}/instances/{id}/decisions/filterbycurrentuser(on)"
        );
        assert_eq!(
            normalize("/identitygovernance/accessreviews/definitions/{id}/instances/{id}/decisions/filterbycurrentuser(on={value})"),
            "/identitygovernance/accessreviews/definitions/{id}/instances/{id}/decisions/filterbycurrentuser(on)"
        );
    }
}
