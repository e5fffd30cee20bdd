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
pub mod program;
pub mod region;
pub mod user;

use sea_orm::{Order, sea_query::SimpleExpr};

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

/// A `LIKE` condition on a folded column that matches a `nameContains` term.
pub fn name_contains(column: impl sea_orm::ColumnTrait, term: &str) -> SimpleExpr {
    use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
    Expr::col(column).like(LikeExpr::new(crate::domain::text::contains_pattern(term)).escape('\\'))
}

/// A problem with the input the caller can fix; returned in the payload's `userErrors`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserError {
    /// Path to the input field, e.g. `["input", "username"]`.
    pub field: Vec<String>,
    /// What is wrong, in words.
    pub message: String,
    /// Machine code: `INVALID`, `TAKEN`, `NOT_FOUND`, `NOT_ALLOWED_ON_SELF`, `STALE`.
    pub code: &'static str,
}

impl UserError {
    /// An error on `input.<field>`.
    pub fn new(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: vec!["input".to_owned(), field.to_owned()],
            message: message.into(),
            code,
        }
    }
}

/// The outcome of a change: the changed row, or what to fix.
pub type Change<T> = crate::error::ApiResult<Result<T, Vec<UserError>>>;
