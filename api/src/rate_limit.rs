//! Rate limits: how many requests, and how much query cost (async-graphql's complexity), a client may
//! spend per minute. The public is counted per client address, the signed in per account.
//!
//! The counts live behind [`LimitStore`]: this process keeps them with `governor` (GCRA, a bucket per
//! client); several servers behind one balancer would share them by implementing the same trait over
//! a shared store such as Redis.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use uuid::Uuid;

use crate::i18n::Message;

/// Who a limit is counted for.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum Client {
    /// A caller without a token, by client address.
    Address(IpAddr),
    /// A signed-in caller, by account, wherever it calls from.
    Account(Uuid),
}

/// What is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meter {
    /// Requests.
    Requests,
    /// Query cost: the complexity of each document, as the schema computes it.
    Cost,
}

impl Meter {
    /// The meter's name in metrics.
    pub fn label(self) -> &'static str {
        match self {
            Self::Requests => "requests",
            Self::Cost => "cost",
        }
    }

    /// What the refusal says was spent.
    pub fn describe(self) -> Message {
        Message::new(match self {
            Self::Requests => "meter-requests",
            Self::Cost => "meter-query-cost",
        })
    }
}

/// A client's allowance on one meter after a charge: what the `RateLimit-*` headers say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
    /// What the meter allows per minute (`RateLimit-Limit`).
    pub limit: u32,
    /// What is left right now (`RateLimit-Remaining`).
    pub remaining: u32,
    /// Until the allowance is whole again (`RateLimit-Reset`).
    pub reset: Duration,
    /// When the charge was refused: how long to wait before it would pass (`Retry-After`).
    pub retry_after: Option<Duration>,
}

impl Allowance {
    /// Whether the charge was refused.
    pub fn refused(&self) -> bool {
        self.retry_after.is_some()
    }
}

/// Where the counts are kept.
pub trait LimitStore: Send + Sync {
    /// Charges `amount` to `client` on `meter`: allowed when the client has that much left, refused
    /// (and nothing charged) otherwise.
    fn charge(&self, client: Client, meter: Meter, amount: u32) -> Allowance;
}

/// The query-cost charge of one request, carried in its GraphQL data: the schema charges the
/// document's complexity once it is validated, and keeps a refusal for the HTTP layer's `429`.
pub struct CostMeter {
    store: Arc<dyn LimitStore>,
    client: Client,
    refusal: Arc<OnceLock<Allowance>>,
}

impl CostMeter {
    /// A meter charging `client` in `store`.
    pub fn new(store: Arc<dyn LimitStore>, client: Client) -> Self {
        Self {
            store,
            client,
            refusal: Arc::default(),
        }
    }

    /// Where a refusal will be found once the request has run.
    pub fn refusal(&self) -> Arc<OnceLock<Allowance>> {
        self.refusal.clone()
    }

    /// Charges a document's `cost`; refused, the allowance says how long to wait.
    pub fn charge(&self, cost: usize) -> Result<(), Allowance> {
        let amount = u32::try_from(cost).unwrap_or(u32::MAX);
        let allowance = self.store.charge(self.client, Meter::Cost, amount);
        if allowance.refused() {
            let _ = self.refusal.set(allowance);
            return Err(allowance);
        }
        Ok(())
    }
}

/// The allowances per minute (`REGISTRY_RATE_LIMITS`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// Requests per minute per client address for the public.
    pub public_requests: NonZeroU32,
    /// Requests per minute per account.
    pub account_requests: NonZeroU32,
    /// Query cost per minute per client address for the public.
    pub public_cost: NonZeroU32,
    /// Query cost per minute per account.
    pub account_cost: NonZeroU32,
}

impl Default for RateLimits {
    /// Generous for a person or an agency's integration, tight for a scraper: a public client may ask
    /// ten times a second, and spend twenty documents of the largest allowed complexity a minute.
    fn default() -> Self {
        let per_minute = |n: u32| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        Self {
            public_requests: per_minute(600),
            account_requests: per_minute(3_000),
            public_cost: per_minute(1_000_000),
            account_cost: per_minute(10_000_000),
        }
    }
}

impl std::str::FromStr for RateLimits {
    type Err = String;

    /// `publicRequests,accountRequests,publicCost,accountCost` per minute, e.g. `600,3000,1000000,10000000`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let numbers: Vec<NonZeroU32> = text
            .split(',')
            .map(|part| part.trim().parse::<NonZeroU32>())
            .collect::<Result<_, _>>()
            .map_err(|err| format!("{err}; give four positive numbers per minute: public requests, account requests, public cost, account cost"))?;
        match numbers[..] {
            [public_requests, account_requests, public_cost, account_cost] => Ok(Self {
                public_requests,
                account_requests,
                public_cost,
                account_cost,
            }),
            _ => Err(
                "give four numbers per minute: public requests, account requests, public cost, account cost"
                    .to_owned(),
            ),
        }
    }
}

/// One allowance: a bucket per client, and the quota they were made with.
struct Bucket {
    clients: RateLimiter<Client, DefaultKeyedStateStore<Client>, DefaultClock, StateInformationMiddleware>,
    quota: Quota,
}

