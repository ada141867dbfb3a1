//! Typed queries: `$select`, `$orderby`, `$expand`, `$filter` and `$search`
//! written with the property names of the schema an operation answers with.
//!
//! Every generated model `X` has an enum `XProperty` of its properties
//! ([`PropertyName`]); an operation whose description lists these options
//! takes that enum in its setters ([`options`](super::options)):
//!
//! ```
//! # use graphgen_runtime::query::{Filter, Operand, Order, PropertyName};
//! # #[derive(Clone, Copy)] enum UserProperty { DisplayName, Mail, AccountEnabled, ProxyAddresses }
//! # impl PropertyName for UserProperty { fn name(self) -> &'static str { match self {
//! #     Self::DisplayName => "displayName", Self::Mail => "mail", Self::AccountEnabled => "accountEnabled",
//! #     Self::ProxyAddresses => "proxyAddresses" } } }
//! use UserProperty as User;
//! let name = "O'Brien"; // a user's input: a value, never part of the query
//! let filter: Filter<User> = User::DisplayName
//!     .starts_with(name)
//!     .and(User::AccountEnabled.eq(true))
//!     .and(User::ProxyAddresses.any(|address| address.starts_with("smtp:")));
//! assert_eq!(
//!     filter.as_str(),
//!     "startsWith(displayName,'O''Brien') and accountEnabled eq true and proxyAddresses/any(x:startsWith(x,'smtp:'))",
//! );
//! let order: Order<User> = User::DisplayName.desc();
//! assert_eq!(order.as_str(), "displayName desc");
//! ```
//!
//! # Values cannot change a query
//!
//! A value is written as the OData literal of its Rust type ([`Literal`]):
//! strings in single quotes with `'` doubled, GUIDs, dates and times bare,
//! numbers, `true`/`false`, `null` for `None`, a generated enum's value as a
//! string. Whatever a string holds, it stays one literal: no value can end the
//! literal, add a condition or open another option. `$search` terms are put in
//! double quotes with `"` and `\` escaped, as Graph requires.
//!
//! A comparison takes any literal: comparing a property with a value of
//! another type compiles and is Graph's `400` at run time, as in every Graph
//! SDK; the property names, which are the usual mistake, are checked.
//!
//! # Strings, where a description lists nothing
//!
//! Each setter also takes strings, sent as they are: a property a
//! description does not list (an extension's, a derived type's), and
//! [`Filter::raw`] / [`Search::raw`] for a whole expression written by hand.
//! A hand-written expression is the caller's to quote.
//!
//! # Advanced queries
//!
//! Microsoft's directory objects (users, groups, applications, devices, ...)
//! answer some queries only with the header `ConsistencyLevel: eventual` and
//! `$count=true` ("advanced query capabilities"): `$search`, `$count`, `ne`,
//! `not`, `endsWith`, `/$count` in a filter, and `$filter` with `$orderby`.
//! The operations whose descriptions list `ConsistencyLevel` send both
//! themselves when the query is one of these ([`advanced`]), unless the call
//! sets `ConsistencyLevel` itself: such a query then works the first time,
//! and the others keep Graph's default, strongly consistent reads.

use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use super::values::Guid;

/// A property of a schema, by the name Graph gives it: what the generated
/// `...Property` enums are. Comparisons, orderings and lambdas on it come
/// from [`Operand`].
pub trait PropertyName: Copy + 'static {
    /// The name as Graph writes it, for example `displayName`.
    fn name(self) -> &'static str;
}

