//! The change feed (`changes`): every committed change to registry data (credential states,
//! enterprises, recognition agreements and their listings), numbered in commit order, so that an agency
//! keeps its own copy current by reading on from the last number it saw.
//!
//! Each change is written to an outbox (`change_event`) in the change's own transaction, beside its
//! audit event: a change is in the feed if and only if it committed. Events are kept for ever (the table
//! is append-only), so a reader can resume from any cursor.
//!
//! A reader must never pass a number that a transaction still running could commit below it. Writers
//! to the feed therefore commit in the order of their numbers: on SQLite there is one writer at a time;
//! on PostgreSQL each takes a transaction-level advisory lock before its number is drawn and holds it to
//! its commit, so a number is drawn only after every smaller one committed or rolled back. They take it
//! first thing ([`begin`]): one that took it after writing rows could wait for the feed while holding
//! a row another writer, holding the feed, waits for (a deadlock). The exception is a transaction that
//! only creates a row (`audit::create_recorded`): no other can see that row to wait for it, so it takes
//! the lock last, in [`publish_all`], and holds it only for its change's number and its commit. (A
//! writer giving another row the same unique key at that moment would wait for it; PostgreSQL breaks
//! such a cycle within a second, failing one of the two, as the key would have.)

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use entity::change_event;
use entity::enums::{CredentialKind, CredentialStatus};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, NotSet, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::region::{RegionScope, within};
use crate::error::{ApiError, ApiResult};
use crate::i18n::Message;
use crate::ids::{NodeType, encode};
use crate::policy::Viewer;

/// What kind of record changed: the feed's `kinds` filter.
#[derive(Copy, Clone, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum ChangeKind {
    /// An enterprise (企业) was registered or its record changed.
    Enterprise,
    /// A little-giant designation (专精特新).
    LittleGiant,
    /// A green-manufacturing designation (绿色制造).
    Green,
    /// A brand recognition (品牌认定).
    BrandRecognition,
    /// An authorization to use a geographic-indication special mark (地理标志专用标志使用).
    GiAuthorization,
    /// A quality award (质量奖).
    QualityAward,
    /// A chief quality officer (首席质量官).
    ChiefQualityOfficer,
    /// A recognition agreement (互认协议) or its listed credentials.
    RecognitionAgreement,
}

impl ChangeKind {
    /// The name stored in `change_event.subject`: the kind's name in the schema.
    fn stored(self) -> &'static str {
        use async_graphql::resolver_utils::EnumType;
        Self::items()
            .iter()
            .find(|item| item.value == self)
            .map_or("", |item| item.name)
    }

    /// The kind stored as `stored`.
    pub fn parse(stored: &str) -> Option<Self> {
        use async_graphql::resolver_utils::EnumType;
        Self::items()
            .iter()
            .find(|item| item.name == stored)
            .map(|item| item.value)
    }

    /// The kind of a credential kind's changes.
    fn of_credential(kind: CredentialKind) -> Self {
        match kind {
            CredentialKind::LittleGiant => Self::LittleGiant,
            CredentialKind::Green => Self::Green,
            CredentialKind::BrandRecognition => Self::BrandRecognition,
            CredentialKind::GiAuthorization => Self::GiAuthorization,
            CredentialKind::QualityAward => Self::QualityAward,
            CredentialKind::ChiefQualityOfficer => Self::ChiefQualityOfficer,
        }
    }
}

/// The visibility of a change anyone may read ([`crate::policy::Viewer::change_condition`]).
pub const PUBLIC: &str = "PUBLIC";
/// The visibility of a change only staff whose jurisdiction holds its region, and the enterprise it
/// belongs to, may read.
const STAFF: &str = "STAFF";

/// A change to add to the feed. Its payload names states and kinds as the API does (`GRANTED`).
pub struct Published {
    kind: ChangeKind,
    /// The audit action (`GRANT_CREDENTIAL`, `UPDATE_ENTERPRISE`, …).
    change: String,
    entity: (NodeType, Uuid),
    region_code: Option<String>,
    enterprise_id: Option<Uuid>,
    public: bool,
    /// Public fields only: ids, states, dates, codes, never a person's name or personal data.
    payload: Value,
}

impl Published {
    /// A credential after `action`; public when the public may see it in its new state (in public notice,
    /// granted or revoked) or saw it before (it was on public notice, and is now withdrawn: a copy kept
    /// from the public feed must learn that it left the lists), else for staff of its region and its
    /// holder enterprise only.
    pub fn credential(action: &str, row: &entity::credential::Model) -> Self {
        let public = matches!(
            row.status,
            CredentialStatus::PublicNotice | CredentialStatus::Granted | CredentialStatus::Revoked
        ) || row.notice_starts_on.is_some();
        let holder = match (row.holder_enterprise_id, row.holder_person_id) {
            (Some(enterprise), _) => Some(encode(NodeType::Enterprise, enterprise)),
            (None, Some(person)) => Some(encode(NodeType::Person, person)),
            (None, None) => None,
        };
        Self {
            kind: ChangeKind::of_credential(row.kind),
            change: action.to_owned(),
            entity: (NodeType::Credential, row.id),
            region_code: Some(row.region_code.clone()),
            enterprise_id: row.holder_enterprise_id,
            public,
            payload: json!({
                "id": encode(NodeType::Credential, row.id),
                "kind": row.kind.to_value(),
                "level": row.level.to_value(),
                "status": row.status.to_value(),
                "holderId": holder,
                "regionCode": row.region_code,
                "batch": row.batch,
                "year": row.year,
                "noticeStartsOn": row.notice_starts_on,
                "noticeEndsOn": row.notice_ends_on,
                "grantedOn": row.granted_on,
                "validFrom": row.valid_from,
                "validUntil": row.valid_until,
                "revokedOn": row.revoked_on,
            }),
        }
    }

