//! Lists read a page at a time from a position (keyset, or seek, pagination): a page starts after the
//! sort keys of the row before it, not after a count of rows, so a page deep in a list reads what the
//! first page reads, through the same index, and rows added or removed before it do not shift it.
//!
//! SeaORM's own `Cursor` compares plain columns of one table in one direction. Lists here also order by
//! expressions over joined tables (a credential's holder name), mix directions (newest first, then id)
//! and order by values that may be missing (a founding date), which always come last. The first key is
//! also bounded on its own (`name >= $1 AND (…)`), so that a database starts its index range there
//! rather than filtering its way along the list from the top.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, NullOrdering, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, Order,
    QueryFilter, QueryOrder, QueryResult, QuerySelect, QueryTrait, RelationDef, Select, Value,
};
use serde_json::Value as Json;
use uuid::Uuid;

/// What a sort key holds: how its values are read from a row, bound in a comparison and written in a
/// cursor.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// Text (names, codes).
    Text,
    /// A calendar date.
    Date,
    /// An instant.
    Time,
    /// A row's id.
    Id,
}

/// A key's value at one row, `None` where the row has none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyValue {
    Text(Option<String>),
    Date(Option<NaiveDate>),
    Time(Option<DateTime<Utc>>),
    Id(Option<Uuid>),
}

impl KeyValue {
    fn is_null(&self) -> bool {
        match self {
            Self::Text(value) => value.is_none(),
            Self::Date(value) => value.is_none(),
            Self::Time(value) => value.is_none(),
            Self::Id(value) => value.is_none(),
        }
    }

    fn bound(&self) -> Value {
        match self {
            Self::Text(value) => value.clone().into(),
            Self::Date(value) => (*value).into(),
            Self::Time(value) => (*value).into(),
            Self::Id(value) => (*value).into(),
        }
    }

    /// The value as written in a cursor.
    pub fn to_json(&self) -> Json {
        match self {
            Self::Text(value) => value.clone().into(),
            Self::Date(value) => value.map(|date| date.to_string()).into(),
            Self::Time(value) => value.map(|time| time.to_rfc3339()).into(),
            Self::Id(value) => value.map(|id| id.to_string()).into(),
        }
    }

    /// A value of `kind` as written in a cursor, if it is one.
    pub fn from_json(kind: KeyKind, json: &Json) -> Option<Self> {
        let text = match json {
            Json::Null => None,
            Json::String(text) => Some(text.as_str()),
            _ => return None,
        };
        Some(match (kind, text) {
            (KeyKind::Text, text) => Self::Text(text.map(str::to_owned)),
            (KeyKind::Date, None) => Self::Date(None),
            (KeyKind::Date, Some(text)) => Self::Date(Some(text.parse().ok()?)),
            (KeyKind::Time, None) => Self::Time(None),
            (KeyKind::Time, Some(text)) => {
                Self::Time(Some(DateTime::parse_from_rfc3339(text).ok()?.with_timezone(&Utc)))
            }
            (KeyKind::Id, None) => Self::Id(None),
            (KeyKind::Id, Some(text)) => Self::Id(Some(text.parse().ok()?)),
        })
    }

    fn read(kind: KeyKind, row: &QueryResult, alias: &str) -> Result<Self, DbErr> {
        Ok(match kind {
            KeyKind::Text => Self::Text(row.try_get("", alias)?),
            KeyKind::Date => Self::Date(row.try_get("", alias)?),
            KeyKind::Time => Self::Time(row.try_get("", alias)?),
            KeyKind::Id => Self::Id(row.try_get("", alias)?),
        })
    }
}

/// One key of a list's order.
#[derive(Clone, Debug)]
pub struct SortKey {
    /// What the key is, in cursors: the table and column, or what an expression means.
    name: String,
    expr: SimpleExpr,
    kind: KeyKind,
    descending: bool,
    /// Rows may have no value; those come last in either direction.
    nullable: bool,
}

impl SortKey {
    /// Ascending by `expr`, which every row has; `name` tells orders apart in cursors.
    pub fn new(name: &str, expr: impl Into<SimpleExpr>, kind: KeyKind) -> Self {
        Self {
            name: name.to_owned(),
            expr: expr.into(),
            kind,
            descending: false,
            nullable: false,
        }
    }