/// Declares a generated model's property enum and implements [`PropertyName`]
/// for it: a variant a line, with its name on the wire and its field.
///
/// ```ignore
/// properties!(UserProperty of User {
///     DisplayName = "displayName" => display_name,
///     Mail = "mail" => mail,
/// });
/// ```
/// Like `json_object!`, it names `PropertyName` as it is in scope where it is
/// used, and no crate.
#[doc(hidden)]
#[macro_export]
macro_rules! __properties {
    ($name:ident of $model:ident { $($(#[$cfg:meta])* $variant:ident = $json:literal => $field:ident,)* }) => {
        // A variant's doc is its name on the wire, a literal: no macro per
        // variant, which would cost whole seconds of a large crate's build.
        #[doc = concat!("The properties of [`", stringify!($model), "`], for typed query options: `$select`, `$orderby`, `$expand` and `$filter`. Each is the field of the same name.")]
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$cfg])* #[doc = $json] $variant,)*
        }

        impl PropertyName for $name {
            fn name(self) -> &'static str {
                match self {
                    $($(#[$cfg])* Self::$variant => $json,)*
                }
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}
#[doc(inline)]
pub use crate::__properties as properties;

/// The properties of an operation whose items have no generated enum: only
/// strings name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnyProperty {}

impl PropertyName for AnyProperty {
    fn name(self) -> &'static str {
        match self {}
    }
}

/// What a `$filter` compares and an `$orderby` sorts by: a property, a path
/// into a property ([`Operand::at`]), or the item of a lambda ([`Operand::any`]).
/// `Items` is the enum of the items filtered: a filter built from
/// `UserProperty`s is a `Filter<UserProperty>`, which only the operations on
/// users take.
pub trait Operand: Sized {
    /// Whose filter the comparisons of this operand make.
    type Items;

    /// The operand as OData writes it: `displayName`, `from/emailAddress/address`, `x`.
    fn path(&self) -> String;

    /// How many lambdas this operand stands inside (names their variables).
    #[doc(hidden)]
    fn lambda_depth(&self) -> usize {
        0
    }

    /// `eq`: equal to `value` (`null` for `None`).
    fn eq(self, value: impl Literal) -> Filter<Self::Items> {
        comparison(self, "eq", value)
    }

    /// `ne`: not equal to `value` (an advanced query on directory objects).
    fn ne(self, value: impl Literal) -> Filter<Self::Items> {
        comparison(self, "ne", value)
    }

    /// `gt`: greater than `value`.
    fn gt(self, value: impl Literal) -> Filter<Self::Items> {
        comparison(self, "gt", value)
    }

    /// `ge`: greater than or equal to `value`.
    fn ge(self, value: impl Literal) -> Filter<Self::Items> {
        comparison(self, "ge", value)
    }

    /// `lt`: less than `value`.
    fn lt(self, value: impl Literal) -> Filter<Self::Items> {
        comparison(self, "lt", value)
    }

    /// `le`: less than or equal to `value`.
    fn le(self, value: impl Literal) -> Filter<Self::Items> {
        comparison(self, "le", value)
    }

    /// `startsWith(property, value)`.
    fn starts_with(self, value: impl Literal) -> Filter<Self::Items> {
        function(self, "startsWith", value)
    }

    /// `endsWith(property, value)` (an advanced query on directory objects).
    fn ends_with(self, value: impl Literal) -> Filter<Self::Items> {
        function(self, "endsWith", value)
    }

    /// `in`: equal to one of `values`.
    fn one_of<V: Literal>(self, values: impl IntoIterator<Item = V>) -> Filter<Self::Items> {
        let mut text = format!("{} in (", self.path());
        for (index, value) in values.into_iter().enumerate() {
            if index > 0 {
                text.push(',');
            }
            value.write_literal(&mut text);
        }
        text.push(')');
        Filter::new(text, Precedence::Atom)
    }

    /// `any`: `condition` holds for at least one item of this collection,
    /// for example `proxy_addresses.any(|address| address.starts_with("smtp:"))`
    /// or `assigned_licenses.any(|license| license.at("skuId").eq(sku))`.
    fn any(self, condition: impl FnOnce(Each) -> Filter<Each>) -> Filter<Self::Items> {
        lambda(self, "any", condition)
    }

    /// `all`: `condition` holds for every item of this collection.
    fn all(self, condition: impl FnOnce(Each) -> Filter<Each>) -> Filter<Self::Items> {
        lambda(self, "all", condition)
    }

    /// The property `property` of this one: `from/emailAddress`. `property`
    /// is a generated enum's (`EmailAddressProperty::Address`) or a name.
    fn at(self, property: impl Name) -> At<Self::Items> {
        At {
            path: format!("{}/{}", self.path(), property.as_name()),
            depth: self.lambda_depth(),
            items: PhantomData,
        }
    }

    /// The number of items of this collection, `members/$count`, to compare
    /// (an advanced query on directory objects).
    fn count(self) -> At<Self::Items> {
        self.at("$count")
    }

    /// Sorted by this, ascending.
    fn asc(self) -> Order<Self::Items> {
        Order::new(self.path())
    }

    /// Sorted by this, descending.
    fn desc(self) -> Order<Self::Items> {
        Order::new(format!("{} desc", self.path()))
    }

    /// `$search` for `words` in this property: `"displayName:words"`.
    fn search(self, words: &str) -> Search<Self::Items> {
        Search::quoted(&format!("{}:{words}", self.path()))
    }
}

impl<P: PropertyName> Operand for P {
    type Items = P;

    fn path(&self) -> String {
        self.name().to_owned()
    }
}

/// A path into a property (`from/emailAddress/address`, `members/$count`),
/// from [`Operand::at`] and [`Operand::count`].
#[derive(Clone, Debug)]
pub struct At<P> {
    path: String,
    depth: usize,
    items: PhantomData<fn() -> P>,
}

impl<P> Operand for At<P> {
    type Items = P;

    fn path(&self) -> String {
        self.path.clone()
    }

    fn lambda_depth(&self) -> usize {
        self.depth
    }
}

/// The item of a collection inside [`Operand::any`] and [`Operand::all`]:
/// compare it, or a path into it ([`Operand::at`]).
#[derive(Clone, Debug)]
pub struct Each {
    variable: String,
    depth: usize,
}

impl Operand for Each {
    type Items = Each;

    fn path(&self) -> String {
        self.variable.clone()
    }

    fn lambda_depth(&self) -> usize {
        self.depth
    }
}

/// A property's name: a generated enum's value or a string.
pub trait Name {
    /// The name as Graph writes it.
    fn as_name(&self) -> &str;
}

impl<P: PropertyName> Name for P {
    fn as_name(&self) -> &str {
        self.name()
    }
}

impl Name for str {
    fn as_name(&self) -> &str {
        self
    }
}

impl Name for String {
    fn as_name(&self) -> &str {
        self
    }
}

impl Name for &str {
    fn as_name(&self) -> &str {
        self
    }
}

/// A value written as an OData literal in a `$filter`: see the [module](self).
pub trait Literal {
    /// Appends the literal to `out`.
    fn write_literal(&self, out: &mut String);
}

/// `value` as an OData string literal: in single quotes, `'` doubled.
pub fn quoted(value: &str, out: &mut String) {
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
}

impl Literal for str {
    fn write_literal(&self, out: &mut String) {
        quoted(self, out);
    }
}

impl Literal for String {
    fn write_literal(&self, out: &mut String) {
        quoted(self, out);
    }
}

impl<T: Literal + ?Sized> Literal for &T {
    fn write_literal(&self, out: &mut String) {
        (**self).write_literal(out);
    }
}

impl<T: Literal> Literal for Option<T> {
    fn write_literal(&self, out: &mut String) {
        match self {
            Some(value) => value.write_literal(out),
            None => out.push_str("null"),
        }
    }
}

macro_rules! displayed_literals {
    ($($type:ty),*) => {
        $(impl Literal for $type {
            fn write_literal(&self, out: &mut String) {
                out.push_str(&self.to_string());
            }
        })*
    };
}

displayed_literals!(bool, u8, i16, i32, i64, u32, u64, Guid, uuid::Uuid);

impl Literal for f64 {
    fn write_literal(&self, out: &mut String) {
        if self.is_nan() {
            out.push_str("NaN");
        } else if self.is_infinite() {
            out.push_str(if *self > 0.0 { "INF" } else { "-INF" });
        } else {
            out.push_str(&format!("{self:?}"));
        }
    }
}

impl Literal for DateTime<Utc> {
    fn write_literal(&self, out: &mut String) {
        out.push_str(&self.to_rfc3339_opts(SecondsFormat::AutoSi, true));
    }
}

impl Literal for NaiveDate {
    fn write_literal(&self, out: &mut String) {
        out.push_str(&self.format("%Y-%m-%d").to_string());
    }
}

/// How tightly an expression binds, to know where parentheses are needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Precedence {
    Or,
    And,
    Atom,
}

/// A `$filter` expression on the items whose properties are `P`s: built from
/// [`Operand`]'s comparisons, [`and`](Filter::and), [`or`](Filter::or) and
/// [`not`](Filter::not), or written by hand ([`Filter::raw`], or a string
/// given to the setter).
pub struct Filter<P> {
    text: String,
    precedence: Precedence,
    items: PhantomData<fn() -> P>,
}

impl<P> Filter<P> {
    fn new(text: String, precedence: Precedence) -> Self {
        Filter {
            text,
            precedence,
            items: PhantomData,
        }
    }

    /// An expression written by hand, sent as it is: quoting its values is
    /// the caller's (see [`quoted`]).
    pub fn raw(expression: impl Into<String>) -> Self {
        Filter::new(expression.into(), Precedence::Or)
    }

    /// Both this and `other`.
    pub fn and(self, other: Filter<P>) -> Self {
        Filter::new(
            format!("{} and {}", self.within(Precedence::And), other.within(Precedence::And)),
            Precedence::And,
        )
    }

    /// This or `other`.
    pub fn or(self, other: Filter<P>) -> Self {
        Filter::new(
            format!("{} or {}", self.within(Precedence::Or), other.within(Precedence::Or)),
            Precedence::Or,
        )
    }

    /// Not this (an advanced query on directory objects).
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Self {
        // `not` binds tighter than comparisons: its operand is always in parentheses.
        Filter::new(format!("not ({})", self.text), Precedence::Atom)
    }

    /// The expression as it is sent.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text, in parentheses where it binds less tightly than `outer`.
    fn within(self, outer: Precedence) -> String {
        if self.precedence < outer {
            format!("({})", self.text)
        } else {
            self.text
        }
    }
}

impl<P> From<&str> for Filter<P> {
    fn from(expression: &str) -> Self {
        Filter::raw(expression)
    }
}

impl<P> From<String> for Filter<P> {
    fn from(expression: String) -> Self {
        Filter::raw(expression)
    }
}

impl<P> fmt::Display for Filter<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Not shown: a filter holds the values it compares, which are often personal data.
impl<P> fmt::Debug for Filter<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Filter").finish_non_exhaustive()
    }
}

