//! Local accounts: signing in, and loading the signed-in user on each request.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use entity::{app_user, bureau, enums::UserStatus, user_role};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::auth::{password, token::TokenSettings};
use crate::error::{ApiError, ApiResult};
use crate::policy::Account;

/// The one answer to every failed sign-in, whatever was wrong: it must not tell which usernames exist.
const BAD_CREDENTIALS: &str = "wrong username or password";
/// Failed sign-ins allowed before each further attempt must wait.
const FREE_FAILURES: u32 = 5;
/// The longest wait between attempts once the free failures are used up.
const MAX_WAIT_SECONDS: u64 = 15 * 60;
/// Accounts tracked before old records are pruned (bounds the memory an attacker can make us use).
const MAX_TRACKED: usize = 10_000;
/// A PHC string of a random password, verified when the username is unknown so that the answer takes
/// as long as for a known one.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$0qrG6B3r3OA4dnb0VRZ1HKqv6zC3TQ1VH1wP7WOJGWg";

/// The signed-in user with this id, if the account exists and is active.
pub async fn active_account(db: &DatabaseConnection, user_id: Uuid) -> ApiResult<Option<Account>> {
    let Some(user) = app_user::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    if user.status != UserStatus::Active {
        return Ok(None);
    }
    Ok(Some(account(db, user).await?))
}

/// The active account with this username, if any.
pub async fn find_active_by_username(db: &DatabaseConnection, username: &str) -> ApiResult<Option<Account>> {
    let user = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username.trim()))
        .filter(app_user::Column::Status.eq(UserStatus::Active))
        .one(db)
        .await?;
    match user {
        Some(user) => Ok(Some(account(db, user).await?)),
        None => Ok(None),
    }
}

async fn account(db: &DatabaseConnection, user: app_user::Model) -> ApiResult<Account> {
    let roles = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user.id))
        .order_by_asc(user_role::Column::Role)
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.role)
        .collect();
    let bureau = match user.bureau_id {
        Some(id) => bureau::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    Ok(Account {
        user_id: user.id,
        username: user.username,
        display_name: user.display_name,
        roles,
        bureau,
        enterprise_id: user.enterprise_id,
    })
}

/// A successful sign-in.
pub struct SignIn {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub account: Account,
}

/// Checks a username and password and issues an access token. Every failure is the same
/// `UNAUTHENTICATED` error; an account with too many recent failures must wait before trying again.
pub async fn sign_in(
    db: &DatabaseConnection,
    tokens: &TokenSettings,
    throttle: &LoginThrottle,
    username: &str,
    password_text: &str,
) -> ApiResult<SignIn> {
    let username = username.trim();
    let now = Utc::now();
    throttle.check(username, now)?;
    let user = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(db)
        .await?;
    let verified = match &user {
        Some(user) => password::verify(password_text, &user.password_hash),
        None => {
            password::verify(password_text, DUMMY_HASH);
            false
        }
    };
    let Some(user) = user.filter(|user| verified && user.status == UserStatus::Active) else {
        throttle.record_failure(username, now);
        tracing::info!(login.outcome = "refused", "sign-in refused");
        return Err(ApiError::Unauthenticated(BAD_CREDENTIALS.to_owned()));
    };
    throttle.record_success(username);
    let account = account(db, user).await?;
    let roles = account.roles.iter().map(|role| format!("{role:?}")).collect();
    let (token, expires_at) = tokens
        .mint(account.user_id, roles, now)
        .map_err(ApiError::Internal)?;
    tracing::info!(user.id = %account.user_id, login.outcome = "signed in", "sign-in");
    Ok(SignIn {
        token,
        expires_at,
        account,
    })
}

/// Failed sign-ins per username, kept in memory: after [`FREE_FAILURES`] each further failure makes the
/// next attempt wait twice as long as the last (1 s, 2 s, 4 s, …, at most [`MAX_WAIT_SECONDS`]). Keyed by
/// the name tried, existing or not, so it tells nothing about which accounts exist.
#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Failures>>,
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    last: DateTime<Utc>,
}

impl Failures {
    fn wait_seconds(self) -> u64 {
        match self.count.saturating_sub(FREE_FAILURES) {
            0 => 0,
            extra => 2u64.saturating_pow(extra - 1).min(MAX_WAIT_SECONDS),
        }
    }
}

impl LoginThrottle {
    fn key(username: &str) -> String {
        username.to_lowercase()
    }

    /// Refuses an attempt that comes too soon after repeated failures.
    pub fn check(&self, username: &str, now: DateTime<Utc>) -> ApiResult<()> {
        let failures = self
            .failures
            .lock()
            .map_err(|_| ApiError::Internal("throttle poisoned".into()))?;
        if let Some(record) = failures.get(&Self::key(username)) {
            let ready_at = record.last + chrono::Duration::seconds(record.wait_seconds() as i64);
            if now < ready_at {
                let retry_after_seconds = (ready_at - now).num_seconds().max(1) as u64;
                return Err(ApiError::TooManyAttempts { retry_after_seconds });
            }
        }
        Ok(())
    }

    fn record_failure(&self, username: &str, now: DateTime<Utc>) {
        if let Ok(mut failures) = self.failures.lock() {
            if failures.len() >= MAX_TRACKED {
                let an_hour_ago = now - chrono::Duration::hours(1);
                failures.retain(|_, record| record.last > an_hour_ago);
            }
            let record = failures
                .entry(Self::key(username))
                .or_insert(Failures { count: 0, last: now });
            record.count = record.count.saturating_add(1);
            record.last = now;
        }
    }

    fn record_success(&self, username: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&Self::key(username));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_failures_make_later_attempts_wait_longer() {
        let throttle = LoginThrottle::default();
        let start = Utc::now();
        let after = |seconds| start + chrono::Duration::seconds(seconds);
        for _ in 0..FREE_FAILURES {
            assert!(throttle.check("Registrar", start).is_ok());
            throttle.record_failure("registrar", start);
        }
        assert!(
            throttle.check("REGISTRAR", start).is_ok(),
            "five failures are free"
        );
        throttle.record_failure("registrar", start);
        assert_eq!(
            throttle.check("registrar", start).unwrap_err().code(),
            "TOO_MANY_ATTEMPTS"
        );
        assert!(
            throttle.check("registrar", after(1)).is_ok(),
            "the sixth failure costs a second"
        );
        throttle.record_failure("registrar", start);
        assert!(
            throttle.check("registrar", after(1)).is_err(),
            "the seventh costs two"
        );
        assert!(throttle.check("registrar", after(2)).is_ok());
        assert!(throttle.check("someone-else", start).is_ok());
        throttle.record_success("registrar");
        assert!(throttle.check("registrar", start).is_ok());
    }

    #[test]
    fn the_dummy_hash_is_well_formed() {
        assert!(!password::verify("", DUMMY_HASH));
        assert!(argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
