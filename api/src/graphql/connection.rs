//! Relay cursor connections over any SeaORM query.
//!
//! A list ordered in SQL is read by position ([`crate::services::listing`]): an item's cursor holds its
//! sort keys and the order they belong to, so a page far down a list costs what the first page costs.
//! Lists ranked outside SQL (search) have offsets as cursors, bounded in depth. Both are opaque to
//! clients. `totalCount` runs one `COUNT(*)` and only when selected; a page is read only when its items
//! or its `pageInfo` are.

use std::borrow::Cow;

use async_graphql::{
    Context, Object, OutputType, TypeName,
    connection::{CursorType, Edge, EmptyFields, PageInfo},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sea_orm::{EntityTrait, FromQueryResult, PaginatorTrait, QuerySelect, Select};
use serde_json::Value as Json;

use crate::error::{ApiError, ApiResult};
use crate::graphql::types::db;
use crate::i18n::Message;
use crate::services::listing::{Cut, KeyValue, ListOrder, Listing};

/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// Largest `first` or `last` accepted.
pub const MAX_PAGE_SIZE: u64 = 100;

/// An item's cursor, opaque to clients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor(String);

impl CursorType for Cursor {
    type Error = std::convert::Infallible;

    fn decode_cursor(s: &str) -> Result<Self, Self::Error> {
        Ok(Self(s.to_owned()))
    }

    fn encode_cursor(&self) -> String {
        self.0.clone()
    }
}

impl Cursor {
    /// The cursor of the item `offset` items into a list ranked outside SQL.
    fn at_offset(offset: u64) -> Self {
        Self(URL_SAFE_NO_PAD.encode(format!("offset:{offset}")))
    }

    /// The cursor of the item at `position` in a list in `order`.
    fn at_position(order: &ListOrder, position: &[KeyValue]) -> Self {
        let written: Vec<Json> = std::iter::once(Json::from(order.signature()))
            .chain(position.iter().map(KeyValue::to_json))
            .collect();
        Self(URL_SAFE_NO_PAD.encode(Json::from(written).to_string()))
    }
}

/// The offset in cursor argument `field`, if given: refused unless it is an offset cursor.
fn offset(field: &str, value: Option<&String>) -> ApiResult<Option<u64>> {
    let invalid = || ApiError::bad_input(field, Message::new("cursor-invalid"));
    value
        .map(|cursor| {
            let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
            let text = String::from_utf8(bytes).map_err(|_| invalid())?;
            let offset = text.strip_prefix("offset:").ok_or_else(invalid)?;
            offset.parse().map_err(|_| invalid())
        })
        .transpose()
}

/// The position in cursor argument `field`, if given: refused unless it is a cursor of a list in
/// `order` (a cursor of another list, or of this list in another order, names no place in it).
fn position(field: &str, order: &ListOrder, value: Option<&String>) -> ApiResult<Option<Vec<KeyValue>>> {
    let invalid = || ApiError::bad_input(field, Message::new("cursor-invalid"));
    value
        .map(|cursor| {
            let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
            let written: Vec<Json> = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
            let (signature, keys) = written.split_first().ok_or_else(invalid)?;
            if signature.as_str() != Some(order.signature().as_str()) || keys.len() != order.kinds().count() {
                return Err(invalid());
            }
            order
                .kinds()
                .zip(keys)
                .map(|(kind, key)| KeyValue::from_json(kind, key).ok_or_else(invalid))
                .collect()
        })
        .transpose()
}

/// A page of `Node`s: a Relay connection named `<Node>Connection`.
pub struct Page<Node: OutputType> {
    edges: Vec<Edge<Cursor, Node, EmptyFields>>,
    has_previous_page: bool,
    has_next_page: bool,
    total_count: u64,
}

/// One page of a list: the items with their cursors, where the page sits, and how many items there are.
#[Object(name_type)]
impl<Node: OutputType> Page<Node> {
    /// Where this page sits: whether pages exist before and after it, and the cursors to reach them.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_previous_page: self.has_previous_page,
            has_next_page: self.has_next_page,
            start_cursor: self.edges.first().map(|edge| edge.cursor.encode_cursor()),
            end_cursor: self.edges.last().map(|edge| edge.cursor.encode_cursor()),
        }
    }

    /// The items of this page, each with its cursor.
    async fn edges(&self) -> &[Edge<Cursor, Node, EmptyFields>] {
        &self.edges
    }

    /// The items of this page.
    async fn nodes(&self) -> Vec<&Node> {
        self.edges.iter().map(|edge| &edge.node).collect()
    }

    /// How many items match the filters, across all pages.
    async fn total_count(&self) -> u64 {
        self.total_count
    }
}

impl<Node: OutputType> Page<Node> {
    /// A page of `nodes` that starts `start` items into a list, for lists ranked outside SQL.
    pub fn at_offset(nodes: Vec<Node>, start: u64, has_next_page: bool, total_count: u64) -> Self {
        Self {
            edges: nodes
                .into_iter()
                .enumerate()
                .map(|(i, node)| Edge::new(Cursor::at_offset(start + i as u64), node))
                .collect(),
            has_previous_page: start > 0,
            has_next_page,
            total_count,
        }
    }
}

/// Where a page given `first` and `after` starts in its list, and how many items it holds.
pub fn forward_window(first: Option<i32>, after: Option<&String>) -> ApiResult<(u64, u64)> {
    let start = offset("after", after)?.map_or(0, |after| after + 1);
    let size = page_size("first", first)?.unwrap_or(DEFAULT_PAGE_SIZE);
    Ok((start, size))
}

impl<Node: OutputType> TypeName for Page<Node> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Connection", Node::type_name()).into()
    }
}