fn comparison<O: Operand>(operand: O, operator: &str, value: impl Literal) -> Filter<O::Items> {
    let mut text = format!("{} {operator} ", operand.path());
    value.write_literal(&mut text);
    Filter::new(text, Precedence::Atom)
}

fn function<O: Operand>(operand: O, name: &str, value: impl Literal) -> Filter<O::Items> {
    let mut text = format!("{name}({},", operand.path());
    value.write_literal(&mut text);
    text.push(')');
    Filter::new(text, Precedence::Atom)
}

fn lambda<O: Operand>(operand: O, name: &str, condition: impl FnOnce(Each) -> Filter<Each>) -> Filter<O::Items> {
    let depth = operand.lambda_depth() + 1;
    // x, then x2, x3 in nested lambdas: each names its own item.
    let variable = if depth == 1 {
        "x".to_owned()
    } else {
        format!("x{depth}")
    };
    let inner = condition(Each {
        variable: variable.clone(),
        depth,
    });
    Filter::new(
        format!("{}/{name}({variable}:{})", operand.path(), inner.text),
        Precedence::Atom,
    )
}

/// One `$orderby` key: a property and a direction, from [`Operand::asc`] and
/// [`Operand::desc`].
pub struct Order<P> {
    text: String,
    items: PhantomData<fn() -> P>,
}

