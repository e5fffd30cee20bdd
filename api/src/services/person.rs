//! Persons: award recipients and chief quality officers. Registrars register and edit them inside
//! their jurisdiction; identity number and phone are personal data (see the access policy).

use chrono::Utc;
use entity::{enterprise, person};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, IntoActiveModel};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Change, UserError, optional_text};
use crate::actor::Actor;
use crate::error::{ApiError, ApiResult};
use crate::i18n::Message;

/// What a registrar fills in for a person.
pub struct PersonFields {
    pub name: String,
    pub region_code: String,
    pub identity_number: Option<String>,
    pub phone: Option<String>,
    pub employer_id: Option<Uuid>,
}

/// The fields checked: identity number parsed, references known.
struct Checked {
    identity_number: Option<String>,
}

impl PersonFields {
    /// Refuses free text over its length limit.
    fn within_limits(&self) -> ApiResult<()> {
        use super::{MAX_NAME_CHARS, limit};
        limit("fields.name", Some(&self.name), MAX_NAME_CHARS)?;
        limit(
            "fields.identityNumber",
            self.identity_number.as_deref(),
            MAX_NAME_CHARS,
        )?;
        limit("fields.phone", self.phone.as_deref(), MAX_NAME_CHARS)
    }
}

async fn check(db: &DatabaseConnection, fields: &PersonFields) -> ApiResult<Result<Checked, Vec<UserError>>> {
    let mut errors = Vec::new();
    if fields.name.trim().is_empty() {
        errors.push(UserError::new("name", "INVALID", Message::new("value-empty")));
    }
    if super::region::find(db, fields.region_code.trim())
        .await?
        .is_none()
    {
        errors.push(UserError::new(
            "regionCode",
            "NOT_FOUND",
            Message::new("region-unknown"),
        ));
    }
    let identity_number = match optional_text(fields.identity_number.clone()) {
        None => None,
        Some(text) => match crate::domain::identity_number::parse(&text) {
            Ok(number) => Some(number),
            Err(reason) => {
                errors.push(UserError::new("identityNumber", "INVALID", reason));
                None
            }
        },
    };
    if let Some(employer) = fields.employer_id
        && enterprise::Entity::find_by_id(employer).one(db).await?.is_none()
    {
        errors.push(UserError::new(
            "employerId",
            "NOT_FOUND",
            Message::new("no-such-enterprise"),
        ));
    }
    Ok(if errors.is_empty() {
        Ok(Checked { identity_number })
    } else {
        Err(errors)
    })
}

/// The audit record of a person: personal data is recorded as present or not, never its value.
pub(super) fn snapshot(person: &person::Model) -> Value {
    json!({
        "name": person.name, "regionCode": person.region_code, "employerId": person.employer_id,
        "hasIdentityNumber": person.identity_number.is_some(), "hasPhone": person.phone.is_some(),
        "version": person.version,
    })
}

/// Registers a person (registrars, inside their jurisdiction), with its audit event.
pub async fn create(db: &DatabaseConnection, actor: &Actor, fields: PersonFields) -> Change<person::Model> {
    let account = actor.require("createPerson")?;
    fields.within_limits()?;
    let checked = match check(db, &fields).await? {
        Ok(checked) => checked,
        Err(errors) => return Ok(Err(errors)),
    };
    account.may_act_in(fields.region_code.trim(), Message::new("act-register"))?;
    let now = Utc::now();
    let name = fields.name.trim().to_owned();
    let forms = crate::domain::name_forms::NameForms::of(&name, None);
    let person = person::Model {
        id: Uuid::now_v7(),
        created_at: now,
        updated_at: now,
        version: 1,
        name_normalized: forms.normalized,
        name_pinyin: forms.pinyin,
        name_grams: forms.grams,
        name,
        identity_number: checked.identity_number,
        phone: optional_text(fields.phone),
        employer_id: fields.employer_id,
        region_code: fields.region_code.trim().to_owned(),
    };
    let action = ("CREATE_PERSON", "person", person.id);
    let person = super::audit::create_recorded::<person::Entity>(
        db,
        account,
        actor.request_id.as_str(),
        action,
        person,
        snapshot,
        None,
    )
    .await?;
    Ok(Ok(person))
}

/// Edits a person if `expected_version` is still current (else `CONFLICT` with the current version and
/// nothing changes); the registrar must cover the person's region before and after.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    fields: PersonFields,
) -> Change<person::Model> {
    let account = actor.require("updatePerson")?;
    fields.within_limits()?;
    // Persons outside the jurisdiction are hidden from registrars, so they answer as missing.
    let current = person::Entity::find_by_id(id).one(db).await?;
    let Some(current) = current.filter(|person| account.covers(&person.region_code)) else {
        return Ok(Err(vec![UserError::new(
            "id",
            "NOT_FOUND",
            Message::new("no-such-person"),
        )]));
    };
    let checked = match check(db, &fields).await? {
        Ok(checked) => checked,
        Err(errors) => return Ok(Err(errors)),
    };
    account.may_act_in(fields.region_code.trim(), Message::new("act-register"))?;
    if current.version != expected_version {
        return Err(ApiError::StaleVersion {
            current: current.version,
        });
    }
    let before = Some(snapshot(&current));
    let name = fields.name.trim().to_owned();
    let mut change = current.into_active_model();
    let forms = crate::domain::name_forms::NameForms::of(&name, None);
    change.name_normalized = Set(forms.normalized);
    change.name_pinyin = Set(forms.pinyin);
    change.name_grams = Set(forms.grams);
    change.name = Set(name);
    change.region_code = Set(fields.region_code.trim().to_owned());
    change.identity_number = Set(checked.identity_number);
    change.phone = Set(optional_text(fields.phone));
    change.employer_id = Set(fields.employer_id);
    change.version = Set(expected_version + 1);
    change.updated_at = Set(Utc::now());
    let txn = super::begin_write(db).await?;
    let person = super::versioned_update::<person::Entity>(
        &txn,
        change,
        id,
        person::Column::Version,
        expected_version,
    )
    .await?;
    let after = Some(snapshot(&person));
    super::audit::record_change(
        &txn,
        account,
        actor.request_id.as_str(),
        "UPDATE_PERSON",
        "person",
        Some(person.id),
        before,
        after,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(person))
}
