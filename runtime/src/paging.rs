//! Paging: every page or every item of a collection, following
//! `@odata.nextLink` without ever going round in a loop.
//!
//! # Delta sync
//!
//! A delta query's last page carries `@odata.deltaLink`: `collect_delta()` gives
//! every item and that link (the last page of `pages()` has it as `delta_link()`, and the stream
//! `items()` returns has it as `delta_link()` once it has ended), and
//! `.starting_at(link)` sends the same call to a saved delta link (or next link) instead:
//!
//! ```no_run
//! # use graphgen_runtime::{client::GraphClient, object::References, path::RequestPath};
//! # async fn sync(client: GraphClient, saved: Option<String>) -> Result<(), graphgen_runtime::error::Error> {
//! # let delta = || client.call::<References>(reqwest::Method::GET, RequestPath::root().segment("users").segment("delta()"));
//! // `delta()` is a generated delta function's call: client.users().delta().get()
//! let mut link: Option<String> = saved;
//! loop {
//!     let call = match &link { Some(link) => delta().starting_at(link), None => delta() };
//!     let round = call.collect_delta().await?;
//!     println!("{} changed", round.items.len());
//!     link = round.delta_link; // save it; wait; go again for what changed since
//! }
//! # }
//! ```
//!
//! Pages and items loop with their own `try_next`, nothing to import:
//!
//! ```no_run
//! # use graphgen_runtime::{client::GraphClient, object::References, path::RequestPath};
//! # async fn members(client: GraphClient) -> Result<(), graphgen_runtime::error::Error> {
//! # let get = || client.call::<References>(reqwest::Method::GET, RequestPath::root().segment("groups").parameter("group-id", "g1").segment("members").segment("$ref"));
//! let mut pages = get().pages();
//! while let Some(page) = pages.try_next().await? {
//!     println!("{} members on this page", page.value.unwrap_or_default().len());
//! }
//! let mut members = get().max_pages(10).items();
//! while let Some(member) = members.try_next().await? {
//!     println!("{:?}", member.odata_id);
//! }
//! # Ok(()) }
//! ```

use std::collections::HashSet;
use std::fmt;

use futures_util::{Stream, TryStreamExt};

use super::call::Call;
use super::error::Error;

/// A page of a collection: its items and the link to the next page.
/// Generated collection responses implement it.
pub trait Page: Send + 'static {
    /// The type of the items.
    type Item: Send + 'static;

    /// `@odata.nextLink`: where the next page is, if there is one.
    fn next_link(&self) -> Option<&str>;

    /// `@odata.deltaLink`: on the last page of a delta query, where the next
    /// round of changes starts.
    fn delta_link(&self) -> Option<&str> {
        None
    }

    /// The items of this page.
    fn into_items(self) -> Vec<Self::Item>;
}

/// Every item of a collection, and the `@odata.deltaLink` its last page gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Collected<T> {
    /// The items of every page, in order.
    pub items: Vec<T>,
    /// Where the next round of a delta query starts: save it, and start the
    /// next sync from it with [`Call::starting_at`].
    pub delta_link: Option<String>,
}

impl<P: Page, O> Call<P, O> {
    /// The same call sent to a link Graph gave earlier instead: a saved
    /// `@odata.deltaLink` (the changes since) or `@odata.nextLink` (the rest
    /// of a collection). The token still goes only to the service root's origin.
    pub fn starting_at(self, link: &str) -> Self {
        self.follow(link)
    }

    /// Reads at most `pages` pages; the stream ends after them.
    pub fn max_pages(self, pages: usize) -> Self {
        self.with_page_limit(pages)
    }

