//! Bounds on what a description makes graphgen do before it is parsed: YAML
//! aliases may not expand a document far beyond its own size (a "billion
//! laughs" file of a few KB would otherwise take gigabytes), and nesting is
//! bounded, each as an error placed at the node that goes past it.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// How many nodes the document may hold with every alias expanded: this many
/// times the nodes it is written with, plus a margin for small files.
const EXPANSION_FACTOR: u64 = 8;
const EXPANSION_MARGIN: u64 = 100_000;

/// How deep collections may nest. Graph's descriptions nest about a dozen deep.
pub const MAX_NESTING: usize = 128;

/// Why a document is over its budget, and where: 1-based line and column.
pub struct OverBudget {
    pub position: (usize, usize),
    pub message: String,
}

/// Checks `text` against the budgets. A YAML syntax error is not reported
/// here: the parse that follows reports it with its own words.
pub fn check(text: &str) -> Result<(), OverBudget> {
    if !text.contains('*') || !text.contains('&') {
        // No alias, or no anchor for one to name: nothing expands, and
        // nesting is bounded by the parser.
        return Ok(());
    }
    let mut counter = Counter::default();
    let _ = Parser::new_from_str(text).load(&mut counter, true);
    let written = counter.written;
    match counter.over {
        Some(over) => Err(over),
        None if counter.expanded > written * EXPANSION_FACTOR + EXPANSION_MARGIN => Err(OverBudget {
            position: (1, 1),
            message: format!(
                "YAML aliases expand the document to {} nodes from {written}: more than graphgen reads",
                counter.expanded
            ),
        }),
        None => Ok(()),
    }
}

#[derive(Default)]
struct Counter {
    /// Open collections: their anchor and their expanded size so far.
    open: Vec<(usize, u64)>,
    /// Expanded size of each anchored node, by anchor id.
    anchored: Vec<u64>,
    written: u64,
    expanded: u64,
    over: Option<OverBudget>,
}

impl Counter {
    fn add(&mut self, size: u64, mark: Marker) {
        self.expanded = self.expanded.saturating_add(size);
        if let Some((_, open)) = self.open.last_mut() {
            *open = open.saturating_add(size);
        }
        // Checked as it grows, so that the count itself stays small.
        if self.over.is_none() && self.expanded > self.written * EXPANSION_FACTOR + EXPANSION_MARGIN * 10 {
            self.fail(
                mark,
                "YAML aliases expand the document far beyond its size: more than graphgen reads",
            );
        }
    }

    fn anchor(&mut self, id: usize, size: u64) {
        if id > 0 {
            if self.anchored.len() <= id {
                self.anchored.resize(id + 1, 0);
            }
            self.anchored[id] = size;
        }
    }

    fn fail(&mut self, mark: Marker, message: &str) {
        self.over.get_or_insert(OverBudget {
            position: (mark.line(), mark.col() + 1),
            message: message.to_owned(),
        });
    }
}

impl MarkedEventReceiver for Counter {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.over.is_some() {
            return;
        }
        match event {
            Event::Scalar(_, _, anchor, _) => {
                self.written += 1;
                self.anchor(anchor, 1);
                self.add(1, mark);
            }
            Event::Alias(id) => {
                self.written += 1;
                let size = self.anchored.get(id).copied().unwrap_or(1);
                self.add(size, mark);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.written += 1;
                self.open.push((anchor, 1));
                if self.open.len() > MAX_NESTING {
                    self.fail(mark, &format!("collections nest deeper than {MAX_NESTING} levels"));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, size)) = self.open.pop() {
                    self.anchor(anchor, size);
                    self.expanded = self.expanded.saturating_add(1);
                    if let Some((_, open)) = self.open.last_mut() {
                        *open = open.saturating_add(size);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_may_repeat_but_not_explode() {
        let modest = "a: &a [1, 2, 3]\nb: *a\nc: *a\n";
        assert!(check(modest).is_ok());
        let mut bomb = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..9 {
            let previous = format!("*l{}", level - 1);
            bomb.push_str(&format!("l{level}: &l{level} [{}]\n", vec![previous; 10].join(", ")));
        }
        let Err(over) = check(&bomb) else {
            panic!("a billion laughs is refused")
        };
        assert!(over.message.contains("expand"), "{}", over.message);
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!(
            "a: &b 1\nc: *b\nx: {}{}",
            "[".repeat(MAX_NESTING + 5),
            "]".repeat(MAX_NESTING + 5)
        );
        let Err(over) = check(&deep) else { panic!("too deep") };
        assert!(over.message.contains("nest"), "{}", over.message);
    }
}
