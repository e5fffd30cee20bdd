//! Domain services: the queries and rules, one module per domain concept. They take a connection and
//! the viewer and return `ApiResult`; resolvers stay thin.

pub mod account;
pub mod agreement;
pub mod audit;
pub mod brand;
pub mod bureau;
pub mod credential;
pub mod enterprise;
pub mod geographic_indication;
pub mod import;
pub mod lifecycle;
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

use sea_orm::{ColumnTrait, Condition, DbBackend, Order, sea_query::SimpleExpr};

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

/// Starts a transaction that will write. On SQLite it takes the write lock at `BEGIN` (waiting out
/// the busy timeout like any writer) rather than at its first write, which fails at once when another
/// writer committed in between (`SQLITE_BUSY_SNAPSHOT`); PostgreSQL has no such mode and begins as usual.
pub async fn begin_write(
    db: &sea_orm::DatabaseConnection,
) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    let mode = (db.get_database_backend() == DbBackend::Sqlite).then_some(SqliteTransactionMode::Immediate);
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: mode,
        ..TransactionOptions::default()
    })
    .await
}

/// A `nameContains` term, folded once, with the backend whose index is to answer it.
#[derive(Clone, Debug)]
pub struct NameTerm {
    folded: String,
    backend: DbBackend,
}

impl NameTerm {
    /// `text` as a term searched on `backend`.
    pub fn new(backend: DbBackend, text: &str) -> Self {
        Self {
            folded: crate::domain::text::fold(text),
            backend,
        }
    }

    /// The term as one gram, when it is short enough to be looked up as one.
    fn gram(&self) -> Option<&str> {
        crate::domain::text::gram(&self.folded)
    }
}

/// Rows where one of the folded `names` contains the term. `grams` is the same rows' gram form, made
/// from exactly those names: a term of one or two characters is looked up there, a longer one in the
/// names' trigram indexes.
pub fn names_contain<C: ColumnTrait>(
    grams: C,
    names: impl IntoIterator<Item = C>,
    term: &NameTerm,
) -> Condition {
    if let Some(gram) = term.gram() {
        return Condition::all().add(has_gram(term.backend, grams, gram));
    }
    let pattern = format!("%{}%", crate::domain::text::escape_like(&term.folded));
    names.into_iter().fold(Condition::any(), |any, name| {
        any.add(indexed_like(term.backend, name, pattern.clone(), &term.folded))
    })
}

/// Rows whose gram form `grams` holds `gram` as a whole token, answered from the grams index: a GIN
/// index on the grams as an array on PostgreSQL, the `<table>_grams` FTS5 table on SQLite.
pub fn has_gram(backend: DbBackend, grams: impl ColumnTrait, gram: &str) -> SimpleExpr {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    let table = grams.entity_name().to_string();
    let column = grams.as_str();
    if backend == DbBackend::Postgres {
        // The expression of the index, so that the planner matches it; the gram as a one-element array
        // (it holds no space). `$1`, not `ARRAY[…]`: sea-query reads brackets as quoted names.
        return Expr::cust_with_values(
            format!("string_to_array(\"{table}\".\"{column}\", ' ') @> string_to_array($1, ' ')"),
            [gram],
        );
    }
    let fts = format!("{table}_grams");
    // An FTS5 phrase: the gram as one token (a gram holds letters and digits only, never a quote).
    let matching = Query::select()
        .column(Alias::new("rowid"))
        .from(Alias::new(&fts))
        .and_where(Expr::cust_with_values(
            format!("\"{fts}\" MATCH ?"),
            [format!("\"{gram}\"")],
        ))
        .to_owned();
    Expr::col((Alias::new(table), Alias::new("rowid"))).in_subquery(matching)
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
