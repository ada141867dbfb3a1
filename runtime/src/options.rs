//! Query options and headers, set on the call of an operation that takes them:
//!
//! ```no_run
//! # use graphgen_runtime::{call::Call, options::{self, Get}, query::{Operand, PropertyName}};
//! # struct UsersRequestBuilder;
//! # #[derive(Clone, Copy)] enum UserProperty { DisplayName, Mail }
//! # impl PropertyName for UserProperty { fn name(self) -> &'static str { match self { Self::DisplayName => "displayName", Self::Mail => "mail" } } }
//! // What generated code says of `GET /users`, among others:
//! impl options::Properties<Get> for UsersRequestBuilder {
//!     type Property = UserProperty;
//! }
//! impl options::Select<Get> for UsersRequestBuilder {}
//! impl options::Filter<Get> for UsersRequestBuilder {}
//! impl options::Top<Get> for UsersRequestBuilder {}
//!
//! # async fn run(list: Call<serde_json::Value, (UsersRequestBuilder, Get)>, name: &str) -> Result<(), graphgen_runtime::error::Error> {
//! // `list` is that operation's call, client.users().get()
//! let page = list
//!     .select([UserProperty::DisplayName, UserProperty::Mail])
//!     .filter(UserProperty::DisplayName.starts_with(name))
//!     .top(5)
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! A generated operation's call is a `Call<T, (Builder, Method)>`: its request
//! builder and HTTP method say, by the traits below that the builder implements
//! for that method, which setters it has and which property enum they take
//! ([`Properties`]). A setter the operation's description does not list, or a
//! property of another schema, is a compile error, not a `400` from Graph:
//!
//! ```compile_fail
//! # use graphgen_runtime::{call::Call, options::{self, Get}, query::AnyProperty};
//! # struct UserRequestBuilder;
//! # impl options::Properties<Get> for UserRequestBuilder { type Property = AnyProperty; }
//! impl options::Select<Get> for UserRequestBuilder {}
//! # fn run(get: Call<serde_json::Value, (UserRequestBuilder, Get)>) {
//! let call = get.select(["id"]).top(5); // GET /users/{id} takes no `$top`
//! # }
//! ```
//!
//! ```compile_fail
//! # use graphgen_runtime::{call::Call, options::{self, Get}, query::PropertyName};
//! # struct UsersRequestBuilder;
//! # #[derive(Clone, Copy)] enum UserProperty { Mail }
//! # #[derive(Clone, Copy)] enum GroupProperty { Mail }
//! # impl PropertyName for UserProperty { fn name(self) -> &'static str { "mail" } }
//! # impl PropertyName for GroupProperty { fn name(self) -> &'static str { "mail" } }
//! # impl options::Properties<Get> for UsersRequestBuilder { type Property = UserProperty; }
//! impl options::Select<Get> for UsersRequestBuilder {}
//! # fn run(list: Call<serde_json::Value, (UsersRequestBuilder, Get)>) {
//! let call = list.select([GroupProperty::Mail]); // users have no group's properties
//! # }
//! ```
//!
//! Query options other than OData's and Graph's own (`includeHiddenFolders`,
//! ...) are set with [`Call::query`], headers with [`Call::header`]; the
//! operation's documentation names them. Every value is percent-encoded.

use super::call::Call;
use super::query::{self, Expanding, Ordering, PropertyName, Selecting, Term};
use super::read::FromJson;

