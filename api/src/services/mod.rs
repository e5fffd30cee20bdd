//! Domain services: the queries and rules, one module per domain concept. They take a connection and
//! the viewer and return `ApiResult`; resolvers stay thin.

pub mod account;
pub mod agreement;
pub mod announcement;
pub mod audit;
pub mod brand;
pub mod bureau;
pub mod changes;
pub mod credential;
pub mod enterprise;
pub mod export;
pub mod geographic_indication;
pub mod import;
pub mod lifecycle;
pub mod listing;
pub mod objection;
pub mod person;
pub mod program;
pub mod proposal;
pub mod recognition;
pub mod region;
pub mod search;
pub mod statistics;
pub mod user;
pub mod verification;

use std::collections::HashMap;
use std::sync::Arc;

use sea_orm::{ColumnTrait, Condition, DbBackend, Order, sea_query::SimpleExpr};

pub use crate::db::{WriteTransaction, begin_write};
use crate::i18n::Message;

/// Sort direction of a list.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, async_graphql::Enum)]
pub enum SortDirection {
    /// Smallest first (A→Z, oldest first).
    #[default]
    Asc,
    /// Largest first (Z→A, newest first).
    Desc,
}

impl SortDirection {
    /// The SQL order.
    pub fn order(self) -> Order {
        match self {
            Self::Asc => Order::Asc,
            Self::Desc => Order::Desc,
        }
    }
}

/// A `nameContains` term, folded once, with the backend whose index is to answer it.
#[derive(Clone, Debug)]
pub struct NameTerm {
    folded: String,
    backend: DbBackend,
    /// The gram it is looked up by, taken unweighed until [`NameTerm::weighed`].
    key: GramKey,
}

impl NameTerm {
    /// `text` as a term searched on `backend`.
    pub fn new(backend: DbBackend, text: &str) -> Self {
        let folded = crate::domain::text::fold(text);
        Self {
            key: GramKey::unweighed(&folded),
            folded,
            backend,
        }
    }

    /// The term, looked up by the gram fewest rows hold among those whose gram form is `grams`: a
    /// large table's filter weighs its term first.
    pub async fn weighed(
        self,
        db: &impl sea_orm::ConnectionTrait,
        weights: &GramWeights,
        grams: impl ColumnTrait,
    ) -> Result<Self, sea_orm::DbErr> {
        let key = GramKey::weighed(db, weights, grams, &self.folded).await?;
        Ok(Self { key, ..self })
    }

    /// The backend whose index answers the term.
    pub fn backend(&self) -> DbBackend {
        self.backend
    }

    /// The rows of [`NAME_PAIRS`] holding the term's pair ([`GramKey::pair`]) whose name contains the
    /// term ([`holding_pair`]), when it is read that way.
    pub fn pair_holders(&self) -> Option<Condition> {
        let pair = self.key.pair(self.backend)?;
        Some(holding_pair(pair, &self.folded))
    }

    /// The branches of [`name_branches`] on enterprises' names without the one finding the term after a
    /// name's start: the start of the name, and former names containing the term.
    pub fn start_and_former_names<C: ColumnTrait>(&self, name: C, former: C, grams: C) -> Vec<Branch> {
        let held = self.key.held(self.backend, grams, true);
        let contained = contains(self.backend, former, &self.folded);
        vec![
            Branch::First(starts_with(name, &self.folded).into()),
            Branch::All(Condition::all().add(held).add(contained)),
        ]
    }
}

/// From about this many rows holding a gram on, the gram is common: the first rows in order that hold
/// it are found by walking the order (they are spread out, so few rows are read), not by reading every
/// row that holds it and sorting them. Below it, reading them all costs at most this many rows, however
/// they cluster in the order; a walk would pass every row before the cluster.
pub const COMMON_GRAM_ROWS: u64 = 20_000;

/// The grams a term is looked up by in a table's grams ([`crate::domain::text::key_candidates`]):
/// every row containing the term holds them all, so the index intersects their rows; and how many
/// rows hold the rarest of them there.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GramKey {
    /// Empty when the term has no gram to be looked up by (trigrams serve it).
    pub grams: Vec<String>,
    /// How many rows hold the rarest, as far as is known.
    pub holders: Holders,
    /// The rarest, once weighed.
    pub rarest: Option<String>,
}