impl<P> Order<P> {
    fn new(text: String) -> Self {
        Order {
            text,
            items: PhantomData,
        }
    }

    /// The key as it is sent, `displayName desc`.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl<P> fmt::Debug for Order<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Order").field(&self.text).finish()
    }
}

/// A navigation property to `$expand`, with the properties of what it
/// points to to select: `Expanded::of(UserProperty::Manager).select(["displayName"])`
/// is `manager($select=displayName)`.
pub struct Expanded<P> {
    text: String,
    select: Vec<String>,
    items: PhantomData<fn() -> P>,
}

impl<P: PropertyName> Expanded<P> {
    /// `property`, expanded.
    pub fn of(property: P) -> Self {
        Expanded {
            text: property.name().to_owned(),
            select: Vec::new(),
            items: PhantomData,
        }
    }
}

impl<P> Expanded<P> {
    /// `*`: every navigation property.
    pub fn all() -> Self {
        Expanded {
            text: "*".to_owned(),
            select: Vec::new(),
            items: PhantomData,
        }
    }

    /// Only these properties of what the navigation property points to
    /// (its schema's enum, `DirectoryObjectProperty::Id`, or names).
    pub fn select<N: Name>(mut self, properties: impl IntoIterator<Item = N>) -> Self {
        self.select
            .extend(properties.into_iter().map(|property| property.as_name().to_owned()));
        self
    }

