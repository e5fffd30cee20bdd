//! Local accounts: signing in, and loading the signed-in user on each request.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use entity::{app_user, bureau, enums::UserStatus, user_role};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::auth::{password, token::TokenSettings};
use crate::error::{ApiError, ApiResult};
use crate::i18n::Message;
use crate::policy::Account;

/// The one answer to every failed sign-in, whatever was wrong: it must not tell which usernames exist.
fn bad_credentials() -> Message {
    Message::new("bad-credentials")
}

/// Sign-in attempts for one username allowed before each further attempt must wait.
const FREE_FAILURES: u32 = 5;
/// Sign-in attempts from one client address allowed before each further attempt must wait: room for
/// an office of colleagues behind one address, not for guessing.
const FREE_FAILURES_PER_ADDRESS: u32 = 30;
/// The longest username or password looked at; longer is refused before any bookkeeping or hashing.
const MAX_CREDENTIAL_CHARS: usize = 256;
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
/// `UNAUTHENTICATED` error. Each attempt is counted against the username and the client address
/// before the password is checked, so parallel guesses cannot outrun the count; with too many recent
/// attempts the caller must wait (`TOO_MANY_ATTEMPTS`).
pub async fn sign_in(
    db: &DatabaseConnection,
    tokens: &TokenSettings,
    throttle: &LoginThrottle,
    client: Option<std::net::IpAddr>,
    username: &str,
    password_text: &str,
) -> ApiResult<SignIn> {
    let username = username.trim();
    if username.chars().count() > MAX_CREDENTIAL_CHARS || password_text.chars().count() > MAX_CREDENTIAL_CHARS
    {
        return Err(ApiError::Unauthenticated(bad_credentials()));
    }
    let now = Utc::now();
    let keys = throttle.attempt(username, client, now)?;
    let user = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(db)
        .await?;
    let stored = user
        .as_ref()
        .map_or(DUMMY_HASH, |user| user.password_hash.as_str())
        .to_owned();
    let verified = password::verify_off_the_workers(password_text.to_owned(), stored).await;
    let Some(user) = user.filter(|user| verified && user.status == UserStatus::Active) else {
        tracing::info!(login.outcome = "refused", "sign-in refused");
        return Err(ApiError::Unauthenticated(bad_credentials()));
    };
    throttle.succeeded(&keys);
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

/// Sign-in attempts per username and per client address, kept in memory. Every attempt counts when it
/// starts; a success forgets the username's count. After the free attempts ([`FREE_FAILURES`] per
/// username, [`FREE_FAILURES_PER_ADDRESS`] per address) each further attempt must wait twice as long
/// as the last (1 s, 2 s, 4 s, …, at most [`MAX_WAIT_SECONDS`]). Keyed by the name tried, existing or
/// not, so it tells nothing about which accounts exist; at most [`MAX_TRACKED`] keys are kept.
#[derive(Default)]
pub struct LoginThrottle {
    attempts: Mutex<HashMap<String, Attempts>>,
}

#[derive(Clone, Copy)]
struct Attempts {
    count: u32,
    last: DateTime<Utc>,
}

impl Attempts {
    /// How long after the last attempt the next may start, given `free` attempts without waiting.
    fn wait_seconds(self, free: u32) -> u64 {
        match self.count.checked_sub(free) {
            None => 0,
            Some(extra) => 2u64.saturating_pow(extra).min(MAX_WAIT_SECONDS),
        }
    }
}

/// The throttle keys of one attempt, to settle on success.
pub struct AttemptKeys {
    username: String,
    address: Option<String>,
}

impl LoginThrottle {
    fn username_key(username: &str) -> String {
        format!("user:{}", username.to_lowercase())
    }

    /// Counts an attempt for `username` from `client`, or refuses it when it comes too soon after
    /// earlier ones. Checking and counting are one step under the lock.
    pub fn attempt(
        &self,
        username: &str,
        client: Option<std::net::IpAddr>,
        now: DateTime<Utc>,
    ) -> ApiResult<AttemptKeys> {
        let mut attempts = self
            .attempts
            .lock()
            .map_err(|_| ApiError::Internal("throttle poisoned".into()))?;
        let mut keys = vec![(Self::username_key(username), FREE_FAILURES)];
        if let Some(client) = client {
            keys.push((format!("address:{client}"), FREE_FAILURES_PER_ADDRESS));
        }
        // Checking and counting happen under one lock, before any password is looked at.
        for (key, free) in &keys {
            if let Some(record) = attempts.get(key) {
                let ready_at = record.last + chrono::Duration::seconds(record.wait_seconds(*free) as i64);
                if now < ready_at {
                    let retry_after_seconds = (ready_at - now).num_seconds().max(1) as u64;
                    return Err(ApiError::TooManyAttempts { retry_after_seconds });
                }
            }
        }
        if attempts.len() + keys.len() > MAX_TRACKED {
            let an_hour_ago = now - chrono::Duration::hours(1);
            attempts.retain(|_, record| record.last > an_hour_ago);
            if attempts.len() + keys.len() > MAX_TRACKED {
                // Still full of recent attempts: an attack on many names; nobody new gets in for now.
                return Err(ApiError::TooManyAttempts {
                    retry_after_seconds: 60,
                });
            }
        }
        for (key, _) in &keys {
            let record = attempts
                .entry(key.clone())
                .or_insert(Attempts { count: 0, last: now });
            record.count = record.count.saturating_add(1);
            record.last = now;
        }
        Ok(AttemptKeys {
            username: Self::username_key(username),
            address: client.map(|client| format!("address:{client}")),
        })
    }

    /// Settles a successful sign-in: the username's attempts are forgotten, and the address is given
    /// back this attempt, so colleagues signing in behind one address are never slowed down.
    pub fn succeeded(&self, keys: &AttemptKeys) {
        if let Ok(mut attempts) = self.attempts.lock() {
            attempts.remove(&keys.username);
            if let Some(record) = keys.address.as_ref().and_then(|key| attempts.get_mut(key)) {
                record.count = record.count.saturating_sub(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attempt_counts_when_it_starts_and_later_ones_wait_longer() {
        let throttle = LoginThrottle::default();
        let start = Utc::now();
        let after = |seconds| start + chrono::Duration::seconds(seconds);
        for _ in 0..FREE_FAILURES {
            assert!(throttle.attempt("Registrar", None, start).is_ok());
        }
        assert_eq!(
            throttle.attempt("REGISTRAR", None, start).err().map(|e| e.code()),
            Some("TOO_MANY_ATTEMPTS"),
            "five attempts are free, whatever their outcome"
        );
        assert!(
            throttle.attempt("registrar", None, after(1)).is_ok(),
            "the sixth waits a second"
        );
        assert!(
            throttle.attempt("registrar", None, after(2)).is_err(),
            "the seventh two"
        );
        assert!(throttle.attempt("registrar", None, after(3)).is_ok());
        assert!(throttle.attempt("someone-else", None, start).is_ok());
        let keys = throttle.attempt("registrar", None, after(60)).unwrap();
        throttle.succeeded(&keys);
        assert!(throttle.attempt("registrar", None, after(60)).is_ok());
    }

    #[test]
    fn one_address_trying_many_names_is_slowed_down_too() {
        let throttle = LoginThrottle::default();
        let now = Utc::now();
        let address: std::net::IpAddr = [192, 0, 2, 7].into();
        for n in 0..FREE_FAILURES_PER_ADDRESS {
            assert!(throttle.attempt(&format!("user{n}"), Some(address), now).is_ok());
        }
        assert!(throttle.attempt("yet-another", Some(address), now).is_err());
        assert!(
            throttle
                .attempt("yet-another", Some([192, 0, 2, 8].into()), now)
                .is_ok()
        );

        // Successes from one address never add up.
        let office: std::net::IpAddr = [198, 51, 100, 1].into();
        for n in 0..2 * FREE_FAILURES_PER_ADDRESS {
            let keys = throttle
                .attempt(&format!("colleague{n}"), Some(office), now)
                .unwrap();
            throttle.succeeded(&keys);
        }
    }

    #[test]
    fn the_dummy_hash_is_well_formed() {
        assert!(!password::verify("", DUMMY_HASH));
        assert!(argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