    /// Ascending by `column`, which every row has.
    pub fn column(column: impl ColumnTrait, kind: KeyKind) -> Self {
        let name = format!("{}.{}", column.entity_name(), column.as_str());
        Self::new(&name, column.into_expr(), kind)
    }

    /// The same key, descending when `descending`.
    pub fn descending(self, descending: bool) -> Self {
        Self { descending, ..self }
    }

    /// The same key, for rows that may have no value: those come last in either direction.
    pub fn missing_last(self) -> Self {
        Self {
            nullable: true,
            ..self
        }
    }

    /// Whether `descending` holds when the list is read backwards (`reversed`).
    fn read_descending(&self, reversed: bool) -> bool {
        self.descending != reversed
    }

    /// Rows strictly after `value` by this key alone, read backwards when `reversed`.
    fn beyond(&self, value: &KeyValue, reversed: bool) -> Condition {
        let expr = self.expr.clone();
        // Missing values come last when read forwards, first when read backwards.
        let missing_first = self.nullable && reversed;
        let missing_last = self.nullable && !reversed;
        if value.is_null() {
            return match missing_first {
                true => Condition::all().add(expr.is_not_null()),
                false => Condition::all().add(Expr::val(false)),
            };
        }
        let bound = value.bound();
        let past = match self.read_descending(reversed) {
            true => expr.clone().lt(bound),
            false => expr.clone().gt(bound),
        };
        match missing_last {
            true => Condition::any().add(past).add(expr.is_null()),
            false => Condition::all().add(past),
        }
    }

    /// Rows at `value` by this key alone, or past it read backwards when `reversed`: the range a
    /// database can start an index at.
    fn from(&self, value: &KeyValue, reversed: bool) -> Condition {
        if value.is_null() {
            // The missing values are at one end: nothing to bound by.
            return Condition::all();
        }
        let expr = self.expr.clone();
        let bound = value.bound();
        let from = match self.read_descending(reversed) {
            true => expr.clone().lte(bound),
            false => expr.clone().gte(bound),
        };
        match self.nullable && !reversed {
            true => Condition::any().add(from).add(expr.is_null()),
            false => Condition::all().add(from),
        }
    }

    /// Rows with this key at `value`.
    fn at(&self, value: &KeyValue) -> SimpleExpr {
        match value.is_null() {
            true => self.expr.clone().is_null(),
            false => self.expr.clone().eq(value.bound()),
        }
    }
}

/// A list's order: its keys, the last of which tells every two rows apart (an id), and the joins its
/// keys read.
#[derive(Clone, Debug)]
pub struct ListOrder {
    keys: Vec<SortKey>,
    joins: Vec<RelationDef>,
}

impl ListOrder {
    /// By `keys`, the last of which is unique.
    pub fn by(keys: impl IntoIterator<Item = SortKey>) -> Self {
        Self {
            keys: keys.into_iter().collect(),
            joins: Vec::new(),
        }
    }

    /// The same order, reading its keys through `join` (a left join: a row without one still lists).
    pub fn joining(mut self, join: RelationDef) -> Self {
        self.joins.push(join);
        self
    }

    /// What tells this order from another list's or another direction's, in its cursors.
    pub fn signature(&self) -> String {
        self.keys
            .iter()
            .map(|key| format!("{}{}", key.name, if key.descending { "-" } else { "+" }))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The kinds of its keys, in order.
    pub fn kinds(&self) -> impl Iterator<Item = KeyKind> + '_ {
        self.keys.iter().map(|key| key.kind)
    }

    /// `rows` in this order (with the joins it needs), read backwards when `reversed`.
    pub fn apply<E: EntityTrait>(&self, rows: Select<E>, reversed: bool) -> Select<E> {
        let mut rows = self
            .joins
            .iter()
            .fold(rows, |rows, join| rows.join(JoinType::LeftJoin, join.clone()));
        for key in &self.keys {
            let order = match key.read_descending(reversed) {
                true => Order::Desc,
                false => Order::Asc,
            };
            rows = match key.nullable {
                true => {
                    let nulls = if reversed {
                        NullOrdering::First
                    } else {
                        NullOrdering::Last
                    };
                    rows.order_by_with_nulls(key.expr.clone(), order, nulls)
                }
                false => rows.order_by(key.expr.clone(), order),
            };
        }
        rows
    }