    /// The item as it is sent, `manager($select=displayName)`.
    pub fn to_query(&self) -> String {
        if self.select.is_empty() {
            self.text.clone()
        } else {
            format!("{}($select={})", self.text, self.select.join(","))
        }
    }
}

/// A `$search` expression: [`Search::words`] or [`Operand::search`] terms,
/// joined with [`and`](Search::and) and [`or`](Search::or), or written by
/// hand ([`Search::raw`], or a string given to the setter).
pub struct Search<P> {
    text: String,
    items: PhantomData<fn() -> P>,
}

impl<P> Search<P> {
    fn new(text: String) -> Self {
        Search {
            text,
            items: PhantomData,
        }
    }

    /// `"words"`: items matching these words anywhere Graph searches
    /// (messages, events, people).
    pub fn words(words: &str) -> Self {
        Search::quoted(words)
    }

    /// `text` in double quotes, `"` and `\` escaped as Graph reads them.
    fn quoted(text: &str) -> Self {
        let mut out = String::with_capacity(text.len() + 2);
        out.push('"');
        for c in text.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        Search::new(out)
    }

    /// An expression written by hand, sent as it is.
    pub fn raw(expression: impl Into<String>) -> Self {
        Search::new(expression.into())
    }

    /// Items matching both.
    pub fn and(self, other: Search<P>) -> Self {
        Search::new(format!("{} AND {}", self.text, other.text))
    }

    /// Items matching either.
    pub fn or(self, other: Search<P>) -> Self {
        Search::new(format!("{} OR {}", self.text, other.text))
    }

    /// The expression as it is sent.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl<P> From<&str> for Search<P> {
    fn from(expression: &str) -> Self {
        Search::raw(expression)
    }
}

impl<P> From<String> for Search<P> {
    fn from(expression: String) -> Self {
        Search::raw(expression)
    }
}

/// Not shown: search terms are often personal data.
impl<P> fmt::Debug for Search<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Search").finish_non_exhaustive()
    }
}

/// What the option `K` ([`Selecting`], [`Ordering`], [`Expanding`]) of items
/// with properties `P` takes in its list: a `P`, a name written by hand
/// (`"displayName desc"`), and for `$orderby` an [`Order<P>`], for `$expand`
/// an [`Expanded<P>`] (`Expanded::all()` is `*`).
pub trait Term<P, K> {
    /// The item as it is sent.
    fn to_query(&self) -> String;
}

/// The list of `$select` ([`Term`]).
pub enum Selecting {}

/// The list of `$orderby` ([`Term`]).
pub enum Ordering {}

/// The list of `$expand` ([`Term`]).
pub enum Expanding {}

impl<P: PropertyName, K> Term<P, K> for P {
    fn to_query(&self) -> String {
        self.name().to_owned()
    }
}

impl<P, K> Term<P, K> for &str {
    fn to_query(&self) -> String {
        (*self).to_owned()
    }
}

impl<P, K> Term<P, K> for String {
    fn to_query(&self) -> String {
        self.clone()
    }
}

impl<P> Term<P, Ordering> for Order<P> {
    fn to_query(&self) -> String {
        self.text.clone()
    }
}

impl<P> Term<P, Expanding> for Expanded<P> {
    fn to_query(&self) -> String {
        Expanded::to_query(self)
    }
}