/// How many rows hold a term's rarest key gram, which bounds how many hold them all and decides how
/// they are read ([`GramKey::branch`]).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Holders {
    /// Not weighed (a small table): the database reads them as it sees fit.
    #[default]
    Unweighed,
    /// Fewer than about [`COMMON_GRAM_ROWS`]: read whole and sorted.
    Few,
    /// About [`COMMON_GRAM_ROWS`] or more: found by walking the order.
    Many,
}

impl GramKey {
    /// The key of `folded` without asking the table (for small tables).
    pub fn unweighed(folded: &str) -> Self {
        Self {
            grams: crate::domain::text::key_candidates(folded),
            holders: Holders::Unweighed,
            rarest: None,
        }
    }

    /// The branch finding the rows that contain the term (`contained`), those that hold the key being
    /// `held`.
    pub fn branch(&self, held: Condition, contained: Condition) -> Branch {
        match self.holders {
            // A walk of the order, checking each row: the gram condition would tempt the planner to read
            // every row that holds it instead.
            Holders::Many => Branch::First(contained),
            Holders::Unweighed => Branch::First(Condition::all().add(held).add(contained)),
            Holders::Few => Branch::Few(Condition::all().add(held).add(contained)),
        }
    }

    /// The key of `folded` in the table whose gram form is `grams`, weighed by its rarest candidate,
    /// as `weights` last weighed them.
    pub async fn weighed(
        db: &impl sea_orm::ConnectionTrait,
        weights: &GramWeights,
        grams: impl ColumnTrait,
        folded: &str,
    ) -> Result<Self, sea_orm::DbErr> {
        let candidates = crate::domain::text::key_candidates(folded);
        let rows = weights.holders(db, grams, &candidates).await?;
        let Some((rarest, held)) = candidates
            .iter()
            .zip(rows)
            .min_by(|(_, a), (_, b)| a.total_cmp(b))
        else {
            return Ok(Self::default());
        };
        Ok(Self {
            rarest: Some(rarest.clone()),
            holders: match held >= COMMON_GRAM_ROWS as f64 {
                true => Holders::Many,
                false => Holders::Few,
            },
            grams: candidates,
        })
    }

    /// The gram the term is read by in [`NAME_PAIRS`] on `backend`: the rarest, once weighed, when it is
    /// a pair and the backend PostgreSQL (the only one with the table).
    pub fn pair(&self, backend: DbBackend) -> Option<&str> {
        let rarest = self.rarest.as_deref()?;
        (backend == DbBackend::Postgres && rarest.chars().count() == 2).then_some(rarest)
    }

    /// Rows whose gram form `column` holds every key gram, among the current name's grams or
    /// (`former`) among the former names' (pooled: the name itself is checked after): [`has_all_grams`].
    pub fn held(&self, backend: DbBackend, column: impl ColumnTrait, former: bool) -> SimpleExpr {
        match former {
            true => {
                let marked: Vec<String> = self
                    .grams
                    .iter()
                    .map(|gram| crate::domain::text::former_gram(gram))
                    .collect();
                has_all_grams(backend, column, &marked)
            }
            false => has_all_grams(backend, column, &self.grams),
        }
    }
}

/// How long a gram's weight is kept: PostgreSQL's statistics change only when the table is analysed
/// again (after enough writes), and a count on SQLite only decides how rows are read, never which.
const WEIGHT_KEPT: std::time::Duration = std::time::Duration::from_secs(600);
/// How many grams' counts are kept at most on SQLite (the least recently used go first).
const WEIGHTS_KEPT: std::num::NonZeroUsize = match std::num::NonZeroUsize::new(20_000) {
    Some(grams) => grams,
    None => std::num::NonZeroUsize::MIN,
};