    /// Every page, following `@odata.nextLink`, as a stream. Each page is a
    /// call of its own, with the same headers, retries and timeout. A link
    /// already followed ends the stream with [`Error::PagingLoop`]; the last
    /// page of a delta query has its [`delta_link`](Page::delta_link).
    ///
    /// `while let Some(page) = pages.try_next().await? { ... }` reads them
    /// with nothing to import; `Pages` is also a `futures` `Stream`.
    pub fn pages(self) -> Pages<P> {
        let limit = self.page_limit().unwrap_or(usize::MAX);
        let state = Paging {
            next: Some(self.accepting::<()>().prepared()),
            seen: HashSet::new(),
            read: 0,
        };
        let stream = futures_util::stream::try_unfold(state, move |mut state| async move {
            let Some(call) = state.next.take() else { return Ok(None) };
            if state.read >= limit {
                return Ok(None);
            }
            let template = call.follow("");
            let page = call.send().await?;
            state.read += 1;
            if let Some(link) = page.next_link() {
                if !state.seen.insert(link.to_owned()) {
                    return Err(Error::PagingLoop { pages: state.read });
                }
                state.next = Some(template.follow(link));
            }
            Ok(Some((page, state)))
        });
        Pages {
            stream: Box::pin(stream),
        }
    }

    /// Every item of every page, as a stream. Once it has ended,
    /// [`Items::delta_link`] is the last page's `@odata.deltaLink`.
    pub fn items(self) -> Items<P> {
        Items {
            pages: self.pages(),
            current: Vec::new().into_iter(),
            delta_link: None,
        }
    }

    /// Every item of every page, collected.
    pub async fn collect_all(self) -> Result<Vec<P::Item>, Error> {
        self.items().try_collect().await
    }

    /// Every item of every page, and the `@odata.deltaLink` of the last one:
    /// one round of a delta sync.
    pub async fn collect_delta(self) -> Result<Collected<P::Item>, Error> {
        let mut items = self.items();
        let mut collected = Vec::new();
        while let Some(item) = items.try_next().await? {
            collected.push(item);
        }
        Ok(Collected {
            items: collected,
            delta_link: items.delta_link,
        })
    }
}

/// The pages of a collection, one call each: a `Stream` of `Result<page,
/// Error>` from [`Call::pages`].
#[must_use = "streams do nothing unless polled"]
pub struct Pages<P> {
    stream: std::pin::Pin<Box<dyn Stream<Item = Result<P, Error>> + Send>>,
}

impl<P> Pages<P> {
    /// The next page, `None` once the last has been read.
    pub async fn try_next(&mut self) -> Result<Option<P>, Error> {
        TryStreamExt::try_next(self).await
    }
}

impl<P> Stream for Pages<P> {
    type Item = Result<P, Error>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.get_mut().stream.as_mut().poll_next(cx)
    }
}

impl<P> fmt::Debug for Pages<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

/// The items of a collection, page after page: a `Stream` of
/// `Result<item, Error>` from [`Call::items`].
#[must_use = "streams do nothing unless polled"]
pub struct Items<P: Page> {
    pages: Pages<P>,
    current: std::vec::IntoIter<P::Item>,
    delta_link: Option<String>,
}

impl<P: Page> Items<P> {
    /// The next item, `None` once the last page's last item has been read.
    pub async fn try_next(&mut self) -> Result<Option<P::Item>, Error> {
        TryStreamExt::try_next(self).await
    }

    /// The `@odata.deltaLink` of the last page read, once the stream has
    /// reached it: where the next round of a delta sync starts.
    pub fn delta_link(&self) -> Option<&str> {
        self.delta_link.as_deref()
    }
}

// Nothing inside is ever pinned: the page stream is boxed, items are moved out.
impl<P: Page> Unpin for Items<P> {}

impl<P: Page> Stream for Items<P> {
    type Item = Result<P::Item, Error>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.current.next() {
                return std::task::Poll::Ready(Some(Ok(item)));
            }
            match futures_util::ready!(std::pin::Pin::new(&mut this.pages).poll_next(cx)) {
                Some(Ok(page)) => {
                    if let Some(link) = page.delta_link() {
                        this.delta_link = Some(link.to_owned());
                    }
                    this.current = page.into_items().into_iter();
                }
                Some(Err(error)) => return std::task::Poll::Ready(Some(Err(error))),
                None => return std::task::Poll::Ready(None),
            }
        }
    }
}

impl<P: Page> fmt::Debug for Items<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("buffered", &self.current.len())
            .field("delta_link", &self.delta_link.is_some())
            .finish_non_exhaustive()
    }
}

struct Paging<P> {
    next: Option<Call<P>>,
    /// The links followed so far.
    seen: HashSet<String>,
    read: usize,
}