/// The pagination arguments of a connection field.
#[derive(Debug, Default)]
pub struct PageArgs {
    /// Items after this cursor.
    pub after: Option<String>,
    /// Items before this cursor.
    pub before: Option<String>,
    /// At most this many from the start.
    pub first: Option<i32>,
    /// At most this many from the end.
    pub last: Option<i32>,
}

/// Complexity of a connection field: the page size times the cost of one node.
pub fn page_complexity(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size = first.or(last).map_or(DEFAULT_PAGE_SIZE as usize, |n| {
        n.clamp(0, MAX_PAGE_SIZE as i32) as usize
    });
    size.max(1).saturating_mul(child_complexity).saturating_add(1)
}

/// The page size asked for in argument `field`, if any: refused outside 0 to [`MAX_PAGE_SIZE`].
pub fn page_size(field: &str, value: Option<i32>) -> ApiResult<Option<u64>> {
    match value {
        None => Ok(None),
        Some(n) if (0..=MAX_PAGE_SIZE as i32).contains(&n) => Ok(Some(n as u64)),
        Some(n) => Err(ApiError::bad_input(
            field,
            Message::new("page-size-range")
                .with("max", MAX_PAGE_SIZE)
                .with("got", n),
        )),
    }
}

/// Reads the page `args` asks for of `listing` and wraps each row with `wrap`.
pub async fn paginate<E, Node>(
    ctx: &Context<'_>,
    listing: Listing<E>,
    args: PageArgs,
    wrap: impl Fn(E::Model) -> Node,
) -> ApiResult<Page<Node>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Sized + Send + Sync,
    Node: async_graphql::OutputType,
{
    paginate_counted(ctx, listing, None, args, wrap).await
}

/// [`paginate`], its `totalCount` read by `counted` when given: a statement whose one row and column is
/// the list's count, kept elsewhere than in its rows.
pub async fn paginate_counted<E, Node>(
    ctx: &Context<'_>,
    listing: Listing<E>,
    counted: Option<Select<E>>,
    args: PageArgs,
    wrap: impl Fn(E::Model) -> Node,
) -> ApiResult<Page<Node>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Sized + Send + Sync,
    Node: async_graphql::OutputType,
{
    let rows = listing.rows.clone();
    paginate_within(ctx, listing, |cut, _| cut.apply(rows), counted, args, wrap).await
}

/// [`paginate_counted`], reading the page from `page(cut, window)`: the list's rows within `cut`, of
/// which the page reads the first `window`. It may read them more cheaply than by filtering
/// `listing.rows`.
pub async fn paginate_within<E, Node>(
    ctx: &Context<'_>,
    listing: Listing<E>,
    page: impl FnOnce(&Cut<'_>, u64) -> Select<E>,
    counted: Option<Select<E>>,
    args: PageArgs,
    wrap: impl Fn(E::Model) -> Node,
) -> ApiResult<Page<Node>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Sized + Send + Sync,
    Node: async_graphql::OutputType,
{
    let db = db(ctx);
    let first = page_size("first", args.first)?;
    let last = page_size("last", args.last)?;
    if first.is_some() && last.is_some() {
        return Err(ApiError::bad_input("last", Message::new("page-first-or-last")));
    }
    let Listing { rows, order } = listing;
    let after = position("after", &order, args.after.as_ref())?;
    let before = position("before", &order, args.before.as_ref())?;

    let look_ahead = ctx.look_ahead();
    let total_count = match (look_ahead.field("totalCount").exists(), counted) {
        (false, _) => 0,
        // All its rows (the one), not `one`: a count needs no `LIMIT`.
        (true, Some(counted)) => counted
            .into_tuple::<i64>()
            .all(db)
            .await?
            .first()
            .map_or(0, |n| *n as u64),
        (true, None) => rows.count(db).await?,
    };
    let reads_page = ["nodes", "edges", "pageInfo"]
        .into_iter()
        .any(|field| look_ahead.field(field).exists());
    if !reads_page {
        return Ok(Page {
            edges: Vec::new(),
            has_previous_page: false,
            has_next_page: false,
            total_count,
        });
    }

    // `last` reads the list from its end, then turns the page round.
    let reversed = last.is_some();
    let size = last.or(first).unwrap_or(DEFAULT_PAGE_SIZE);
    let (after_given, before_given) = (after.is_some(), before.is_some());
    let cut = Cut::new(&order, reversed, after, before);
    // One extra row tells whether more follow the page (precede it, read backwards).
    let window = size + 1;
    let mut rows = order
        .read(db, order.with_keys(page(&cut, window).limit(window)))
        .await?;
    let more = rows.len() as u64 > size;
    rows.truncate(size as usize);
    if reversed {
        rows.reverse();
    }
    let (has_previous_page, has_next_page) = match reversed {
        true => (more, before_given),
        false => (after_given, more),
    };
    Ok(Page {
        edges: rows
            .into_iter()
            .map(|(row, position)| Edge::new(Cursor::at_position(&order, &position), wrap(row)))
            .collect(),
        has_previous_page,
        has_next_page,
        total_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_cursors_round_trip_and_garbage_is_refused() {
        let encoded = Cursor::at_offset(41).encode_cursor();
        assert_eq!(offset("after", Some(&encoded)).unwrap(), Some(41));
        assert!(offset("after", Some(&"bm9wZQ".to_owned())).is_err());
        assert!(offset("after", Some(&String::new())).is_err());
    }

    #[test]
    fn page_sizes_outside_the_range_are_refused() {
        assert_eq!(page_size("first", Some(100)).unwrap(), Some(100));
        assert!(page_size("first", Some(101)).is_err());
        assert!(page_size("last", Some(-1)).is_err());
    }
}