/// How many rows hold each gram a term is looked up by, per table, so that weighing a term costs no
/// statement most of the time (autocomplete asks the same few keys over and over, and every new term
/// is weighed before it is read). Schema data, shared by every request on one database.
pub struct GramWeights {
    /// SQLite: the rows counted holding each gram recently weighed, by table and gram.
    counted: std::sync::Mutex<lru::LruCache<(String, String), (f64, std::time::Instant)>>,
    /// PostgreSQL: each table's gram statistics ([`GramStatistics`]), as last read.
    statistics: std::sync::Mutex<HashMap<String, (Arc<GramStatistics>, std::time::Instant)>>,
}

impl Default for GramWeights {
    fn default() -> Self {
        Self {
            counted: std::sync::Mutex::new(lru::LruCache::new(WEIGHTS_KEPT)),
            statistics: std::sync::Mutex::new(HashMap::new()),
        }
    }
}

impl GramWeights {
    /// About how many rows hold each of `candidates` after the start of their name, in their gram form
    /// `grams` (former names are few). On PostgreSQL, as its planner estimates them from the table's
    /// statistics ([`GramStatistics`]), read once and kept for every term. On SQLite, counted in the
    /// grams index (which holds the rows' ids) up to [`COMMON_GRAM_ROWS`], all candidates in one
    /// statement, and kept.
    pub async fn holders(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        grams: impl ColumnTrait,
        candidates: &[String],
    ) -> Result<Vec<f64>, sea_orm::DbErr> {
        if db.get_database_backend() == DbBackend::Postgres {
            let statistics = self.statistics(db, grams).await?;
            return Ok(candidates.iter().map(|gram| statistics.holders(gram)).collect());
        }
        let table = grams.entity_name().to_string();
        let keys: Vec<(String, String)> = candidates
            .iter()
            .map(|gram| (table.clone(), gram.clone()))
            .collect();
        let kept: Option<Vec<f64>> = {
            let mut counted = lock(&self.counted);
            keys.iter()
                .map(|key| match counted.get(key) {
                    Some((rows, at)) if at.elapsed() < WEIGHT_KEPT => Some(*rows),
                    _ => None,
                })
                .collect()
        };
        if let Some(rows) = kept {
            return Ok(rows);
        }
        let rows = counted_holders(db, &table, candidates).await?;
        let now = std::time::Instant::now();
        let mut counted = lock(&self.counted);
        for (key, held) in keys.into_iter().zip(&rows) {
            counted.put(key, (*held, now));
        }
        Ok(rows)
    }

    /// The statistics of the gram form `grams` on PostgreSQL: as kept when read less than
    /// [`WEIGHT_KEPT`] ago, else read again.
    async fn statistics(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        grams: impl ColumnTrait,
    ) -> Result<Arc<GramStatistics>, sea_orm::DbErr> {
        let table = grams.entity_name().to_string();
        if let Some((statistics, at)) = lock(&self.statistics).get(&table)
            && at.elapsed() < WEIGHT_KEPT
        {
            return Ok(Arc::clone(statistics));
        }
        let statistics = Arc::new(GramStatistics::read(db, &table).await?);
        lock(&self.statistics).insert(table, (Arc::clone(&statistics), std::time::Instant::now()));
        Ok(statistics)
    }
}