    /// An enterprise after `action`: public (an enterprise's registered fields are).
    pub fn enterprise(action: &str, row: &entity::enterprise::Model) -> Self {
        Self {
            kind: ChangeKind::Enterprise,
            change: action.to_owned(),
            entity: (NodeType::Enterprise, row.id),
            region_code: Some(row.region_code.clone()),
            enterprise_id: Some(row.id),
            public: true,
            payload: json!({
                "id": encode(NodeType::Enterprise, row.id),
                "uscc": row.uscc,
                "name": row.name,
                "regionCode": row.region_code,
                "status": row.status.to_value(),
                "scale": row.scale.map(|scale| scale.to_value()),
                "industryCode": row.industry_code,
                "establishedOn": row.established_on,
            }),
        }
    }

    /// A recognition agreement after `action` (its listings included): public, as agreements are.
    pub fn agreement(action: &str, row: &entity::recognition_agreement::Model) -> Self {
        Self {
            kind: ChangeKind::RecognitionAgreement,
            change: action.to_owned(),
            entity: (NodeType::RecognitionAgreement, row.id),
            region_code: None,
            enterprise_id: None,
            public: true,
            payload: json!({
                "id": encode(NodeType::RecognitionAgreement, row.id),
                "title": row.title,
                "status": row.status.to_value(),
                "mode": row.mode.to_value(),
                "effectiveFrom": row.effective_from,
                "effectiveUntil": row.effective_until,
                "activatedOn": row.activated_on,
                "suspendedFrom": row.suspended_from,
                "terminatedFrom": row.terminated_from,
            }),
        }
    }

    /// A credential listed on, or unlisted from, a recognition agreement by `action`: a change of the
    /// agreement, public.
    pub fn listing(action: &str, row: &entity::recognition_listing::Model) -> Self {
        Self {
            kind: ChangeKind::RecognitionAgreement,
            change: action.to_owned(),
            entity: (NodeType::RecognitionAgreement, row.agreement_id),
            region_code: None,
            enterprise_id: None,
            public: true,
            payload: json!({
                "id": encode(NodeType::RecognitionAgreement, row.agreement_id),
                "credentialId": encode(NodeType::Credential, row.credential_id),
                "listedOn": row.listed_on,
                "unlistedOn": row.unlisted_on,
            }),
        }
    }
}

/// A place in the change feed: after the change numbered `0`, or the start.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct FeedCursor(pub i64);

impl FeedCursor {
    /// The cursor as clients hold it (opaque).
    pub fn encode(self) -> String {
        URL_SAFE_NO_PAD.encode(format!("change:{}", self.0))
    }

    /// Reads argument `field`; none is the start of the feed.
    pub fn decode(field: &str, cursor: Option<&str>) -> ApiResult<Self> {
        let Some(cursor) = cursor else {
            return Ok(Self(0));
        };
        let invalid = || ApiError::bad_input(field, Message::new("cursor-invalid"));
        let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let sequence = text.strip_prefix("change:").ok_or_else(invalid)?;
        match sequence.parse() {
            Ok(sequence) if sequence >= 0 => Ok(Self(sequence)),
            _ => Err(invalid()),
        }
    }
}

/// The advisory lock feed writers hold from drawing their number to their commit (PostgreSQL).
const FEED_LOCK: i64 = 0x0000_feed_0000_0001;

/// Starts a transaction that will add to the feed ([`super::begin_write`]), holding the feed's lock
/// on PostgreSQL from the start.
pub async fn begin(db: &sea_orm::DatabaseConnection) -> ApiResult<super::WriteTransaction> {
    let txn = super::begin_write(db).await?;
    lock(&txn).await?;
    Ok(txn)
}

/// Takes the feed's lock (PostgreSQL) for the rest of transaction `txn`; again is harmless.
async fn lock(txn: &impl ConnectionTrait) -> ApiResult<()> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT pg_advisory_xact_lock({FEED_LOCK})"),
        ))
        .await?;
    }
    Ok(())
}

/// Adds `change` to the feed, inside the change's own transaction `txn` ([`publish_all`]).
pub async fn publish(txn: &impl ConnectionTrait, change: Published) -> ApiResult<()> {
    publish_all(txn, [change]).await
}

