//! The URL tree of request builders: a builder per path prefix, a method per
//! child segment, built as operations are added.

use crate::text;
use std::collections::HashMap;

use super::schemas::Lowering;
use super::{Builder, Child, Segment};
use crate::names::{self, Namespace};

/// The URL tree, built as operations are added.
pub(super) struct Tree {
    pub(super) builders: Vec<Builder>,
    /// Method names taken on each builder.
    pub(super) scopes: Vec<Namespace>,
    /// The child of a builder for a segment, by builder index and segment.
    edges: HashMap<(usize, Segment), usize>,
    /// The words of each builder's path that its name is made of (`names::builder_word`):
    /// a parameter's stands for the collection before it when it names its items
    /// (`messages/{message-id}` is `Message`).
    words: Vec<Vec<String>>,
}

impl Tree {
    pub(super) fn new() -> Self {
        Self {
            builders: vec![Builder {
                name: String::new(),
                template: String::new(),
                children: Vec::new(),
                operations: Vec::new(),
                gate: Default::default(),
            }],
            scopes: vec![Namespace::with_reserved(crate::runtime::CLIENT_METHODS)],
            edges: HashMap::new(),
            words: vec![Vec::new()],
        }
    }

    pub(super) fn node_for(&mut self, segments: &[Segment]) -> usize {
        let mut node = 0;
        for (depth, segment) in segments.iter().enumerate() {
            if let Some(&child) = self.edges.get(&(node, segment.clone())) {
                node = child;
                continue;
            }
            let path = segments[..=depth].to_vec();
            let texts: Vec<String> = path.iter().map(segment_text).collect();
            let template: String = texts.iter().map(|text| format!("/{text}")).collect();
            let index = self.builders.len();
            let mut words = self.words[node].clone();
            let word = names::builder_word(&texts[depth]);
            let after_fixed = depth > 0 && matches!(segments[depth - 1], Segment::Fixed(_));
            match words.last_mut() {
                Some(last)
                    if after_fixed && matches!(segment, Segment::Parameter { .. }) && names_items(last, &word) =>
                {
                    *last = word
                }
                _ => words.push(word),
            }
            self.words.push(words);
            self.builders.push(Builder {
                name: String::new(),
                template: template.clone(),
                children: Vec::new(),
                operations: Vec::new(),
                gate: Default::default(),
            });
            self.scopes.push(Namespace::default());
            let (method, docs) = match segment {
                Segment::Fixed(text) => (names::segment_method(text), vec![text::code(&template)]),
                Segment::Parameter { name, .. } => (
                    names::parameter_method(name),
                    vec![format!(
                        "{}: one item, by its {}.",
                        text::code(&template),
                        text::code(name)
                    )],
                ),
                Segment::Template { text, .. } => (
                    names::segment_method(text.split('(').next().unwrap_or(text)),
                    vec![text::code(&template)],
                ),
            };
            let method = self.scopes[node].claim(method);
            self.edges.insert((node, segment.clone()), index);
            self.builders[node].children.push(Child {
                method,
                segment: segment.clone(),
                builder: index,
                docs,
                gate: Default::default(),
            });
            node = index;
        }
        node
    }
}

impl Tree {
    /// Names every builder once the tree is whole: by the fewest last words of
    /// its path that no other builder's path ends in (`QrCodePinMethod`,
    /// `UserMessages`, `MailFolderMessages`), at most 60 characters
    /// (`names::builder_name`), unique among the crate's types.
    pub(super) fn name_builders(&mut self, lowering: &mut Lowering) {
        let mut endings: HashMap<&[String], usize> = HashMap::new();
        for words in &self.words[1..] {
            for start in 0..words.len() {
                *endings.entry(&words[start..]).or_default() += 1;
            }
        }
        let names: Vec<String> = self.words[1..]
            .iter()
            .map(|words| {
                let start = (0..words.len())
                    .rev()
                    .find(|&start| endings[&words[start..]] == 1)
                    .unwrap_or(0);
                names::builder_name(&words[start..])
            })
            .collect();
        for (builder, name) in self.builders[1..].iter_mut().zip(names) {
            builder.name = lowering.claim_type_name(name);
        }
    }
}

/// Whether a parameter's word names the items of the collection before it:
/// `Messages` and `Message`, `Versions` and `AgreementFileVersion`, `Me` and `User` not.
fn names_items(collection: &str, item: &str) -> bool {
    let (collection, item) = (collection.to_lowercase(), item.to_lowercase());
    let one = collection.strip_suffix('s').unwrap_or(&collection);
    !one.is_empty() && (collection.starts_with(&item) || item.starts_with(one) || item.ends_with(one))
}

fn segment_text(segment: &Segment) -> String {
    match segment {
        Segment::Fixed(text) | Segment::Template { text, .. } => text.clone(),
        Segment::Parameter { name, .. } => format!("{{{name}}}"),
    }
}

impl Tree {
    /// `/me` on the client: Graph's alias of `/users/{user-id}` for the
    /// signed-in user. It steps into the same request builder as
    /// `users().by_user_id(..)`, with the path `/me`, so every request below
    /// `/users/{user-id}` is reachable from `/me` without a second tree (as
    /// Microsoft's SDKs serve `/me`). A description with paths of its own
    /// under `/me` keeps them.
    pub(super) fn add_me(&mut self) {
        let root = &self.builders[0];
        if root
            .children
            .iter()
            .any(|child| child.segment == Segment::Fixed("me".to_owned()))
        {
            return;
        }
        let Some(users) = self.edges.get(&(0, Segment::Fixed("users".to_owned()))) else {
            return;
        };
        let Some(user) = self.builders[*users]
            .children
            .iter()
            .find(|child| matches!(child.segment, Segment::Parameter { .. }))
        else {
            return;
        };
        let (builder, parameter) = match &user.segment {
            Segment::Parameter { name, .. } => (user.builder, name.clone()),
            _ => return,
        };
        let method = self.scopes[0].claim("me".to_owned());
        self.builders[0].children.push(Child {
            method,
            segment: Segment::Fixed("me".to_owned()),
            builder,
            docs: vec![
                format!(
                    "`/me`: the signed-in user, as {} is any user.",
                    text::code(&format!("/users/{{{parameter}}}"))
                ),
                String::new(),
                format!(
                    "Every request below {} is sent to `/me/...` from here.",
                    text::code(&format!("/users/{{{parameter}}}"))
                ),
            ],
            gate: Default::default(),
        });
    }
}
