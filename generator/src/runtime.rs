//! The hand-written runtime, embedded so every generated crate carries it.
//! The sources live in `runtime/` at the workspace root, where they are
//! compiled and tested as the `graphgen-runtime` crate.

/// Each runtime module: its name and its source, copied verbatim.
pub const MODULES: &[(&str, &str)] = &[
    ("auth", include_str!("../../runtime/src/auth.rs")),
    ("bytes", include_str!("../../runtime/src/bytes.rs")),
    ("client", include_str!("../../runtime/src/client.rs")),
    ("cloud", include_str!("../../runtime/src/cloud.rs")),
    ("error", include_str!("../../runtime/src/error.rs")),
    ("path", include_str!("../../runtime/src/path.rs")),
    ("permissions", include_str!("../../runtime/src/permissions.rs")),
    ("retry", include_str!("../../runtime/src/retry.rs")),
    ("secret", include_str!("../../runtime/src/secret.rs")),
    ("send", include_str!("../../runtime/src/send.rs")),
];

const MANIFEST: &str = include_str!("../../runtime/Cargo.toml");

/// The runtime's `[dependencies]` table, which every generated crate uses as its own.
pub fn dependencies() -> &'static str {
    let start = MANIFEST
        .find("\n[dependencies]\n")
        .map(|at| at + "\n[dependencies]\n".len())
        .unwrap_or(MANIFEST.len());
    let rest = &MANIFEST[start..];
    let end = rest.find("\n[").map(|at| at + 1).unwrap_or(rest.len());
    &rest[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_runtime_source_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../runtime/src");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name != "lib.rs")
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = MODULES.iter().map(|(name, _)| format!("{name}.rs")).collect();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn dependencies_are_the_runtime_table() {
        let table = dependencies();
        assert!(table.starts_with("base64 = "), "{table}");
        assert!(table.contains("reqwest = "), "{table}");
        assert!(
            !table.contains('['.to_string().as_str()) || !table.contains("\n["),
            "{table}"
        );
        assert!(!table.contains("macros"), "dev-dependencies leaked: {table}");
    }
}
