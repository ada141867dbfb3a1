//! Every piece of input text - a description, a name, a path, an enum value,
//! a permission, a file name - reaches generated code through here, made into
//! the one kind of output its place needs: a doc line, a code span in one, a
//! comment line, a Rust string literal, a TOML string. Identifiers are made in
//! `names.rs`, from ASCII letters and digits only.
//!
//! One rule for characters that are invisible or change how the text around
//! them reads ([`is_hidden`]: control characters, CR and LF inside a line,
//! bidi controls, zero-width characters): in prose (doc lines, comments)
//! they are dropped, a tab becoming a space; in literals (Rust and TOML
//! strings), whose value must stay exact, they are escaped.

use proc_macro2::Literal;

/// A character that is invisible or changes how the text around it reads:
/// control characters (C0 with CR, LF and tab, DEL, C1), bidi embeddings,
/// overrides, isolates and marks, zero-width characters, the byte order mark,
/// soft hyphens and the line and paragraph separators.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// Text for one line of prose: hidden characters dropped, a tab a space.
pub fn line(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            c if is_hidden(c) => None,
            c => Some(c),
        })
        .collect()
}

/// Text shown as written inside a doc line, as a Markdown code span: a run
/// of backticks in it never closes the span early.
pub fn code(text: &str) -> String {
    let text = line(text);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A Rust string literal holding `text` exactly. proc-macro2 escapes every
/// control and format character (`\r`, `\u{202e}`, `\u{200b}`), which the
/// tests below pin.
pub fn literal(text: &str) -> Literal {
    Literal::string(text)
}

/// A TOML basic string holding `text` exactly: `"` and `\` escaped, and every
/// hidden character as `\uXXXX` (or `\UXXXXXXXX`).
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_hidden(c) && (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if is_hidden(c) => out.push_str(&format!("\\U{:08X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Doc lines from a description. A description is text, not Markdown: what
/// rustdoc would read as markup is escaped ([`markdown`]), and no description
/// may become a code block, which rustdoc would compile and run as a doctest
/// (leading spaces are dropped, fence markers escaped). Code spans in
/// backticks are kept as they are.
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(|raw| markdown(line(raw).trim())).collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// One line of text, escaped so that rustdoc shows it as written: brackets
/// that would be intra-doc links, HTML tags, a leading `#`, fences; bare URLs
/// become links. Hidden characters are dropped.
pub fn markdown(text: &str) -> String {
    let text = line(text);
    let text = text.as_str();
    if text.contains("```") || text.contains("~~~") {
        return text.replace("```", "\\`\\`\\`").replace("~~~", "\\~\\~\\~");
    }
    let mut out = String::with_capacity(text.len() + 8);
    if text.starts_with('#') {
        out.push('\\');
    }
    let mut in_code = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if !in_code && (rest.starts_with("https://") || rest.starts_with("http://")) {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')', '\'', '"']);
            if !url.contains(['<', '>']) {
                out.push('<');
                out.push_str(url);
                out.push('>');
                rest = &rest[url.len()..];
                continue;
            }
        }
        match c {
            '`' => in_code = !in_code,
            '[' | ']' | '\\' if !in_code => out.push('\\'),
            '<' if !in_code => {
                out.push_str("&lt;");
                rest = &rest[1..];
                continue;
            }
            '>' if !in_code => {
                out.push_str("&gt;");
                rest = &rest[1..];
                continue;
            }
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A link to `url` in a doc line when it is a plain web address, else the
/// address as text.
pub fn link(label: &str, url: &str) -> String {
    let plain = (url.starts_with("https://") || url.starts_with("http://"))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || is_hidden(c) || "<>()[]`\\".contains(c));
    if plain {
        format!("[{label}]({url})")
    } else {
        format!("{label}: {}", code(url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hidden characters of each kind the rule names.
    const HIDDEN: &[char] = &[
        '\0', '\t', '\n', '\r', '\u{7f}', '\u{85}', '\u{9b}', '\u{ad}', '\u{61c}', '\u{200b}', '\u{200d}', '\u{200e}',
        '\u{2028}', '\u{2029}', '\u{202a}', '\u{202e}', '\u{2060}', '\u{2066}', '\u{2069}', '\u{feff}',
    ];

    #[test]
    fn prose_drops_hidden_characters() {
        for &c in HIDDEN {
            let text = format!("a{c}b");
            let shown = line(&text);
            assert!(shown == "ab" || shown == "a b", "{c:?}: {shown:?}");
            assert!(!markdown(&text).contains(c), "{c:?}");
            assert!(!code(&text).contains(c), "{c:?}");
        }
        assert_eq!(doc_lines("one\r\ntwo\u{202e}\n\n"), ["one", "two"]);
    }

    #[test]
    fn literals_escape_hidden_characters() {
        for &c in HIDDEN {
            let text = format!("a{c}b");
            let rust = literal(&text).to_string();
            assert!(!rust.contains(c), "{c:?}: {rust}");
            let parsed: syn::LitStr = syn::parse_str(&rust).unwrap();
            assert_eq!(parsed.value(), text);
            let toml = toml_string(&text);
            assert!(!toml.contains(c), "{c:?}: {toml}");
        }
        assert_eq!(toml_string("a\"b\\c\u{202e}"), "\"a\\\"b\\\\c\\u202E\"");
    }

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code("/users/{id}"), "`/users/{id}`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
    }

    #[test]
    fn descriptions_read_as_text_in_rustdoc() {
        assert_eq!(markdown("See [drive] and [0]."), "See \\[drive\\] and \\[0\\].");
        assert_eq!(markdown("SMTP: bob@contoso.com"), "SMTP: bob@contoso.com");
        assert_eq!(markdown("[SMTP: bob@contoso.com]"), "\\[SMTP: bob@contoso.com\\]");
        assert_eq!(markdown("an <iframe> tag"), "an &lt;iframe&gt; tag");
        assert_eq!(
            markdown("Read https://learn.microsoft.com/graph/x?y=1."),
            "Read <https://learn.microsoft.com/graph/x?y=1>."
        );
        assert_eq!(markdown("`a_b[0]` and a_b[1]"), "`a_b[0]` and a_b\\[1\\]");
        assert_eq!(markdown("#microsoft.graph.user"), "\\#microsoft.graph.user");
        assert_eq!(markdown("```rust"), "\\`\\`\\`rust");
    }

    #[test]
    fn links_only_to_plain_addresses() {
        assert_eq!(
            link("docs", "https://learn.microsoft.com/x"),
            "[docs](https://learn.microsoft.com/x)"
        );
        assert_eq!(link("docs", "https://x) [y](z"), "docs: `https://x) [y](z`");
    }
}