/// Whether a request with these query options is an advanced query on
/// directory objects, which Graph answers only with `ConsistencyLevel:
/// eventual` and `$count=true`: it has `$search` or `$count`, a `$filter`
/// with `ne`, `not`, `endsWith` or `/$count`, or a `$filter` and an `$orderby`.
/// The words are looked for outside string literals, so a value holding
/// them changes nothing.
pub fn advanced<'a>(query: impl IntoIterator<Item = (&'a str, &'a str)>) -> bool {
    let (mut filter, mut orderby) = (false, false);
    for (name, value) in query {
        match name {
            "$search" | "$count" => return true,
            "$filter" if advanced_filter(value) => return true,
            "$filter" => filter = true,
            "$orderby" => orderby = true,
            _ => {}
        }
    }
    filter && orderby
}

/// Whether a `$filter` uses what only advanced queries may.
fn advanced_filter(filter: &str) -> bool {
    let mut outside = String::with_capacity(filter.len());
    let mut in_literal = false;
    for c in filter.chars() {
        // `'` opens and closes a literal; a doubled `''` inside closes and reopens it.
        if c == '\'' {
            in_literal = !in_literal;
            outside.push(' ');
        } else if !in_literal {
            outside.push(c.to_ascii_lowercase());
        }
    }
    outside
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '$'))
        .any(|word| matches!(word, "ne" | "not" | "endswith" | "$count"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy)]
    enum Message {
        From,
        Subject,
        ReceivedDateTime,
    }

    impl PropertyName for Message {
        fn name(self) -> &'static str {
            match self {
                Message::From => "from",
                Message::Subject => "subject",
                Message::ReceivedDateTime => "receivedDateTime",
            }
        }
    }

    #[test]
    fn literals_are_odata_literals() {
        let at = DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z")
            .unwrap()
            .with_timezone(&Utc);
        let filter = Message::ReceivedDateTime
            .ge(at)
            .and(Message::Subject.eq(None::<&str>))
            .or(Message::Subject.one_of(["a", "it's"]).not());
        assert_eq!(
            filter.as_str(),
            "receivedDateTime ge 2026-01-02T03:04:05Z and subject eq null or not (subject in ('a','it''s'))"
        );
        let mut out = String::new();
        for value in [1.5, f64::NAN, f64::NEG_INFINITY] {
            value.write_literal(&mut out);
            out.push(' ');
        }
        assert_eq!(out, "1.5 NaN -INF ");
    }

    #[test]
    fn or_inside_and_is_parenthesized() {
        let either = Message::Subject.eq("a").or(Message::Subject.eq("b"));
        let both: Filter<Message> =
            either.and(Message::From.at("emailAddress").at("address").ends_with("@contoso.com"));
        assert_eq!(
            both.as_str(),
            "(subject eq 'a' or subject eq 'b') and endsWith(from/emailAddress/address,'@contoso.com')"
        );
    }

    #[test]
    fn nested_lambdas_name_their_items_apart() {
        let filter: Filter<Message> = Message::From.any(|x| x.at("to").all(|y| y.ne("z")));
        assert_eq!(filter.as_str(), "from/any(x:x/to/all(x2:x2 ne 'z'))");
    }

    #[test]
    fn expansions_select_inside_and_all_is_a_star() {
        let manager = Expanded::of(Message::From).select(["id", "displayName"]);
        assert_eq!(
            Term::<Message, Expanding>::to_query(&manager),
            "from($select=id,displayName)"
        );
        assert_eq!(Expanded::<Message>::all().to_query(), "*");
    }

    #[test]
    fn search_terms_are_quoted() {
        let search: Search<Message> = Message::Subject.search(r#"say "hi" \o/"#).or(Search::words("x"));
        assert_eq!(search.as_str(), r#""subject:say \"hi\" \\o/" OR "x""#);
    }

    #[test]
    fn advanced_queries_are_told_by_what_they_use_outside_literals() {
        let filter = |text: &str| advanced([("$filter", text)]);
        assert!(filter("displayName ne 'a'"));
        assert!(filter("NOT (a eq 1)"));
        assert!(filter("endsWith(mail,'@contoso.com')"));
        assert!(filter("members/$count eq 0"));
        assert!(!filter("displayName eq 'x ne y'"));
        assert!(!filter("displayName eq 'it''s not'"));
        assert!(!filter("startsWith(displayName,'a')"));
        assert!(advanced([("$filter", "a eq 1"), ("$orderby", "a")]));
        assert!(advanced([("$search", "\"a\"")]));
        assert!(!advanced([("$orderby", "a"), ("$top", "5")]));
    }
}
