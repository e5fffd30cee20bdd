//! Relay cursor connections over any SeaORM query.
//!
//! Cursors are opaque offsets into the ordered result: simple, stable for a given filter and order, and
//! enough for registries of this size. `totalCount` costs a `COUNT(*)` and runs only when selected.

use std::borrow::Cow;

use async_graphql::{
    Context, Object, OutputType, TypeName,
    connection::{CursorType, Edge, EmptyFields, PageInfo},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sea_orm::{EntityTrait, FromQueryResult, PaginatorTrait, QuerySelect, Select};

use crate::error::{ApiError, ApiResult};
use crate::graphql::types::db;
use crate::i18n::Message;

/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// Largest `first` or `last` accepted.
pub const MAX_PAGE_SIZE: u64 = 100;

/// Position of an item in an ordered list.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct OffsetCursor(u64);

impl CursorType for OffsetCursor {
    type Error = String;

    fn decode_cursor(s: &str) -> Result<Self, Self::Error> {
        let invalid = || "not a valid cursor".to_owned();
        let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let offset = text.strip_prefix("offset:").ok_or_else(invalid)?;
        offset.parse().map(OffsetCursor).map_err(|_| invalid())
    }

    fn encode_cursor(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("offset:{}", self.0))
    }
}

/// A page of `Node`s: a Relay connection named `<Node>Connection`.
pub struct Page<Node: OutputType> {
    edges: Vec<Edge<OffsetCursor, Node, EmptyFields>>,
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
    async fn edges(&self) -> &[Edge<OffsetCursor, Node, EmptyFields>] {
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
                .map(|(i, node)| Edge::new(OffsetCursor(start + i as u64), node))
                .collect(),
            has_previous_page: start > 0,
            has_next_page,
            total_count,
        }
    }
}

/// Where a page given `first` and `after` starts in its list, and how many items it holds.
pub fn forward_window(first: Option<i32>, after: Option<&String>) -> ApiResult<(u64, u64)> {
    let start = cursor("after", after)?.map_or(0, |after| after + 1);
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

fn cursor(field: &str, value: Option<&String>) -> ApiResult<Option<u64>> {
    value
        .map(|c| {
            OffsetCursor::decode_cursor(c)
                .map(|c| c.0)
                .map_err(|_| ApiError::bad_input(field, Message::new("cursor-invalid")))
        })
        .transpose()
}

/// Runs `select` for the page `args` asks for and wraps each row with `wrap`.
pub async fn paginate<E, Node>(
    ctx: &Context<'_>,
    select: Select<E>,
    args: PageArgs,
    wrap: impl Fn(E::Model) -> Node,
) -> ApiResult<Page<Node>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Sized + Send + Sync,
    Node: async_graphql::OutputType,
{
    paginate_within(ctx, select, |select, _| select, args, wrap).await
}

/// [`paginate`], reading the page from `within(select, window)`: the same list, which may be cheaper to
/// read when only its first `window` rows are wanted.
pub async fn paginate_within<E, Node>(
    ctx: &Context<'_>,
    select: Select<E>,
    within: impl FnOnce(Select<E>, u64) -> Select<E>,
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
    let lower = cursor("after", args.after.as_ref())?.map_or(0, |after| after + 1);
    let before = cursor("before", args.before.as_ref())?;

    let wants_total = ctx.look_ahead().field("totalCount").exists();
    let total = if wants_total || (last.is_some() && before.is_none()) {
        Some(select.clone().count(db).await?)
    } else {
        None
    };

    let (start, limit) = match last {
        Some(last) => {
            let upper = before.or(total).unwrap_or(lower);
            let start = upper.saturating_sub(last).max(lower);
            (start, upper.saturating_sub(start))
        }
        None => {
            let size = first.unwrap_or(DEFAULT_PAGE_SIZE);
            let size = before.map_or(size, |upper| size.min(upper.saturating_sub(lower)));
            (lower, size)
        }
    };

    // One extra row tells whether another page follows without a second query.
    let window = start + limit + 1;
    let mut rows = within(select, window)
        .offset(start)
        .limit(limit + 1)
        .all(db)
        .await?;
    let has_next_page = rows.len() as u64 > limit || before.is_some_and(|upper| start + limit < upper);
    rows.truncate(limit as usize);

    Ok(Page {
        edges: rows
            .into_iter()
            .enumerate()
            .map(|(i, row)| Edge::new(OffsetCursor(start + i as u64), wrap(row)))
            .collect(),
        has_previous_page: start > 0,
        has_next_page,
        total_count: total.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let encoded = OffsetCursor(41).encode_cursor();
        assert_eq!(OffsetCursor::decode_cursor(&encoded), Ok(OffsetCursor(41)));
        assert!(OffsetCursor::decode_cursor("bm9wZQ").is_err());
        assert!(OffsetCursor::decode_cursor("").is_err());
    }

    #[test]
    fn page_sizes_outside_the_range_are_refused() {
        assert_eq!(page_size("first", Some(100)).unwrap(), Some(100));
        assert!(page_size("first", Some(101)).is_err());
        assert!(page_size("last", Some(-1)).is_err());
    }
}