/// Adds `changes` to the feed, in order, inside their own transaction `txn`, begun by [`begin`].
pub async fn publish_all(
    txn: &impl ConnectionTrait,
    changes: impl IntoIterator<Item = Published>,
) -> ApiResult<()> {
    let changes: Vec<Published> = changes.into_iter().collect();
    if changes.is_empty() {
        return Ok(());
    }
    lock(txn).await?;
    let now = Utc::now();
    if txn.get_database_backend() == DbBackend::Postgres {
        return insert_unnested(txn, now, changes).await;
    }
    use sea_orm::Set;
    let rows = changes.into_iter().map(|change| {
        let (node_type, entity_id) = change.entity;
        change_event::ActiveModel {
            sequence: NotSet,
            committed_at: Set(now),
            subject: Set(change.kind.stored().to_owned()),
            change: Set(change.change),
            entity_type: Set(format!("{node_type:?}")),
            entity_id: Set(entity_id),
            region_code: Set(change.region_code),
            enterprise_id: Set(change.enterprise_id),
            visibility: Set(visibility(change.public).to_owned()),
            payload: Set(change.payload),
        }
    });
    change_event::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

/// Who may read a change.
fn visibility(public: bool) -> &'static str {
    if public { PUBLIC } else { STAFF }
}

/// Adds `changes` on PostgreSQL as `INSERT … SELECT FROM UNNEST(arrays)`: eight array parameters
/// whatever the count, one statement text to prepare, where a row-by-row `VALUES` list bound nine
/// parameters per change (an import publishes a thousand at a time, and binding and planning those
/// took longer than writing them). The ordinality keeps the feed's order; a change without a region
/// or an enterprise carries an empty text, stored as null.
async fn insert_unnested(
    txn: &impl ConnectionTrait,
    now: chrono::DateTime<Utc>,
    changes: Vec<Published>,
) -> ApiResult<()> {
    use sea_orm::Value as SqlValue;
    let mut subjects = Vec::with_capacity(changes.len());
    let mut actions = Vec::with_capacity(changes.len());
    let mut entity_types = Vec::with_capacity(changes.len());
    let mut entity_ids = Vec::with_capacity(changes.len());
    let mut regions = Vec::with_capacity(changes.len());
    let mut enterprises = Vec::with_capacity(changes.len());
    let mut visibilities = Vec::with_capacity(changes.len());
    let mut payloads = Vec::with_capacity(changes.len());
    for change in changes {
        let (node_type, entity_id) = change.entity;
        subjects.push(change.kind.stored().to_owned());
        actions.push(change.change);
        entity_types.push(format!("{node_type:?}"));
        entity_ids.push(entity_id);
        regions.push(change.region_code.unwrap_or_default());
        enterprises.push(change.enterprise_id.map(|id| id.to_string()).unwrap_or_default());
        visibilities.push(visibility(change.public).to_owned());
        payloads.push(change.payload.to_string());
    }
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO change_event (committed_at, subject, change, entity_type, entity_id, region_code, \
         enterprise_id, visibility, payload) \
         SELECT $1, u.subject, u.change, u.entity_type, u.entity_id, NULLIF(u.region, ''), \
         NULLIF(u.enterprise, '')::uuid, u.visibility, u.payload::json \
         FROM UNNEST($2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[], \
         $9::text[]) WITH ORDINALITY \
         AS u(subject, change, entity_type, entity_id, region, enterprise, visibility, payload, n) \
         ORDER BY u.n",
        [
            SqlValue::from(now),
            SqlValue::from(subjects),
            SqlValue::from(actions),
            SqlValue::from(entity_types),
            SqlValue::from(entity_ids),
            SqlValue::from(regions),
            SqlValue::from(enterprises),
            SqlValue::from(visibilities),
            SqlValue::from(payloads),
        ],
    ))
    .await?;
    Ok(())
}

/// The number of the newest change in the feed (0 when it is empty): where a subscription without a
/// cursor starts.
pub async fn newest(db: &impl ConnectionTrait) -> ApiResult<i64> {
    let newest = change_event::Entity::find()
        .select_only()
        .column(change_event::Column::Sequence)
        .order_by_desc(change_event::Column::Sequence)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await?;
    Ok(newest.unwrap_or(0))
}

/// What a reader asks of the feed.
#[derive(Clone, Debug, Default)]
pub struct FeedFilter {
    /// Only changes of these kinds (all when empty).
    pub kinds: Vec<ChangeKind>,
    /// Only changes of records in this region (and below it).
    pub region: Option<RegionScope>,
}

/// The changes after number `after` that `viewer` may read and `filter` asks for, at most `first`, in
/// commit order.
pub async fn after(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &FeedFilter,
    after: i64,
    first: u64,
) -> ApiResult<Vec<change_event::Model>> {
    let mut select = change_event::Entity::find()
        .filter(change_event::Column::Sequence.gt(after))
        .filter(viewer.change_condition());
    if !filter.kinds.is_empty() {
        let kinds = filter.kinds.iter().map(|kind| kind.stored());
        select = select.filter(change_event::Column::Subject.is_in(kinds));
    }
    if let Some(scope) = &filter.region {
        select = select.filter(within(change_event::Column::RegionCode, scope));
    }
    Ok(select
        .order_by_asc(change_event::Column::Sequence)
        .limit(first)
        .all(db)
        .await?)
}