/// A mutex's value, also after a panic elsewhere while it was held: a weight is only ever replaced
/// whole, so it cannot be left half-written.
fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What PostgreSQL's planner knows of a table's grams (`pg_stats` of its grams index, gathered by
/// `ANALYZE`): how many rows the table has, and the share of them holding each of its commonest grams.
/// The planner takes a gram it does not list to be held by half the share of the rarest it lists, at
/// most [`UNLISTED_SHARE`]; so does this, so the weight is the planner's estimate without asking for a
/// plan (an `EXPLAIN` per gram of every term not weighed lately took a round trip and a plan, about a
/// millisecond, each; a four-character term has two).
#[derive(Debug, Default)]
struct GramStatistics {
    /// The rows of the table, as last counted by `ANALYZE` or `VACUUM` (none before).
    rows: f64,
    /// The share of the rows holding each gram listed.
    shares: HashMap<String, f64>,
    /// The share of the rows taken to hold a gram not listed.
    unlisted: f64,
}

/// The share of rows the planner takes to hold a gram its statistics do not list, at most
/// (`DEFAULT_CONTAIN_SEL` in PostgreSQL's `array_selfuncs.c`), and for every gram before the table
/// was first analysed.
const UNLISTED_SHARE: f64 = 0.005;

impl GramStatistics {
    /// From the rows of the table and its grams index's statistics: the grams listed (commonest first)
    /// and their shares, followed by the smallest and largest share and the share of rows without
    /// grams, as `pg_stats` gives them.
    fn new(rows: f64, listed: Vec<String>, shares: &[f32]) -> Self {
        let rarest = shares.get(listed.len()).map(|share| f64::from(*share));
        Self {
            rows: rows.max(0.0),
            unlisted: rarest.map_or(UNLISTED_SHARE, |rarest| (rarest / 2.0).min(UNLISTED_SHARE)),
            shares: listed
                .into_iter()
                .zip(shares.iter().map(|share| f64::from(*share)))
                .collect(),
        }
    }

    /// Reads the statistics of `table`'s grams index (`idx_<table>_name_grams`).
    async fn read(db: &impl sea_orm::ConnectionTrait, table: &str) -> Result<Self, sea_orm::DbErr> {
        use sea_orm::Statement;
        #[derive(sea_orm::FromQueryResult)]
        struct Read {
            rows: f64,
            grams: Option<Vec<String>>,
            shares: Option<Vec<f32>>,
        }
        // The index's statistics are those of its expression: the grams as an array.
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT t.reltuples::float8 AS rows, s.most_common_elems::text::text[] AS grams, \
             s.most_common_elem_freqs AS shares \
             FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace \
             LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = $2 \
             WHERE t.oid = to_regclass($1)",
            [table.into(), format!("idx_{table}_name_grams").into()],
        );
        let read = <Read as sea_orm::FromQueryResult>::find_by_statement(statement)
            .one(db)
            .await?;
        Ok(match read {
            Some(read) => Self::new(
                read.rows,
                read.grams.unwrap_or_default(),
                &read.shares.unwrap_or_default(),
            ),
            None => Self::default(),
        })
    }

    /// About how many rows hold `gram`.
    fn holders(&self, gram: &str) -> f64 {
        self.rows * self.shares.get(gram).copied().unwrap_or(self.unlisted)
    }
}

/// How many rows of `table` hold each of `candidates` in their grams, counted in its FTS5 grams table
/// up to [`COMMON_GRAM_ROWS`] (SQLite).
async fn counted_holders(
    db: &impl sea_orm::ConnectionTrait,
    table: &str,
    candidates: &[String],
) -> Result<Vec<f64>, sea_orm::DbErr> {
    use sea_orm::FromQueryResult;
    use sea_orm::sea_query::{Alias, Expr, Func, Query, UnionType};
    let Some(union) = candidates
        .iter()
        .enumerate()
        .map(|(i, gram)| {
            let holding = gram_matches(table, std::slice::from_ref(gram))
                .limit(COMMON_GRAM_ROWS)
                .to_owned();
            Query::select()
                .expr_as(Expr::val(i as i64), Alias::new("candidate"))
                .expr_as(Func::count(Expr::val(1)), Alias::new("holders"))
                .from_subquery(holding, Alias::new("holding"))
                .to_owned()
        })
        .reduce(|mut union, next| union.union(UnionType::All, next).to_owned())
    else {
        return Ok(Vec::new());
    };
    #[derive(FromQueryResult)]
    struct Holders {
        candidate: i64,
        holders: i64,
    }
    let mut rows = vec![0.0; candidates.len()];
    let backend = db.get_database_backend();
    for counted in Holders::find_by_statement(backend.build(&union)).all(db).await? {
        if let Some(row) = usize::try_from(counted.candidate)
            .ok()
            .and_then(|i| rows.get_mut(i))
        {
            *row = counted.holders as f64;
        }
    }
    Ok(rows)
}

