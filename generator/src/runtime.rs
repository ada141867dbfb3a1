//! The hand-written runtime, embedded so every generated crate carries it.
//! The sources live in `runtime/` at the workspace root, where they are
//! compiled and tested as the `graphgen-runtime` crate.

/// One module of the runtime.
pub struct Module {
    pub name: &'static str,
    /// The source, copied verbatim.
    pub source: &'static str,
    /// The cargo features of which the module needs one; none when always compiled.
    pub features: &'static [&'static str],
}

const fn module(name: &'static str, source: &'static str) -> Module {
    Module {
        name,
        source,
        features: &[],
    }
}

/// The runtime's modules, sorted by name.
pub const MODULES: &[Module] = &[
    module("answer", include_str!("../../runtime/src/answer.rs")),
    module("auth", include_str!("../../runtime/src/auth.rs")),
    Module {
        name: "azure",
        source: include_str!("../../runtime/src/azure.rs"),
        features: &["azure"],
    },
    module("batch", include_str!("../../runtime/src/batch.rs")),
    module("bytes", include_str!("../../runtime/src/bytes.rs")),
    module("call", include_str!("../../runtime/src/call.rs")),
    module("client", include_str!("../../runtime/src/client.rs")),
    module("cloud", include_str!("../../runtime/src/cloud.rs")),
    module("error", include_str!("../../runtime/src/error.rs")),
    Module {
        name: "notifications",
        source: include_str!("../../runtime/src/notifications.rs"),
        features: &["notifications"],
    },
    module("object", include_str!("../../runtime/src/object.rs")),
    module("options", include_str!("../../runtime/src/options.rs")),
    module("paging", include_str!("../../runtime/src/paging.rs")),
    module("patch", include_str!("../../runtime/src/patch.rs")),
    module("path", include_str!("../../runtime/src/path.rs")),
    module("permissions", include_str!("../../runtime/src/permissions.rs")),
    module("query", include_str!("../../runtime/src/query.rs")),
    module("read", include_str!("../../runtime/src/read.rs")),
    module("retry", include_str!("../../runtime/src/retry.rs")),
    module("secret", include_str!("../../runtime/src/secret.rs")),
    module("send", include_str!("../../runtime/src/send.rs")),
    Module {
        name: "serve",
        source: include_str!("../../runtime/src/serve.rs"),
        features: &["notifications", "testing"],
    },
    Module {
        name: "testing",
        source: include_str!("../../runtime/src/testing.rs"),
        features: &["testing"],
    },
    module("upload", include_str!("../../runtime/src/upload.rs")),
    module("values", include_str!("../../runtime/src/values.rs")),
];

const MANIFEST: &str = include_str!("../../runtime/Cargo.toml");

/// The runtime's `[dependencies]` table, which every generated crate uses as its own.
pub fn dependencies() -> &'static str {
    table("dependencies")
}

/// The runtime's `[features]` table, which every generated crate uses as its own.
pub fn features() -> &'static str {
    table("features")
}

/// The names of the runtime's cargo features, which no feature of a
/// description's may take.
pub fn feature_names() -> impl Iterator<Item = &'static str> {
    features()
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once(" = [").map(|(name, _)| name))
}

/// Every method a `GraphClient` has: its own (in any module: `call`,
/// `batch`, `upload`, ...) and those of the traits it implements by hand
/// (`fmt`); derived ones (`clone`) are among the trait methods no segment
/// method takes (`names.rs`). A segment of a description's root path may not
/// take one of these names on the client. A test reads them from the
/// runtime's sources, so the list cannot fall behind.
pub const CLIENT_METHODS: &[&str] = &[
    "batch",
    "builder",
    "call",
    "call_bytes",
    "call_count",
    "fmt",
    "new",
    "pipeline",
    "service_root",
    "upload",
];

/// The query options (`$...`) and headers the runtime's `Call` has a setter
/// for, by name on the wire, with the trait that marks the operations taking
/// each (`runtime/src/options.rs`; a test reads them there).
pub const OPTIONS: &[Setter] = &[
    Setter::typed("$select", "Select", "select"),
    Setter::typed("$expand", "Expand", "expand"),
    Setter::typed("$filter", "Filter", "filter"),
    Setter::typed("$search", "Search", "search"),
    Setter::typed("$orderby", "OrderBy", "orderby"),
    Setter::new("$top", "Top", "top"),
    Setter::new("$skip", "Skip", "skip"),
    Setter::new("$count", "Count", "count"),
    Setter::new("ConsistencyLevel", "ConsistencyLevel", "consistency_level"),
    Setter::new("If-Match", "IfMatch", "if_match"),
];

/// The header whose operations send it by themselves for advanced queries
/// (`Call::advanced_queries`).
pub const CONSISTENCY_LEVEL: &str = "ConsistencyLevel";

/// A setter of the runtime's `Call` for a query option or header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setter {
    /// The option's name on the wire.
    pub wire: &'static str,
    /// The trait marking the operations that take it.
    pub marker: &'static str,
    /// The method of `Call`.
    pub method: &'static str,
    /// The setter takes the property enum of the operation's items
    /// (`options::Properties`).
    pub properties: bool,
}

impl Setter {
    const fn new(wire: &'static str, marker: &'static str, method: &'static str) -> Self {
        Setter {
            wire,
            marker,
            method,
            properties: false,
        }
    }

