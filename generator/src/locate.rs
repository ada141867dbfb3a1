//! Finds the line and column of a JSON pointer in YAML text. Only errors need
//! positions, so this second, event-level parse runs only when there is one.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostics::escape_token;

/// The 1-based line and column of the node at `pointer`, if the text has it.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let mut finder = Finder {
        target: pointer,
        frames: Vec::new(),
        found: None,
    };
    if pointer.is_empty() {
        return Some((1, 1));
    }
    // A parse error after the node was found does not matter, nor a panic
    // in the parser: the position is only a help.
    crate::diagnostics::catch_panic(|| {
        let _ = Parser::new_from_str(text).load(&mut finder, false);
        finder.found
    })
    .ok()
    .flatten()
}

enum Frame {
    Mapping { key: Option<String> },
    Sequence { index: usize },
}

struct Finder<'a> {
    target: &'a str,
    frames: Vec<Frame>,
    found: Option<(usize, usize)>,
}

impl Finder<'_> {
    fn pointer_here(&self, last: Option<&str>) -> String {
        let mut out = String::new();
        for frame in &self.frames {
            out.push('/');
            match frame {
                Frame::Mapping { key } => out.push_str(&escape_token(key.as_deref().unwrap_or(""))),
                Frame::Sequence { index } => out.push_str(&index.to_string()),
            }
        }
        if let Some(last) = last {
            out.push('/');
            out.push_str(&escape_token(last));
        }
        out
    }

    fn mark(&mut self, pointer: String, mark: Marker) {
        if self.found.is_none() && pointer == self.target {
            self.found = Some((mark.line(), mark.col() + 1));
        }
    }

    /// A complete value has been read at the current position.
    fn value_done(&mut self) {
        match self.frames.last_mut() {
            Some(Frame::Mapping { key }) => *key = None,
            Some(Frame::Sequence { index }) => *index += 1,
            None => {}
        }
    }

    /// A node starts; returns true when it is a mapping key.
    fn node_start(&mut self, event: &Event, mark: Marker) -> bool {
        match self.frames.last_mut() {
            Some(Frame::Mapping { key: key @ None }) => {
                let name = match event {
                    Event::Scalar(value, ..) => value.clone(),
                    _ => String::new(),
                };
                *key = Some(name);
                let here = self.pointer_here(None);
                self.mark(here, mark);
                true
            }
            Some(Frame::Sequence { .. }) => {
                let here = self.pointer_here(None);
                self.mark(here, mark);
                false
            }
            _ => false,
        }
    }
}

impl MarkedEventReceiver for Finder<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(..) | Event::Alias(..) => {
                let is_key = self.node_start(&event, mark);
                if !is_key {
                    self.value_done();
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                // A complex mapping key is entered like a value; such keys do
                // not occur in descriptions.
                self.node_start(&event, mark);
                self.frames.push(match event {
                    Event::MappingStart(..) => Frame::Mapping { key: None },
                    _ => Frame::Sequence { index: 0 },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
                self.value_done();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::locate;

    const TEXT: &str =
        "openapi: 3.0.1\npaths:\n  /users/{id}:\n    get:\n      responses:\n        - a\n        - b: 1\n";

    #[test]
    fn finds_keys_and_sequence_items() {
        assert_eq!(locate(TEXT, "/openapi"), Some((1, 1)));
        assert_eq!(locate(TEXT, "/paths/~1users~1{id}/get"), Some((4, 5)));
        assert_eq!(locate(TEXT, "/paths/~1users~1{id}/get/responses/0"), Some((6, 11)));
        // A mapping inside a sequence item: the line is what matters.
        assert_eq!(
            locate(TEXT, "/paths/~1users~1{id}/get/responses/1").map(|(line, _)| line),
            Some(7)
        );
        assert_eq!(locate(TEXT, "/paths/~1users~1{id}/get/responses/1/b"), Some((7, 11)));
        assert_eq!(locate(TEXT, "/paths/nowhere"), None);
    }
}
