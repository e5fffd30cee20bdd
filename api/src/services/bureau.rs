//! Bureaus (局/委).

use super::listing::{KeyKind, ListOrder, Listing, SortKey};
use entity::{
    bureau,
    enums::{BureauKind, Level},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::region::RegionScope;
use crate::actor::Actor;
use crate::i18n::Message;

/// Which bureaus to list.
#[derive(Debug, Default)]
pub struct BureauFilter {
    /// Bureaus at this region or below it.
    pub region: Option<RegionScope>,
    /// Bureaus of this kind.
    pub kind: Option<BureauKind>,
    /// Bureaus of this level.
    pub level: Option<Level>,
}

/// Bureaus matching the filter, ordered by code.
pub fn search(filter: BureauFilter) -> Listing<bureau::Entity> {
    let mut query = bureau::Entity::find();
    if let Some(region) = &filter.region {
        query = query.filter(super::region::within(bureau::Column::RegionCode, region));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(bureau::Column::Kind.eq(kind));
    }
    if let Some(level) = filter.level {
        query = query.filter(bureau::Column::Level.eq(level));
    }
    // Codes are unique.
    Listing {
        rows: query,
        order: ListOrder::by([SortKey::column(bureau::Column::Code, KeyKind::Text)]),
    }
}

/// The bureau with this code, if any.
pub async fn by_code(
    db: &sea_orm::DatabaseConnection,
    code: &str,
) -> crate::error::ApiResult<Option<bureau::Model>> {
    Ok(bureau::Entity::find()
        .filter(bureau::Column::Code.eq(code.trim()))
        .one(db)
        .await?)
}

/// What a new bureau should be.
pub struct NewBureau {
    pub code: String,
    pub name: String,
    pub kind: BureauKind,
    pub level: Level,
    pub region_code: String,
    pub parent_id: Option<uuid::Uuid>,
}

/// Creates a bureau (system administrators only), with its audit event, in one transaction.
pub async fn create(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    new: NewBureau,
) -> super::Change<bureau::Model> {
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    let account = actor.require("createBureau")?;
    super::limit("name", Some(&new.name), super::MAX_NAME_CHARS)?;
    let code = new.code.trim().to_owned();
    let mut errors = Vec::new();
    if !(2..=32).contains(&code.len())
        || !code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
    {
        errors.push(super::UserError::new(
            "code",
            "INVALID",
            Message::new("bureau-code-format"),
        ));
    }
    if new.name.trim().is_empty() {
        errors.push(super::UserError::new(
            "name",
            "INVALID",
            Message::new("value-empty"),
        ));
    }
    if super::region::find(db, new.region_code.trim()).await?.is_none() {
        errors.push(super::UserError::new(
            "regionCode",
            "NOT_FOUND",
            Message::new("region-unknown"),
        ));
    }
    if let Some(parent) = new.parent_id
        && bureau::Entity::find_by_id(parent).one(db).await?.is_none()
    {
        errors.push(super::UserError::new(
            "parentId",
            "NOT_FOUND",
            Message::new("no-such-bureau"),
        ));
    }
    if by_code(db, &code).await?.is_some() {
        errors.push(super::UserError::new(
            "code",
            "TAKEN",
            Message::new("bureau-code-taken"),
        ));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let now = chrono::Utc::now();
    let bureau = bureau::Model {
        id: uuid::Uuid::now_v7(),
        created_at: now,
        updated_at: now,
        version: 1,
        code,
        name: new.name.trim().to_owned(),
        kind: new.kind,
        level: new.level,
        region_code: new.region_code.trim().to_owned(),
        parent_id: new.parent_id,
    };
    let txn = super::begin_write(db).await?;
    let bureau = bureau.into_active_model().insert(&txn).await?;
    let after = serde_json::json!({ "code": bureau.code, "name": bureau.name, "kind": bureau.kind,
        "level": bureau.level, "regionCode": bureau.region_code, "parentId": bureau.parent_id });
    super::audit::record_change(
        &txn,
        account,
        actor.request_id.as_str(),
        "CREATE_BUREAU",
        "bureau",
        Some(bureau.id),
        None,
        Some(after),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(bureau))
}

/// Sets which credential kinds bureaus of `kind` may grant (system administrators only); returns them.
pub async fn set_competence(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    kind: BureauKind,
    mut credential_kinds: Vec<entity::enums::CredentialKind>,
) -> crate::error::ApiResult<Vec<entity::enums::CredentialKind>> {
    use entity::bureau_competence as competence;
    use sea_orm::IntoActiveModel;
    let account = actor.require("setBureauCompetence")?;
    credential_kinds.sort_by_key(|k| format!("{k:?}"));
    credential_kinds.dedup();
    let txn = super::begin_write(db).await?;
    let before: Vec<_> = competence::Entity::find()
        .filter(competence::Column::BureauKind.eq(kind))
        .all(&txn)
        .await?
        .into_iter()
        .map(|row| row.credential_kind)
        .collect();
    competence::Entity::delete_many()
        .filter(competence::Column::BureauKind.eq(kind))
        .exec(&txn)
        .await?;
    let now = chrono::Utc::now();
    if !credential_kinds.is_empty() {
        let rows = credential_kinds.iter().map(|credential_kind| {
            competence::Model {
                id: uuid::Uuid::now_v7(),
                created_at: now,
                updated_at: now,
                version: 1,
                bureau_kind: kind,
                credential_kind: *credential_kind,
            }
            .into_active_model()
        });
        competence::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
    }
    super::audit::record_change(
        &txn,
        account,
        actor.request_id.as_str(),
        "SET_BUREAU_COMPETENCE",
        "bureau_kind",
        None,
        Some(serde_json::json!({ "bureauKind": kind, "credentialKinds": before })),
        Some(serde_json::json!({ "bureauKind": kind, "credentialKinds": credential_kinds })),
    )
    .await?;
    txn.commit().await?;
    Ok(credential_kinds)
}

/// The credential kinds a kind of bureau may grant (the `bureau_competence` reference data).
pub async fn competence_of(
    db: &impl sea_orm::ConnectionTrait,
    kind: BureauKind,
) -> crate::error::ApiResult<Vec<entity::enums::CredentialKind>> {
    use entity::bureau_competence as competence;
    Ok(competence::Entity::find()
        .filter(competence::Column::BureauKind.eq(kind))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.credential_kind)
        .collect())
}

/// The bureau at `level` on the way up from `bureau` (itself included): where a nomination goes.
pub async fn at_level_above(
    db: &impl sea_orm::ConnectionTrait,
    bureau: &bureau::Model,
    level: Level,
) -> crate::error::ApiResult<Option<bureau::Model>> {
    let mut current = Some(bureau.clone());
    // The tree is at most four levels deep; a cycle in bad data must not loop forever.
    for _ in 0..8 {
        match current {
            Some(found) if found.level == level => return Ok(Some(found)),
            Some(found) => {
                current = match found.parent_id {
                    Some(parent) => bureau::Entity::find_by_id(parent).one(db).await?,
                    None => None,
                }
            }
            None => return Ok(None),
        }
    }
    Ok(None)
}