macro_rules! methods {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        $($(#[$doc])* #[derive(Clone, Copy, Debug)] pub enum $name {})*
    };
}

methods! {
    /// An operation sent with `GET`.
    Get,
    /// An operation sent with `PUT`.
    Put,
    /// An operation sent with `POST`.
    Post,
    /// An operation sent with `PATCH`.
    Patch,
    /// An operation sent with `DELETE`.
    Delete,
}

/// The property enum of the items an operation answers with: what its
/// typed `$select`, `$orderby`, `$expand`, `$filter` and `$search` take
/// ([`query`]). Generated code implements it on a request
/// builder, for each method whose operation takes one of them.
pub trait Properties<M> {
    /// The items' `...Property` enum, or [`AnyProperty`](query::AnyProperty) where they have none.
    type Property: PropertyName;
}

/// The property enum of the items of the operation `M` on builder `B`.
pub type PropertyOf<B, M> = <B as Properties<M>>::Property;

/// Marks a `createUploadSession` operation: its call has
/// [`Call::upload`](super::upload), which creates the session and uploads a
/// file to it in one step, giving the `Item` created.
pub trait Uploads<M> {
    /// What the upload creates: a `DriveItem`, an attachment, a print document.
    type Item: FromJson;
}

/// One marker trait per option: a request builder implements it for each
/// method whose operation takes the option, and `Call` has its setter.
macro_rules! options {
    ($($(#[$doc:meta])* $trait:ident: fn $setter:ident$(<$($generic:ident: $bound:path),*>)?($value:ident: $ty:ty) $(where $properties:ident)? => $send:ident($wire:literal, $how:expr);)*) => {
        $(
            $(#[$doc])*
            ///
            #[doc = concat!("Marks the operations that take `", $wire, "`: their calls have [`Call::", stringify!($setter), "`].")]
            pub trait $trait<M> {}

            impl<T, B: $trait<M> $(+ $properties<M>)?, M> Call<T, (B, M)> {
                $(#[$doc])*
                pub fn $setter$(<$($generic: $bound),*>)?(self, $value: $ty) -> Self {
                    self.$send($wire, $how)
                }
            }
        )*
    };
}

options! {
    /// `$select`: only these properties, for example
    /// `[UserProperty::DisplayName, UserProperty::Mail]` (or names: `["displayName"]`).
    Select: fn select<S: Term<PropertyOf<B, M>, Selecting>>(properties: impl IntoIterator<Item = S>) where Properties => query("$select", joined(properties, S::to_query));
    /// `$expand`: with these navigation properties, for example
    /// `[UserProperty::Manager]`, or `[Expanded::of(UserProperty::MemberOf).select(["id"])]`.
    Expand: fn expand<E: Term<PropertyOf<B, M>, Expanding>>(properties: impl IntoIterator<Item = E>) where Properties => query("$expand", joined(properties, E::to_query));
    /// `$filter`: only the items this expression holds for, for example
    /// `UserProperty::DisplayName.starts_with(name)` ([`query`]).
    /// A string is sent as it is.
    Filter: fn filter(expression: impl Into<query::Filter<PropertyOf<B, M>>>) where Properties => query("$filter", expression.into().as_str().to_owned());
    /// `$search`: only the items matching these terms, for example
    /// `UserProperty::DisplayName.search(words)` or `Search::words(words)`.
    /// A string is sent as it is.
    Search: fn search(terms: impl Into<query::Search<PropertyOf<B, M>>>) where Properties => query("$search", terms.into().as_str().to_owned());
    /// `$orderby`: sorted by these properties, for example
    /// `[UserProperty::DisplayName.desc()]` (or keys: `["displayName desc"]`).
    OrderBy: fn orderby<O: Term<PropertyOf<B, M>, Ordering>>(properties: impl IntoIterator<Item = O>) where Properties => query("$orderby", joined(properties, O::to_query));
    /// `$top`: at most this many items per page.
    Top: fn top(items: u32) => query("$top", items);
    /// `$skip`: leave out this many items first.
    Skip: fn skip(items: u32) => query("$skip", items);
    /// `$count`: include the number of items (`@odata.count`).
    Count: fn count(count: bool) => query("$count", count);
    /// Header `ConsistencyLevel`, `"eventual"` for advanced queries on
    /// directory objects; the operations that take it send it by themselves
    /// for the queries that need it ([`query`](query#advanced-queries)).
    ConsistencyLevel: fn consistency_level(level: impl Into<String>) => header("ConsistencyLevel", level.into());
    /// Header `If-Match`: only if the item's ETag is still this one.
    IfMatch: fn if_match(etag: impl Into<String>) => header("If-Match", etag.into());
}

/// Items comma-joined, as Graph reads lists in query options.
fn joined<I>(items: impl IntoIterator<Item = I>, text: impl Fn(&I) -> String) -> String {
    items.into_iter().map(|item| text(&item)).collect::<Vec<_>>().join(",")
}