/// Rows whose folded `name` or folded former names (`former`, when the rows have them) contain the
/// term: any of [`name_branches`], each looked up in its index. (A condition reads every match, as a
/// count does: walking the order would read every row, however common the key.)
pub fn names_contain<C: ColumnTrait>(name: C, former: Option<C>, grams: C, term: &NameTerm) -> Condition {
    let looked_up = NameTerm {
        key: GramKey {
            holders: Holders::Unweighed,
            ..term.key.clone()
        },
        ..term.clone()
    };
    name_branches(name, former, grams, &looked_up)
        .into_iter()
        .map(Branch::into_condition)
        .fold(Condition::any(), Condition::add)
}

/// The ways a row's names contain the term, each served by one index. `grams` is the rows' gram form,
/// made from exactly those names. A name that starts with the term is found by [`starts_with`]; the
/// term anywhere is found by its key grams ([`GramKey`]), each row that holds them checked for the term,
/// or, when the key is common, by walking the order checking each row. A term without a key gram is
/// found in each name's trigram index.
pub fn name_branches<C: ColumnTrait>(name: C, former: Option<C>, grams: C, term: &NameTerm) -> Vec<Branch> {
    if term.key.grams.is_empty() {
        let pattern = format!("%{}%", crate::domain::text::escape_like(&term.folded));
        return std::iter::once(name)
            .chain(former)
            .map(|column| {
                Branch::First(indexed_like(term.backend, column, pattern.clone(), &term.folded).into())
            })
            .collect();
    }
    let contained = std::iter::once(name)
        .chain(former)
        .fold(Condition::any(), |any, column| {
            any.add(contains(term.backend, column, &term.folded))
        });
    let held = std::iter::once(false)
        .chain(former.map(|_| true))
        .fold(Condition::any(), |any, former| {
            any.add(term.key.held(term.backend, grams, former))
        });
    let anywhere = term.key.branch(held, contained);
    vec![Branch::First(starts_with(name, &term.folded).into()), anywhere]
}

/// The table of each enterprise's name pairs beside its folded name, keyed in that order (PostgreSQL
/// only: migration `m20261206_000021_enterprise_name_pairs`).
pub const NAME_PAIRS: &str = "enterprise_name_pair";

/// A column of [`NAME_PAIRS`].
pub fn name_pair(column: &str) -> (sea_orm::sea_query::Alias, sea_orm::sea_query::Alias) {
    use sea_orm::sea_query::Alias;
    (Alias::new(NAME_PAIRS), Alias::new(column))
}

/// Rows of [`NAME_PAIRS`] of `pair` whose name contains `needle`: a range of its key, in name order,
/// each checked there.
pub fn holding_pair(pair: &str, needle: &str) -> Condition {
    use sea_orm::sea_query::{Expr, ExprTrait};
    Condition::all()
        .add(Expr::col(name_pair("pair")).eq(pair))
        .add(contains_in(
            DbBackend::Postgres,
            NAME_PAIRS,
            "name_normalized",
            needle,
        ))
}

/// One way rows meet a condition, and how [`among_first`] reads them.
#[derive(Clone, Debug)]
pub enum Branch {
    /// The first rows in the list's order that meet the condition: the database chooses the index (a
    /// range read in order; or, for a condition most rows meet, a walk of the order).
    First(Condition),
    /// Every row that meets the condition, read from its index and then ordered with the rest: for a
    /// condition known to hold for few rows. A planner expecting them often would walk the order, and
    /// pass every row before the place where they cluster.
    Few(Condition),
    /// Every row that meets the condition, unordered and unlimited: for a condition that holds for very
    /// few rows whatever the term, whose rows all go to the page's query.
    All(Condition),
    /// The ids (as `id`) of the rows in the list's order, read in that order by a statement of their
    /// own from another table's index; for a list of every row of its table (no filters of its own),
    /// whose first rows meeting the condition are the statement's first.
    Listed {
        /// The list's table, whose `id` the statement lists.
        table: &'static str,
        ids: Box<sea_orm::sea_query::SelectStatement>,
    },
}

impl Branch {
    /// The condition, whichever way it is read.
    pub fn into_condition(self) -> Condition {
        match self {
            Self::First(condition) | Self::Few(condition) | Self::All(condition) => condition,
            Self::Listed { table, ids } => {
                use sea_orm::sea_query::{Alias, Expr, ExprTrait};
                Condition::all().add(Expr::col((Alias::new(table), Alias::new("id"))).in_subquery(*ids))
            }
        }
    }
}