    const fn typed(wire: &'static str, marker: &'static str, method: &'static str) -> Self {
        Setter {
            properties: true,
            ..Setter::new(wire, marker, method)
        }
    }
}

/// The body of `[name]` in the runtime's manifest, up to the comments and
/// blank line before the next table.
fn table(name: &str) -> &'static str {
    let header = format!("\n[{name}]\n");
    let start = MANIFEST
        .find(&header)
        .map(|at| at + header.len())
        .unwrap_or(MANIFEST.len());
    let rest = &MANIFEST[start..];
    let end = rest.find("\n\n").map(|at| at + 1).unwrap_or(rest.len());
    &rest[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str) -> &'static str {
        MODULES.iter().find(|module| module.name == name).unwrap().source
    }

    #[test]
    fn the_runtime_names_the_version_of_graphgen_that_copies_it() {
        let line = format!("pub const GRAPHGEN_VERSION: &str = \"{}\";", env!("CARGO_PKG_VERSION"));
        assert!(source("send").contains(&line), "runtime/src/send.rs lacks {line}");
    }

    #[test]
    fn the_models_clouds_are_the_runtimes() {
        let file = syn::parse_file(source("cloud")).unwrap();
        let variants: Vec<String> = file
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Enum(cloud) if cloud.ident == "Cloud" => {
                    Some(cloud.variants.iter().map(|variant| variant.ident.to_string()).collect())
                }
                _ => None,
            })
            .unwrap();
        let modelled: Vec<String> = crate::model::Cloud::ALL
            .iter()
            .map(|(_, cloud)| cloud.variant().to_owned())
            .collect();
        assert_eq!(modelled, variants);
    }

    /// Every method of every `impl GraphClient` block of the runtime's sources.
    fn client_methods_in_the_sources() -> Vec<String> {
        let mut names = Vec::new();
        for module in MODULES {
            let file = syn::parse_file(module.source).unwrap();
            for item in file.items {
                let syn::Item::Impl(block) = item else { continue };
                let is_client = matches!(&*block.self_ty, syn::Type::Path(path)
                    if path.path.segments.last().is_some_and(|segment| segment.ident == "GraphClient"));
                if is_client {
                    names.extend(block.items.iter().filter_map(|item| match item {
                        syn::ImplItem::Fn(method) => Some(method.sig.ident.to_string()),
                        _ => None,
                    }));
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }

    #[test]
    fn client_methods_are_the_runtimes() {
        assert_eq!(CLIENT_METHODS, client_methods_in_the_sources());
    }

    #[test]
    fn options_and_method_markers_are_the_runtimes() {
        let source = source("options");
        // `Select: fn select<...>(...) where Properties => query("$select", ...);`
        let declared: Vec<[String; 4]> = source
            .lines()
            .filter_map(|line| {
                let (marker, rest) = line.trim().split_once(": fn ")?;
                let method = rest.split(['(', '<']).next()?;
                let (head, rest) = rest.split_once(" => ")?;
                let wire = rest.split_once("(\"")?.1.split_once('"')?.0;
                let typed = head.ends_with(" where Properties").to_string();
                Some([wire, marker, method, &typed].map(str::to_owned))
            })
            .collect();
        let listed: Vec<[String; 4]> = OPTIONS
            .iter()
            .map(|setter| {
                let typed = setter.properties.to_string();
                [setter.wire, setter.marker, setter.method, &typed].map(str::to_owned)
            })
            .collect();
        assert!(source.contains(&format!("header(\"{CONSISTENCY_LEVEL}\"")));
        assert_eq!(listed, declared);
        use crate::model::HttpMethod::*;
        for method in [Get, Put, Post, Patch, Delete] {
            let marker = format!("    {},\n", method.marker());
            assert!(
                source.contains(&marker),
                "runtime/src/options.rs lacks the marker {marker:?}"
            );
        }
    }

    #[test]
    fn every_runtime_source_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../runtime/src");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name != "lib.rs")
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = MODULES.iter().map(|module| format!("{}.rs", module.name)).collect();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn dependencies_and_features_are_the_runtime_tables() {
        let table = dependencies();
        let names: Vec<&str> = table
            .lines()
            .filter_map(|line| line.split_once(" = "))
            .map(|(name, _)| name)
            .collect();
        assert_eq!(names.len(), table.lines().count(), "{table}");
        assert!(
            names.windows(2).all(|pair| pair[0] < pair[1]) && names.contains(&"azure_core"),
            "{table}"
        );
        assert!(
            table.contains("\nreqwest = ") && table.ends_with("\"v4\"] }\n"),
            "{table}"
        );
        assert!(!table.contains("\n[") && !table.contains('#'), "{table}");
        assert!(!table.contains("macros"), "dev-dependencies leaked: {table}");
        let features = features();
        let lines = features.lines().filter(|line| !line.starts_with('#')).count();
        let names: Vec<&str> = feature_names().collect();
        assert_eq!(names, ["azure", "notifications", "testing"], "{features}");
        assert_eq!(names.len(), lines, "every line is a feature: {features}");
        assert!(
            features.starts_with("# Tokens from the Azure SDK") && features.ends_with("]\n"),
            "{features}"
        );
    }
}
