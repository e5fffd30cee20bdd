//! Geographic indications (地理标志).

use super::listing::{KeyKind, ListOrder, Listing, SortKey};
use entity::{enums::GiProtectionType, geographic_indication as gi, gi_protected_area};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use super::region::RegionScope;
use crate::actor::Actor;
use crate::i18n::Message;

/// Which geographic indications to list.
#[derive(Debug, Default)]
pub struct GiFilter {
    /// Indications under this protection system.
    pub protection_type: Option<GiProtectionType>,
    /// Indications whose home region or any protected area lies at this region or below it.
    pub region: Option<RegionScope>,
    /// Name contains this text (case-insensitive, full-width folded).
    pub name_contains: Option<super::NameTerm>,
}

/// Indications matching the filter, by name.
pub fn search(filter: &GiFilter) -> Listing<gi::Entity> {
    let mut query = gi::Entity::find();
    if let Some(protection_type) = filter.protection_type {
        query = query.filter(gi::Column::ProtectionType.eq(protection_type));
    }
    if let Some(region) = &filter.region {
        let in_area = gi_protected_area::Entity::find()
            .select_only()
            .column(gi_protected_area::Column::GiId)
            .filter(super::region::within(
                gi_protected_area::Column::RegionCode,
                region,
            ))
            .into_query();
        query = query.filter(
            Condition::any()
                .add(super::region::within(gi::Column::RegionCode, region))
                .add(gi::Column::Id.in_subquery(in_area)),
        );
    }
    if let Some(term) = &filter.name_contains {
        query = query.filter(super::names_contain(
            gi::Column::NameNormalized,
            None,
            gi::Column::NameGrams,
            term,
        ));
    }
    Listing {
        rows: query,
        order: ListOrder::by([
            SortKey::column(gi::Column::NameNormalized, KeyKind::Text),
            SortKey::column(gi::Column::Id, KeyKind::Id),
        ]),
    }
}

/// What a registrar fills in for a geographic indication.
pub struct GiFields {
    pub name: String,
    pub protection_type: GiProtectionType,
    pub registration_number: String,
    pub holder_organisation: String,
    pub region_code: String,
    /// Where the indication is protected (at least one region).
    pub protected_areas: Vec<String>,
    pub product_category: Option<String>,
    pub registered_on: Option<chrono::NaiveDate>,
}

/// Registers a geographic indication and its protected areas (registrars of a bureau competent for
/// GI authorisations, with every area inside their jurisdiction), with its audit event, in one
/// transaction. The registrar's bureau is recorded as the registering bureau.
pub async fn create(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    fields: GiFields,
) -> super::Change<gi::Model> {
    use super::UserError;
    use entity::enums::CredentialKind;
    use sea_orm::IntoActiveModel;
    let account = actor.require("createGeographicIndication")?;
    super::limit("name", Some(&fields.name), super::MAX_NAME_CHARS)?;
    super::limit(
        "holderOrganisation",
        Some(&fields.holder_organisation),
        super::MAX_NAME_CHARS,
    )?;
    super::limit(
        "registrationNumber",
        Some(&fields.registration_number),
        super::MAX_NAME_CHARS,
    )?;
    super::limit(
        "productCategory",
        fields.product_category.as_deref(),
        super::MAX_NAME_CHARS,
    )?;
    let bureau = account.own_bureau()?;
    let mut errors = Vec::new();
    let name = fields.name.trim().to_owned();
    if name.is_empty() {
        errors.push(UserError::new("name", "INVALID", Message::new("value-empty")));
    }
    let number = fields.registration_number.trim().to_owned();
    if number.is_empty() {
        errors.push(UserError::new(
            "registrationNumber",
            "INVALID",
            Message::new("value-empty"),
        ));
    } else if gi::Entity::find()
        .filter(gi::Column::RegistrationNumber.eq(number.as_str()))
        .one(db)
        .await?
        .is_some()
    {
        errors.push(UserError::new(
            "registrationNumber",
            "TAKEN",
            Message::new("gi-number-taken"),
        ));
    }
    if fields.holder_organisation.trim().is_empty() {
        errors.push(UserError::new(
            "holderOrganisation",
            "INVALID",
            Message::new("value-empty"),
        ));
    }
    let mut areas: Vec<String> = fields
        .protected_areas
        .iter()
        .map(|code| code.trim().to_owned())
        .collect();
    areas.sort();
    areas.dedup();
    if areas.is_empty() {
        errors.push(UserError::new(
            "protectedAreaCodes",
            "INVALID",
            Message::new("gi-area-empty"),
        ));
    }
    for code in std::iter::once(fields.region_code.trim()).chain(areas.iter().map(String::as_str)) {
        if super::region::find(db, code).await?.is_none() {
            errors.push(UserError::new(
                "regionCode",
                "NOT_FOUND",
                Message::new("region-code-unknown").with("code", code),
            ));
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let competence = super::bureau::competence_of(db, bureau.kind).await?;
    account.may_handle(CredentialKind::GiAuthorization, &competence)?;
    for code in std::iter::once(fields.region_code.trim()).chain(areas.iter().map(String::as_str)) {
        account.may_act_in(code, Message::new("act-register-gis"))?;
    }
    let now = chrono::Utc::now();
    let forms = crate::domain::name_forms::NameForms::of(&name, None);
    let indication = gi::Model {
        id: uuid::Uuid::now_v7(),
        created_at: now,
        updated_at: now,
        version: 1,
        name_normalized: forms.normalized,
        name_pinyin: forms.pinyin,
        name_grams: forms.grams,
        name,
        protection_type: fields.protection_type,
        registration_number: number,
        holder_organisation: fields.holder_organisation.trim().to_owned(),
        region_code: fields.region_code.trim().to_owned(),
        product_category: super::optional_text(fields.product_category),
        registered_on: fields.registered_on,
        registering_bureau_id: Some(bureau.id),
    };
    let rows = areas.iter().map(|code| {
        gi_protected_area::Model {
            id: uuid::Uuid::now_v7(),
            created_at: now,
            updated_at: now,
            version: 1,
            gi_id: indication.id,
            region_code: code.clone(),
        }
        .into_active_model()
    });
    let after = serde_json::json!({
        "name": indication.name, "protectionType": indication.protection_type,
        "registrationNumber": indication.registration_number, "holderOrganisation": indication.holder_organisation,
        "regionCode": indication.region_code, "protectedAreas": areas,
    });
    let txn = super::begin_write(db).await?;
    gi::Entity::insert(indication.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    gi_protected_area::Entity::insert_many(rows)
        .exec_without_returning(&txn)
        .await?;
    super::audit::record_change(
        &txn,
        account,
        actor.request_id.as_str(),
        "CREATE_GEOGRAPHIC_INDICATION",
        "geographic_indication",
        Some(indication.id),
        None,
        Some(after),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(indication))
}