/// Rows whose `column` contains `needle`: `strpos` on PostgreSQL, `instr` on SQLite. No index serves
/// it, which is the point: it is checked on rows another index found, or on each row of an order walked,
/// and a planner cannot choose a trigram index that holds nothing for a short needle.
pub fn contains(backend: DbBackend, column: impl ColumnTrait, needle: &str) -> SimpleExpr {
    contains_in(
        backend,
        &column.entity_name().to_string(),
        column.as_str(),
        needle,
    )
}

/// [`contains`] on column `column` of table `table`, named.
fn contains_in(backend: DbBackend, table: &str, column: &str, needle: &str) -> SimpleExpr {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let function = match backend {
        DbBackend::Postgres => "strpos",
        _ => "instr",
    };
    let placeholder = match backend {
        DbBackend::Postgres => "$1",
        _ => "?",
    };
    Expr::cust_with_values(
        format!("{function}(\"{table}\".\"{column}\", {placeholder})"),
        [needle],
    )
    .gt(0)
}

/// Rows whose `column` is one of `values`: `= ANY($1)` with the values as one array on PostgreSQL, so
/// that a thousand codes are one parameter to encode and bind and one statement to plan, whatever
/// their number; an `IN` list on SQLite, which has no arrays.
pub fn one_of<V>(backend: DbBackend, column: impl ColumnTrait, values: Vec<V>) -> SimpleExpr
where
    V: Into<sea_orm::Value>,
    Vec<V>: Into<sea_orm::Value>,
{
    use sea_orm::sea_query::{Expr, ExprTrait, extension::postgres::PgFunc};
    match backend {
        DbBackend::Postgres => Expr::col(column.as_column_ref()).eq(PgFunc::any(Expr::val(values))),
        _ => column.is_in(values),
    }
}

/// Rows whose `column` starts with `prefix`: a range on the column's ordinary index, which also yields
/// the rows in the column's order. Text is compared by code point on both backends (SQLite's `BINARY`,
/// PostgreSQL's `C` or `C.UTF-8` collation), so every text starting with `prefix` lies between it and
/// it followed by the last code point.
pub fn starts_with(column: impl ColumnTrait, prefix: &str) -> SimpleExpr {
    use sea_orm::sea_query::ExprTrait;
    column
        .gte(prefix)
        .and(column.lt(format!("{prefix}{}", char::MAX)))
}

/// Rows among the first `limit` of `ordered` (a query with its filters and order) that meet any of
/// `branches`: `id IN (the first of branch 1 UNION ALL the first of branch 2 …)`. Each branch is its
/// own query, so the database answers each from the index that suits it (a range in order, a gram
/// lookup) instead of one plan for their `OR`, which must either walk the order past clustered matches
/// or fetch and sort every match. A page of at most `limit` rows from the top of `ordered` filtered by
/// this condition is the page of `ordered` filtered by the branches' `OR`.
pub fn among_first<E: sea_orm::EntityTrait>(
    backend: DbBackend,
    ordered: &sea_orm::Select<E>,
    id: E::Column,
    branches: impl IntoIterator<Item = Branch>,
    limit: u64,
) -> SimpleExpr {
    use sea_orm::sea_query::{Alias, Asterisk, Query, UnionType};
    use sea_orm::{IdenStatic, QueryFilter, QuerySelect, QueryTrait};
    let table = Alias::new(id.entity_name().to_string());
    let firsts = branches.into_iter().enumerate().map(|(i, branch)| {
        let matching = ordered.clone().select_only().column(id);
        let first = match branch {
            Branch::Few(condition) if backend == DbBackend::Postgres => {
                // Every matching row, read behind `OFFSET 0`, which PostgreSQL's planner does not look
                // through: it cannot walk the order instead. The rows keep the table's name, so the
                // order (and the list's own filters, checked again) still name their columns.
                let mut every = matching.clone().filter(condition).into_query();
                every
                    .clear_selects()
                    .column((table.clone(), Asterisk))
                    .clear_order_by()
                    .offset(0);
                let mut first = matching.limit(limit).into_query();
                first.from_clear().from_subquery(every, table.clone());
                first
            }
            Branch::All(condition) => {
                let mut all = matching.filter(condition).into_query();
                all.clear_order_by();
                all
            }
            Branch::Listed { mut ids, .. } => ids.limit(limit).to_owned(),
            // SQLite reads a few rows an index names and sorts them by itself: it never walks an order
            // to find them.
            Branch::First(condition) | Branch::Few(condition) => {
                matching.filter(condition).limit(limit).into_query()
            }
        };
        // Wrapped, since SQLite allows no ORDER BY or LIMIT on an arm of a compound select.
        Query::select()
            .column(Alias::new(id.as_str()))
            .from_subquery(first, Alias::new(format!("branch_{i}")))
            .to_owned()
    });
    let union = firsts.reduce(|mut union, next| union.union(UnionType::All, next).to_owned());
    match union {
        Some(union) => id.in_subquery(union),
        None => sea_orm::sea_query::Expr::val(false),
    }
}

