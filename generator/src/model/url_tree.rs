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
        }
    }

    pub(super) fn node_for(&mut self, segments: &[Segment], lowering: &mut Lowering) -> usize {
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
            self.builders.push(Builder {
                name: lowering.claim_type_name(names::builder_name(&texts)),
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