    /// The rows that come after `position` in this order, or before it when `reversed`.
    pub fn past(&self, position: &[KeyValue], reversed: bool) -> Condition {
        let mut past = Condition::any();
        for (i, key) in self.keys.iter().enumerate() {
            let same_before = self.keys[..i]
                .iter()
                .zip(position)
                .fold(Condition::all(), |all, (key, value)| all.add(key.at(value)));
            if let Some(value) = position.get(i) {
                past = past.add(same_before.add(key.beyond(value, reversed)));
            }
        }
        match (self.keys.first(), position.first()) {
            (Some(key), Some(value)) => Condition::all().add(key.from(value, reversed)).add(past),
            _ => past,
        }
    }

    /// The alias of key `i` in a page's statement.
    fn alias(i: usize) -> String {
        format!("page_key_{i}")
    }

    /// `rows` selecting this order's keys as well, to write the cursors of a page.
    pub fn with_keys<E: EntityTrait>(&self, rows: Select<E>) -> Select<E> {
        self.keys.iter().enumerate().fold(rows, |rows, (i, key)| {
            rows.expr_as(key.expr.clone(), Self::alias(i))
        })
    }

    /// Reads the rows of `page` (built with [`Self::with_keys`]) with their positions.
    pub async fn read<E>(
        &self,
        db: &impl ConnectionTrait,
        page: Select<E>,
    ) -> Result<Vec<(E::Model, Vec<KeyValue>)>, DbErr>
    where
        E: EntityTrait,
        E::Model: FromQueryResult,
    {
        let rows = db.query_all(page.as_query()).await?;
        rows.iter()
            .map(|row| {
                let model = E::Model::from_query_result(row, "")?;
                let keys = self
                    .keys
                    .iter()
                    .enumerate()
                    .map(|(i, key)| KeyValue::read(key.kind, row, &Self::alias(i)))
                    .collect::<Result<_, _>>()?;
                Ok((model, keys))
            })
            .collect()
    }
}

/// A list: its rows, in no order (what is counted), and the order pages are read in.
pub struct Listing<E: EntityTrait> {
    /// Every row of the list.
    pub rows: Select<E>,
    /// The order of its pages.
    pub order: ListOrder,
}

impl<E: EntityTrait> Listing<E> {
    /// The whole list in its order, for reading it all (exports).
    pub fn ordered(self) -> Select<E> {
        self.order.apply(self.rows, false)
    }
}

/// Where a page is cut from its list: the list's order, read backwards or not, past one position and
/// short of another.
pub struct Cut<'a> {
    order: &'a ListOrder,
    reversed: bool,
    after: Option<Vec<KeyValue>>,
    before: Option<Vec<KeyValue>>,
}

impl<'a> Cut<'a> {
    /// Rows of `order` after `after` and before `before`, read from the end when `reversed`.
    pub fn new(
        order: &'a ListOrder,
        reversed: bool,
        after: Option<Vec<KeyValue>>,
        before: Option<Vec<KeyValue>>,
    ) -> Self {
        Self {
            order,
            reversed,
            after,
            before,
        }
    }

    /// The direction the page is read in, when the list is ordered by `column` first.
    pub fn direction_by(&self, column: impl ColumnTrait) -> Option<Order> {
        let first = self.order.keys.first()?;
        let name = format!("{}.{}", column.entity_name(), column.as_str());
        (first.name == name).then(|| match first.read_descending(self.reversed) {
            true => Order::Desc,
            false => Order::Asc,
        })
    }

    /// `rows` in the order the page is read in, between its positions (no limit: the caller sets it).
    pub fn apply<E: EntityTrait>(&self, mut rows: Select<E>) -> Select<E> {
        if let Some(after) = &self.after {
            rows = rows.filter(self.order.past(after, false));
        }
        if let Some(before) = &self.before {
            rows = rows.filter(self.order.past(before, true));
        }
        self.order.apply(rows, self.reversed)
    }
}