/// How many charges pass between sweeps of clients whose buckets are full again, which keeps memory
/// bounded by the clients of the last minute.
const SWEEP_EVERY: u64 = 4_096;

/// The counts kept in this process.
pub struct InProcess {
    clock: DefaultClock,
    public_requests: Bucket,
    account_requests: Bucket,
    public_cost: Bucket,
    account_cost: Bucket,
    charges: AtomicU64,
}

impl InProcess {
    /// Empty counts for `limits`.
    pub fn new(limits: &RateLimits) -> Self {
        let clock = DefaultClock::default();
        let bucket = |per_minute: NonZeroU32| {
            let quota = Quota::per_minute(per_minute);
            Bucket {
                clients: RateLimiter::dashmap_with_clock(quota, clock.clone())
                    .with_middleware::<StateInformationMiddleware>(),
                quota,
            }
        };
        Self {
            public_requests: bucket(limits.public_requests),
            account_requests: bucket(limits.account_requests),
            public_cost: bucket(limits.public_cost),
            account_cost: bucket(limits.account_cost),
            clock,
            charges: AtomicU64::new(0),
        }
    }

    fn sweep(&self) {
        for bucket in [
            &self.public_requests,
            &self.account_requests,
            &self.public_cost,
            &self.account_cost,
        ] {
            bucket.clients.retain_recent();
            bucket.clients.shrink_to_fit();
        }
    }
}

impl LimitStore for InProcess {
    fn charge(&self, client: Client, meter: Meter, amount: u32) -> Allowance {
        if self.charges.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.sweep();
        }
        let bucket = match (meter, client) {
            (Meter::Requests, Client::Address(_)) => &self.public_requests,
            (Meter::Requests, Client::Account(_)) => &self.account_requests,
            (Meter::Cost, Client::Address(_)) => &self.public_cost,
            (Meter::Cost, Client::Account(_)) => &self.account_cost,
        };
        let limit = bucket.quota.burst_size().get();
        let per_unit = bucket.quota.replenish_interval();
        let amount = NonZeroU32::new(amount).unwrap_or(NonZeroU32::MIN);
        match bucket.clients.check_key_n(&client, amount) {
            Ok(Ok(snapshot)) => {
                let remaining = snapshot.remaining_burst_capacity();
                Allowance {
                    limit,
                    remaining,
                    reset: per_unit * (limit - remaining),
                    retry_after: None,
                }
            }
            Ok(Err(not_until)) => Allowance {
                limit,
                remaining: 0,
                reset: per_unit * limit,
                retry_after: Some(not_until.wait_time_from(self.clock.now())),
            },
            // More than the whole allowance at once: it would never pass.
            Err(_insufficient) => Allowance {
                limit,
                remaining: 0,
                reset: per_unit * limit,
                retry_after: Some(per_unit * limit),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(requests: u32, cost: u32) -> RateLimits {
        let n = |v| NonZeroU32::new(v).unwrap();
        RateLimits {
            public_requests: n(requests),
            account_requests: n(requests * 10),
            public_cost: n(cost),
            account_cost: n(cost * 10),
        }
    }

    #[test]
    fn a_client_is_refused_once_its_allowance_is_spent_and_others_are_not() {
        let store = InProcess::new(&limits(3, 100));
        let here = Client::Address("192.0.2.1".parse().unwrap());
        let there = Client::Address("192.0.2.2".parse().unwrap());
        let remaining: Vec<u32> = (0..3)
            .map(|_| store.charge(here, Meter::Requests, 1).remaining)
            .collect();
        assert_eq!(remaining, [2, 1, 0]);
        let refused = store.charge(here, Meter::Requests, 1);
        assert!(refused.refused());
        assert!(refused.retry_after.unwrap() <= Duration::from_secs(20));
        assert_eq!(refused.limit, 3);
        assert!(!store.charge(there, Meter::Requests, 1).refused());
        // An account has its own, larger allowance.
        let account = Client::Account(Uuid::nil());
        assert_eq!(store.charge(account, Meter::Requests, 1).limit, 30);
    }

    #[test]
    fn cost_is_charged_by_amount_and_more_than_the_whole_allowance_never_passes() {
        let store = InProcess::new(&limits(3, 100));
        let here = Client::Address("192.0.2.1".parse().unwrap());
        assert_eq!(store.charge(here, Meter::Cost, 60).remaining, 40);
        assert!(store.charge(here, Meter::Cost, 60).refused());
        assert_eq!(store.charge(here, Meter::Cost, 40).remaining, 0);
        assert!(store.charge(here, Meter::Cost, 101).refused());
    }

    #[test]
    fn limits_are_read_as_four_numbers_per_minute() {
        assert_eq!("3,30,100,1000".parse::<RateLimits>(), Ok(limits(3, 100)));
        assert!("3,30,100".parse::<RateLimits>().is_err());
        assert!("3,0,100,1000".parse::<RateLimits>().is_err());
    }
}
