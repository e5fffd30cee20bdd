//! Announcements (公告, 通知): the published documents that grant, renew (after review, 复核) and revoke
//! credentials. A bureau's registrars and reviewers record its announcements; a grant, renewal or
//! revocation (or an import) names the announcement it follows, which must be the granting bureau's
//! own. One announcement can list credentials of every act: batch N of the little giants and the
//! review of batch N−3 are often one document.

use super::listing::{KeyKind, ListOrder, Listing, SortKey};
use chrono::NaiveDate;
use entity::{announced_credential, announcement, credential, enums::AnnouncedAct};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::{Change, UserError};
use crate::actor::Actor;
use crate::error::ApiResult;
use crate::i18n::Message;

/// Which announcements to list.
#[derive(Debug, Default)]
pub struct AnnouncementFilter {
    /// Issued by this bureau.
    pub issuing_bureau: Option<Uuid>,
    /// Published on or after this day.
    pub published_from: Option<NaiveDate>,
    /// Published on or before this day.
    pub published_until: Option<NaiveDate>,
    /// Exactly this document number.
    pub document_number: Option<String>,
}

/// Announcements matching the filter, newest first.
pub fn search(filter: &AnnouncementFilter) -> Listing<announcement::Entity> {
    use announcement::Column as A;
    let mut query = announcement::Entity::find();
    if let Some(bureau) = filter.issuing_bureau {
        query = query.filter(A::IssuingBureauId.eq(bureau));
    }
    if let Some(from) = filter.published_from {
        query = query.filter(A::PublishedOn.gte(from));
    }
    if let Some(until) = filter.published_until {
        query = query.filter(A::PublishedOn.lte(until));
    }
    if let Some(number) = &filter.document_number {
        query = query.filter(A::DocumentNumber.eq(number.trim()));
    }
    Listing {
        rows: query,
        order: ListOrder::by([
            SortKey::column(A::PublishedOn, KeyKind::Date).descending(true),
            SortKey::column(A::Id, KeyKind::Id).descending(true),
        ]),
    }
}

/// The condition "listed by `announcement`" on credentials (with `act`, when given).
pub fn lists_condition(announcement: Uuid, act: Option<AnnouncedAct>) -> sea_orm::sea_query::SimpleExpr {
    use announced_credential::Column as L;
    let mut listed = announced_credential::Entity::find()
        .select_only()
        .column(L::CredentialId)
        .filter(L::AnnouncementId.eq(announcement));
    if let Some(act) = act {
        listed = listed.filter(L::Act.eq(act));
    }
    credential::Column::Id.in_subquery(sea_orm::QueryTrait::into_query(listed))
}

/// What is filled in for an announcement.
pub struct AnnouncementFields {
    pub document_number: String,
    pub title: String,
    pub published_on: NaiveDate,
    pub url: Option<String>,
}

fn snapshot(row: &announcement::Model) -> serde_json::Value {
    serde_json::json!({
        "documentNumber": row.document_number, "title": row.title, "issuingBureauId": row.issuing_bureau_id,
        "publishedOn": row.published_on, "url": row.url,
    })
}