/// Rows whose gram form `grams` holds every one of `tokens` as a whole token (a gram after the start of
/// the name, or a former name's: see [`crate::domain::text::grams`]), answered from the grams index,
/// which intersects the rows of each: a GIN index on the grams as an array on PostgreSQL, the
/// `<table>_grams` FTS5 table on SQLite.
pub fn has_all_grams(backend: DbBackend, grams: impl ColumnTrait, tokens: &[String]) -> SimpleExpr {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait};
    let table = grams.entity_name().to_string();
    let column = grams.as_str();
    if backend == DbBackend::Postgres {
        // The expression of the index, so that the planner matches it, containing the tokens as an
        // array (they hold no space). `$1`, not `ARRAY[…]`: sea-query reads brackets as quoted names.
        return Expr::cust_with_values(
            format!("string_to_array(\"{table}\".\"{column}\", ' ') @> string_to_array($1, ' ')"),
            [tokens.join(" ")],
        );
    }
    let matching = gram_matches(&table, tokens);
    Expr::col((Alias::new(table), Alias::new("rowid"))).in_subquery(matching)
}

/// The rowids of `table`'s rows whose grams hold all of `tokens`, from its FTS5 grams table (SQLite).
fn gram_matches(table: &str, tokens: &[String]) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Alias, Expr, Query};
    let fts = format!("{table}_grams");
    // FTS5 phrases, each a token (letters, digits and the former-name mark, never a quote).
    let phrases: Vec<String> = tokens.iter().map(|token| format!("\"{token}\"")).collect();
    Query::select()
        .column(Alias::new("rowid"))
        .from(Alias::new(&fts))
        .and_where(Expr::cust_with_values(
            format!("\"{fts}\" MATCH ?"),
            [phrases.join(" AND ")],
        ))
        .to_owned()
}

/// `column LIKE pattern` (escaped by `\`), answered from the column's trigram index. PostgreSQL's
/// planner uses its `pg_trgm` index by itself. On SQLite the table's FTS5 trigram index
/// (`<table>_search`) finds the rows when `needle`, the text between the wildcards, has three
/// characters or more and nothing to escape: FTS5 cannot look up shorter text and ignores `ESCAPE`, so
/// other patterns run on the table itself.
pub fn indexed_like(
    backend: DbBackend,
    column: impl ColumnTrait,
    pattern: String,
    needle: &str,
) -> SimpleExpr {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, LikeExpr, Query};
    let fts_can_answer =
        backend == DbBackend::Sqlite && needle.chars().count() >= 3 && !needle.contains(['%', '_', '\\']);
    if !fts_can_answer {
        return Expr::col(column).like(LikeExpr::new(pattern).escape('\\'));
    }
    let table = column.entity_name().to_string();
    let matching = Query::select()
        .column(Alias::new("rowid"))
        .from(Alias::new(format!("{table}_search")))
        .and_where(Expr::col(Alias::new(column.as_str())).like(pattern))
        .to_owned();
    Expr::col((Alias::new(table), Alias::new("rowid"))).in_subquery(matching)
}

