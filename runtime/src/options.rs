//! Query options and headers, set on the call of an operation that takes them:
//!
//! ```no_run
//! # use graphgen_runtime::{call::Call, options::{self, Get}};
//! # struct UsersRequestBuilder;
//! // What generated code says of `GET /users`, among others:
//! impl options::Select<Get> for UsersRequestBuilder {}
//! impl options::Filter<Get> for UsersRequestBuilder {}
//! impl options::Top<Get> for UsersRequestBuilder {}
//!
//! # async fn run(list: Call<serde_json::Value, (UsersRequestBuilder, Get)>) -> Result<(), graphgen_runtime::error::Error> {
//! // `list` is that operation's call, client.users().get()
//! let page = list
//!     .select(["displayName", "mail"])
//!     .filter("startsWith(displayName,'A')")
//!     .top(5)
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! A generated operation's call is a `Call<T, (Builder, Method)>`: its request
//! builder and HTTP method say, by the traits below that the builder implements
//! for that method, which setters it has. A setter the operation's description
//! does not list is a compile error, not a `400` from Graph:
//!
//! ```compile_fail
//! # use graphgen_runtime::{call::Call, options::{self, Get}};
//! # struct UserRequestBuilder;
//! impl options::Select<Get> for UserRequestBuilder {}
//! # fn run(get: Call<serde_json::Value, (UserRequestBuilder, Get)>) {
//! let call = get.select(["id"]).top(5); // GET /users/{id} takes no `$top`
//! # }
//! ```
//!
//! Query options other than OData's and Graph's own (`includeHiddenFolders`,
//! ...) are set with [`Call::query`], headers with [`Call::header`]; the
//! operation's documentation names them. A value is sent as given,
//! percent-encoded: `$filter` and `$search` are not checked here.

use super::call::Call;

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

/// One marker trait per option: a request builder implements it for each
/// method whose operation takes the option, and `Call` has its setter.
macro_rules! options {
    ($($(#[$doc:meta])* $trait:ident: fn $setter:ident($value:ident: $ty:ty) => $send:ident($wire:literal, $how:expr);)*) => {
        $(
            $(#[$doc])*
            ///
            #[doc = concat!("Marks the operations that take `", $wire, "`: their calls have [`Call::", stringify!($setter), "`].")]
            pub trait $trait<M> {}

            impl<T, B: $trait<M>, M> Call<T, (B, M)> {
                $(#[$doc])*
                pub fn $setter(self, $value: $ty) -> Self {
                    self.$send($wire, $how)
                }
            }
        )*
    };
}

options! {
    /// `$select`: only these properties, for example `["displayName", "mail"]`.
    Select: fn select(properties: impl IntoIterator<Item = impl AsRef<str>>) => query("$select", joined(properties));
    /// `$expand`: with these navigation properties, for example `["members($select=id)"]`.
    Expand: fn expand(properties: impl IntoIterator<Item = impl AsRef<str>>) => query("$expand", joined(properties));
    /// `$filter`: only the items this OData expression holds for.
    Filter: fn filter(expression: impl Into<String>) => query("$filter", expression.into());
    /// `$search`: only the items matching these search terms.
    Search: fn search(terms: impl Into<String>) => query("$search", terms.into());
    /// `$orderby`: sorted by these properties, each optionally followed by ` desc`.
    OrderBy: fn orderby(properties: impl IntoIterator<Item = impl AsRef<str>>) => query("$orderby", joined(properties));
    /// `$top`: at most this many items per page.
    Top: fn top(items: u32) => query("$top", items);
    /// `$skip`: leave out this many items first.
    Skip: fn skip(items: u32) => query("$skip", items);
    /// `$count`: include the number of items (`@odata.count`).
    Count: fn count(count: bool) => query("$count", count);
    /// Header `ConsistencyLevel`, `"eventual"` for advanced queries on directory objects.
    ConsistencyLevel: fn consistency_level(level: impl Into<String>) => header("ConsistencyLevel", level.into());
    /// Header `If-Match`: only if the item's ETag is still this one.
    IfMatch: fn if_match(etag: impl Into<String>) => header("If-Match", etag.into());
}

/// Items comma-joined, as Graph reads lists in query options.
fn joined(items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    items
        .into_iter()
        .map(|item| item.as_ref().to_owned())
        .collect::<Vec<_>>()
        .join(",")
}