/// Records an announcement of the caller's own bureau, with its audit event.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    fields: AnnouncementFields,
) -> Change<announcement::Model> {
    let account = actor.require("createAnnouncement")?;
    let bureau = account.own_bureau()?;
    super::limit(
        "documentNumber",
        Some(&fields.document_number),
        MAX_DOCUMENT_NUMBER_CHARS,
    )?;
    super::limit("title", Some(&fields.title), super::MAX_TEXT_CHARS)?;
    super::limit("url", fields.url.as_deref(), MAX_URL_CHARS)?;
    let document_number = fields.document_number.trim().to_owned();
    let title = fields.title.trim().to_owned();
    let url = super::optional_text(fields.url);
    let mut errors = Vec::new();
    for (field, value) in [("documentNumber", &document_number), ("title", &title)] {
        if value.is_empty() {
            errors.push(UserError::new(field, "INVALID", Message::new("value-empty")));
        }
    }
    if url
        .as_deref()
        .is_some_and(|url| !(url.starts_with("https://") || url.starts_with("http://")))
    {
        errors.push(UserError::new("url", "INVALID", Message::new("url-not-http")));
    }
    if fields.published_on > actor.today {
        errors.push(UserError::new(
            "publishedOn",
            "INVALID",
            Message::new("announcement-in-future").with("today", actor.today),
        ));
    }
    let taken = announcement::Entity::find()
        .filter(announcement::Column::IssuingBureauId.eq(bureau.id))
        .filter(announcement::Column::DocumentNumber.eq(&document_number))
        .one(db)
        .await?;
    if taken.is_some() {
        errors.push(UserError::new(
            "documentNumber",
            "CONFLICT",
            Message::new("announcement-number-taken").with("bureau", &bureau.name),
        ));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let now = chrono::Utc::now();
    let row = announcement::Model {
        id: Uuid::now_v7(),
        created_at: now,
        updated_at: now,
        version: 1,
        document_number,
        title,
        issuing_bureau_id: bureau.id,
        published_on: fields.published_on,
        url,
        recorded_by: Some(account.user_id),
    };
    let action = ("CREATE_ANNOUNCEMENT", "announcement", row.id);
    let row = super::audit::create_recorded::<announcement::Entity>(
        db,
        account,
        actor.request_id.as_str(),
        action,
        row,
        snapshot,
        None,
    )
    .await?;
    Ok(Ok(row))
}

/// Longest document number accepted.
const MAX_DOCUMENT_NUMBER_CHARS: usize = 100;
/// Longest link accepted.
const MAX_URL_CHARS: usize = 500;

/// Records inside the transition's or import's transaction `txn` that `announcement` announced `act`
/// on `credential`; or, as a user error on `field`, why it cannot: no such announcement, or one
/// issued by a bureau other than the credential's granting bureau.
pub async fn announce(
    txn: &impl ConnectionTrait,
    field: &str,
    announcement_id: Uuid,
    credential: &credential::Model,
    act: AnnouncedAct,
) -> ApiResult<Result<(), UserError>> {
    let Some(announcement) = announcement::Entity::find_by_id(announcement_id).one(txn).await? else {
        return Ok(Err(UserError::new(
            field,
            "NOT_FOUND",
            Message::new("no-such-announcement"),
        )));
    };
    if let Err(error) = issued_by_granting_bureau(field, &announcement, credential) {
        return Ok(Err(error));
    }
    announce_all(txn, announcement_id, [(credential.id, act)]).await?;
    Ok(Ok(()))
}

/// Whether `announcement` may announce `credential`: only the granting bureau announces its grants.
pub fn issued_by_granting_bureau(
    field: &str,
    announcement: &announcement::Model,
    credential: &credential::Model,
) -> Result<(), UserError> {
    if announcement.issuing_bureau_id == credential.granting_bureau_id {
        return Ok(());
    }
    Err(UserError::new(
        field,
        "INVALID",
        Message::new("announcement-other-bureau").with("document", &announcement.document_number),
    ))
}

/// Records that `announcement_id` announced each (credential, act) of `acts`, inside `txn`.
pub async fn announce_all(
    txn: &impl ConnectionTrait,
    announcement_id: Uuid,
    acts: impl IntoIterator<Item = (Uuid, AnnouncedAct)>,
) -> ApiResult<()> {
    let now = chrono::Utc::now();
    let rows: Vec<announced_credential::ActiveModel> = acts
        .into_iter()
        .map(|(credential_id, act)| {
            sea_orm::IntoActiveModel::into_active_model(announced_credential::Model {
                id: Uuid::now_v7(),
                created_at: now,
                announcement_id,
                credential_id,
                act,
            })
        })
        .collect();
    for chunk in rows.chunks(1_000) {
        announced_credential::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}
