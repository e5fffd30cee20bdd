//! Brands.

use super::listing::{KeyKind, ListOrder, Listing, SortKey};
use entity::{brand, enums::BrandKind};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::region::RegionScope;
use crate::actor::Actor;
use crate::i18n::Message;

/// Which brands to list.
#[derive(Debug, Default)]
pub struct BrandFilter {
    /// Brands of this kind.
    pub kind: Option<BrandKind>,
    /// Brands whose home region is this region or below it.
    pub region: Option<RegionScope>,
    /// Name contains this text (case-insensitive, full-width folded).
    pub name_contains: Option<super::NameTerm>,
}

/// Brands matching the filter, by name.
pub fn search(filter: &BrandFilter) -> Listing<brand::Entity> {
    let mut query = brand::Entity::find();
    if let Some(kind) = filter.kind {
        query = query.filter(brand::Column::Kind.eq(kind));
    }
    if let Some(region) = &filter.region {
        query = query.filter(super::region::within(brand::Column::RegionCode, region));
    }
    if let Some(term) = &filter.name_contains {
        query = query.filter(super::names_contain(
            brand::Column::NameNormalized,
            None,
            brand::Column::NameGrams,
            term,
        ));
    }
    Listing {
        rows: query,
        order: ListOrder::by([
            SortKey::column(brand::Column::NameNormalized, KeyKind::Text),
            SortKey::column(brand::Column::Id, KeyKind::Id),
        ]),
    }
}

/// What a registrar fills in for a brand.
pub struct BrandFields {
    pub name: String,
    pub kind: BrandKind,
    /// The holding enterprise (every kind but regional public brands).
    pub holder_enterprise_id: Option<uuid::Uuid>,
    /// The holding association or government body (regional public brands).
    pub holder_organisation: Option<String>,
    pub region_code: String,
    pub trademark_number: Option<String>,
    pub nice_classes: Vec<i32>,
}

fn snapshot(brand: &brand::Model) -> serde_json::Value {
    serde_json::json!({
        "name": brand.name, "kind": brand.kind, "holderEnterpriseId": brand.holder_enterprise_id,
        "holderOrganisation": brand.holder_organisation, "regionCode": brand.region_code,
        "trademarkNumber": brand.trademark_number, "niceClasses": brand.nice_classes,
    })
}

/// Registers a brand (registrars, for a home region inside their jurisdiction), with its audit event.
pub async fn create(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    fields: BrandFields,
) -> super::Change<brand::Model> {
    use super::UserError;
    let account = actor.require("createBrand")?;
    super::limit("name", Some(&fields.name), super::MAX_NAME_CHARS)?;
    super::limit(
        "holderOrganisation",
        fields.holder_organisation.as_deref(),
        super::MAX_NAME_CHARS,
    )?;
    super::limit(
        "trademarkNumber",
        fields.trademark_number.as_deref(),
        super::MAX_NAME_CHARS,
    )?;
    let mut errors = Vec::new();
    let name = fields.name.trim().to_owned();
    if name.is_empty() {
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
    let organisation = super::optional_text(fields.holder_organisation);
    match (fields.kind, fields.holder_enterprise_id, &organisation) {
        (BrandKind::RegionalPublic, None, Some(_)) => {}
        (BrandKind::RegionalPublic, _, _) => errors.push(UserError::new(
            "holderOrganisation",
            "INVALID",
            Message::new("brand-regional-public-holder"),
        )),
        (_, Some(holder), _) => {
            if entity::enterprise::Entity::find_by_id(holder)
                .one(db)
                .await?
                .is_none()
            {
                errors.push(UserError::new(
                    "holderEnterpriseId",
                    "NOT_FOUND",
                    Message::new("no-such-enterprise"),
                ));
            }
        }
        (_, None, _) => errors.push(UserError::new(
            "holderEnterpriseId",
            "INVALID",
            Message::new("brand-name-holder"),
        )),
    }
    if let Some(class) = fields
        .nice_classes
        .iter()
        .find(|class| !(1..=45).contains(*class))
    {
        errors.push(UserError::new(
            "niceClasses",
            "INVALID",
            Message::new("brand-nice-class").with("class", *class),
        ));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    account.may_act_in(fields.region_code.trim(), Message::new("act-register-brands"))?;
    let now = chrono::Utc::now();
    let classes: Vec<String> = fields.nice_classes.iter().map(i32::to_string).collect();
    let forms = crate::domain::name_forms::NameForms::of(&name, None);
    let brand = brand::Model {
        id: uuid::Uuid::now_v7(),
        created_at: now,
        updated_at: now,
        version: 1,
        name_normalized: forms.normalized,
        name_pinyin: forms.pinyin,
        name_grams: forms.grams,
        name,
        kind: fields.kind,
        holder_enterprise_id: fields.holder_enterprise_id,
        holder_organisation: organisation,
        region_code: fields.region_code.trim().to_owned(),
        trademark_number: super::optional_text(fields.trademark_number),
        nice_classes: (!classes.is_empty()).then(|| classes.join(",")),
    };
    let action = ("CREATE_BRAND", "brand", brand.id);
    let brand = super::audit::create_recorded::<brand::Entity>(
        db,
        account,
        actor.request_id.as_str(),
        action,
        brand,
        snapshot,
        None,
    )
    .await?;
    Ok(Ok(brand))
}
