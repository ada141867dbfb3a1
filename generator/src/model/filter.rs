//! Which operations of a large description to generate: `--include-path` and
//! `--exclude-path`, with Kiota's meaning. A pattern is a glob over the path
//! (`*` within one segment, `**` across segments); `{anything}` matches any
//! parameter segment, whatever the parameter's name; a `#GET` or `#GET,PATCH`
//! suffix limits the pattern to those methods.

/// Include and exclude patterns. With no include pattern everything is included.
#[derive(Clone, Debug, Default)]
pub struct PathFilter {
    include: Vec<Pattern>,
    exclude: Vec<Pattern>,
}

#[derive(Clone, Debug)]
struct Pattern {
    /// As given on the command line.
    text: String,
    segments: Vec<String>,
    /// Upper-case methods; empty for all.
    methods: Vec<String>,
}

impl Pattern {
    fn parse(text: &str) -> Self {
        let (path, methods) = match text.rsplit_once('#') {
            Some((path, methods)) => (path, methods),
            None => (text, ""),
        };
        Self {
            text: text.to_owned(),
            segments: split(path),
            methods: methods
                .split([',', '|'])
                .map(|method| method.trim().to_ascii_uppercase())
                .filter(|method| !method.is_empty())
                .collect(),
        }
    }

    fn matches(&self, path: &[String], method: &str) -> bool {
        (self.methods.is_empty() || self.methods.iter().any(|allowed| allowed == method))
            && glob_segments(&self.segments, path)
    }
}

/// Path segments with every `{parameter}` written `{}`, so names do not matter.
fn split(path: &str) -> Vec<String> {
    path.trim_matches('/')
        .split('/')
        .filter(|segment| !segment.is_empty())
        .map(normalise_parameters)
        .collect()
}

fn normalise_parameters(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    let mut inside = false;
    for c in segment.chars() {
        match c {
            '{' => {
                inside = true;
                out.push('{');
            }
            '}' => {
                inside = false;
                out.push('}');
            }
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

fn glob_segments(pattern: &[String], path: &[String]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((first, rest)) if first == "**" => (0..=path.len()).any(|skip| glob_segments(rest, &path[skip..])),
        Some((first, rest)) => path.split_first().is_some_and(|(segment, path_rest)| {
            glob(first.as_bytes(), segment.as_bytes()) && glob_segments(rest, path_rest)
        }),
    }
}

/// `*` matches any run of characters within a segment.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|skip| glob(rest, &text[skip..])),
        Some((c, rest)) => text
            .split_first()
            .is_some_and(|(t, text_rest)| t == c && glob(rest, text_rest)),
    }
}

impl PathFilter {
    /// A filter from `--include-path` and `--exclude-path` patterns.
    pub fn new<I: AsRef<str>>(include: impl IntoIterator<Item = I>, exclude: impl IntoIterator<Item = I>) -> Self {
        Self {
            include: include.into_iter().map(|p| Pattern::parse(p.as_ref())).collect(),
            exclude: exclude.into_iter().map(|p| Pattern::parse(p.as_ref())).collect(),
        }
    }

    /// Each include pattern that selects none of `operations` (path template,
    /// method), with up to three paths that come near it: a pattern that
    /// matches nothing is a mistake (`/users/{id}/sendMail` for
    /// `/users/{id}/microsoft.graph.sendMail`), never an empty crate.
    pub fn unmatched(&self, operations: &[(&str, &str)]) -> Vec<(String, Vec<String>)> {
        let split_operations: Vec<(Vec<String>, &str, &str)> = operations
            .iter()
            .map(|(path, method)| (split(path), *path, *method))
            .collect();
        self.include
            .iter()
            .filter(|pattern| {
                !split_operations
                    .iter()
                    .any(|(segments, _, method)| pattern.matches(segments, method))
            })
            .map(|pattern| (pattern.text.clone(), near(pattern, &split_operations)))
            .collect()
    }

    /// Whether the operation `method` on `path` is generated.
    pub fn selects(&self, path: &str, method: &str) -> bool {
        let segments = split(path);
        let included = self.include.is_empty() || self.include.iter().any(|p| p.matches(&segments, method));
        included && !self.exclude.iter().any(|p| p.matches(&segments, method))
    }
}

/// Up to three paths near `pattern`: those whose last segment holds the
/// pattern's last word (`sendMail` in `microsoft.graph.sendMail`), else those
/// sharing the most leading segments with it.
fn near(pattern: &Pattern, operations: &[(Vec<String>, &str, &str)]) -> Vec<String> {
    let word = pattern
        .segments
        .last()
        .map(|segment| segment.trim_matches('*').to_ascii_lowercase())
        .unwrap_or_default();
    let mut paths: Vec<&str> = Vec::new();
    if word.len() > 1 && !word.contains('*') {
        for (segments, path, _) in operations {
            let hit = segments
                .last()
                .is_some_and(|last| last.to_ascii_lowercase().contains(&word));
            if hit && !paths.contains(path) {
                paths.push(path);
            }
        }
    }
    if paths.is_empty() {
        let shared = |segments: &[String]| {
            segments
                .iter()
                .zip(&pattern.segments)
                .take_while(|(a, b)| a == b || glob(b.as_bytes(), a.as_bytes()))
                .count()
        };
        let best = operations
            .iter()
            .map(|(segments, _, _)| shared(segments))
            .max()
            .unwrap_or(0);
        if best > 0 {
            for (segments, path, _) in operations {
                if shared(segments) == best && !paths.contains(path) {
                    paths.push(path);
                }
            }
        }
    }
    paths.sort_by_key(|path| path.len());
    paths.into_iter().take(3).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::PathFilter;

    #[test]
    fn a_pattern_that_matches_nothing_is_named_with_paths_near_it() {
        let operations = [
            ("/users/{user-id}/microsoft.graph.sendMail", "POST"),
            ("/users/{user-id}/messages", "GET"),
        ];
        let filter = PathFilter::new(["/users/{id}/sendMail", "/users/{id}/messages"], Vec::<&str>::new());
        assert_eq!(
            filter.unmatched(&operations),
            [(
                "/users/{id}/sendMail".to_owned(),
                vec!["/users/{user-id}/microsoft.graph.sendMail".to_owned()]
            )]
        );
        assert!(PathFilter::default().unmatched(&operations).is_empty());
    }

    #[test]
    fn kiota_style_globs() {
        let filter = PathFilter::new(
            ["/users/{id}/authentication/**"],
            ["**/$count", "/users/{x}/authentication/methods#POST"],
        );
        assert!(filter.selects("/users/{user-id}/authentication/qrCodePinMethod", "GET"));
        assert!(filter.selects("/users/{user-id}/authentication/methods", "GET"));
        assert!(!filter.selects("/users/{user-id}/authentication/methods", "POST"));
        assert!(!filter.selects("/users/{user-id}/authentication/methods/$count", "GET"));
        assert!(
            filter.selects("/users/{user-id}/authentication", "GET"),
            "** also matches nothing"
        );
        assert!(!filter.selects("/users/{user-id}/messages", "GET"));
        assert!(!filter.selects("/me/authentication/methods", "GET"));

        let methods = PathFilter::new(["/users/*#get,patch"], Vec::<&str>::new());
        assert!(methods.selects("/users/{user-id}", "PATCH"));
        assert!(!methods.selects("/users/{user-id}", "DELETE"));
        assert!(methods.selects("/users/delta()", "GET"));
        assert!(!methods.selects("/users/{user-id}/manager", "GET"));

        let everything = PathFilter::default();
        assert!(everything.selects("/anything/at/all", "DELETE"));
    }
}