/// A problem with the input the caller can fix; returned in the payload's `userErrors`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserError {
    /// Path to the input field, e.g. `["input", "username"]`.
    pub field: Vec<String>,
    /// What is wrong, said in the caller's language when the answer is written.
    pub message: Message,
    /// Machine code: `INVALID`, `TAKEN`, `NOT_FOUND`, `NOT_ALLOWED_ON_SELF`, `STALE`, `CONFLICT`,
    /// `NOTICE_NOT_ENDED`, `CAP_REACHED`.
    pub code: &'static str,
}

impl UserError {
    /// An error on `input.<field>`.
    pub fn new(field: &str, code: &'static str, message: Message) -> Self {
        Self {
            field: vec!["input".to_owned(), field.to_owned()],
            message,
            code,
        }
    }
}

/// The outcome of a change: the changed row, or what to fix.
pub type Change<T> = crate::error::ApiResult<Result<T, Vec<UserError>>>;

/// Longest name accepted (of an enterprise, person, brand, indication, bureau, agreement), in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest other free text accepted (addresses, reasons, grounds, codes), in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;

/// Refuses input field `field` (a path under `input`) when `value` is longer than `max` characters:
/// `BAD_USER_INPUT` naming the field, before anything is looked up or stored.
pub fn limit(field: &str, value: Option<&str>, max: usize) -> crate::error::ApiResult<()> {
    match value.map(|value| value.chars().count()) {
        Some(length) if length > max => Err(crate::error::ApiError::bad_input(
            format!("input.{field}"),
            Message::new("value-too-long")
                .with("max", max)
                .with("length", length),
        )),
        _ => Ok(()),
    }
}

/// Trimmed text, or `None` when nothing is left.
pub fn optional_text(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Writes `change` to row `id` only if its `version_column` still holds `expected_version`: the check
/// and the write are one statement, so of two concurrent edits of one version exactly one wins. The
/// loser gets `CONFLICT` with the version now current.
pub async fn versioned_update<E>(
    txn: &impl sea_orm::ConnectionTrait,
    change: E::ActiveModel,
    id: uuid::Uuid,
    version_column: E::Column,
    expected_version: i32,
) -> crate::error::ApiResult<E::Model>
where
    E: sea_orm::EntityTrait,
    E::Model: sea_orm::IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + Send,
    E::PrimaryKey: sea_orm::PrimaryKeyTrait<ValueType = uuid::Uuid>,
{
    use sea_orm::{ColumnTrait, ModelTrait, QueryFilter};
    let updated = E::update(change)
        .validate()?
        .filter(version_column.eq(expected_version))
        .exec(txn)
        .await;
    match updated {
        Ok(model) => Ok(model),
        Err(sea_orm::DbErr::RecordNotUpdated) => {
            let current = E::find_by_id(id)
                .one(txn)
                .await?
                .and_then(|model| match model.get(version_column) {
                    sea_orm::Value::Int(version) => version,
                    _ => None,
                })
                .unwrap_or(expected_version);
            Err(crate::error::ApiError::StaleVersion { current })
        }
        Err(err) => Err(err.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The weight of a gram is the planner's estimate: its listed share of the rows, or half the
    /// rarest listed share (at most the planner's default) for a gram rarer than any listed.
    #[test]
    fn a_gram_is_weighed_as_the_planner_estimates_it() {
        let listed = vec!["有限".to_owned(), "公司".to_owned()];
        let statistics = GramStatistics::new(1_000_000.0, listed, &[0.9, 0.02, 0.002, 0.9, 0.0]);
        assert_eq!(statistics.holders("有限"), 1_000_000.0 * f64::from(0.9_f32));
        assert_eq!(
            statistics.holders("连州"),
            1_000_000.0 * f64::from(0.002_f32) / 2.0
        );
        let common = GramStatistics::new(1_000_000.0, vec!["有限".to_owned()], &[0.9, 0.9, 0.9, 0.0]);
        assert_eq!(common.holders("连州"), 1_000_000.0 * UNLISTED_SHARE);
        let never_analysed = GramStatistics::new(-1.0, Vec::new(), &[]);
        assert_eq!(never_analysed.holders("连州"), 0.0);
    }
}
