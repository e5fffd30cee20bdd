//! Enterprises.

use std::collections::HashMap;

use entity::{
    enterprise, enterprise_former_name,
    enums::{EnterpriseScale, EnterpriseStatus},
};
use sea_orm::sea_query::{Alias, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Select,
};
use uuid::Uuid;

use super::listing::{Cut, KeyKind, ListOrder, Listing, SortKey};
use super::region::RegionScope;
use super::{Change, SortDirection, UserError};
use crate::actor::Actor;
use crate::domain::Uscc;
use crate::error::{ApiError, ApiResult};
use crate::i18n::Message;

/// Which enterprises to list.
#[derive(Debug, Default)]
pub struct EnterpriseFilter {
    /// Enterprises registered at this region or below it.
    pub region: Option<RegionScope>,
    /// Name contains this text (case-insensitive, full-width folded).
    pub name_contains: Option<super::NameTerm>,
    /// Enterprises in this registration state.
    pub status: Option<EnterpriseStatus>,
    /// Enterprises of this size class.
    pub scale: Option<EnterpriseScale>,
}

/// How enterprise lists are ordered.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, async_graphql::Enum)]
pub enum EnterpriseOrderField {
    /// By name (folded form).
    #[default]
    Name,
    /// By unified social credit code.
    Uscc,
    /// By date of establishment.
    EstablishedOn,
}

/// Enterprises matching the filter, in the requested order (id breaks ties, so pages are stable).
pub fn search(
    filter: &EnterpriseFilter,
    order: EnterpriseOrderField,
    direction: SortDirection,
) -> Listing<enterprise::Entity> {
    let rows = unnamed(filter);
    Listing {
        rows: match &filter.name_contains {
            Some(term) => rows.filter(named(term)),
            None => rows,
        },
        order: list_order(order, direction),
    }
}

/// The rows of [`search`]'s list within `cut`, of which the first `window` are read: a name term is
/// matched by each of its ways ([`super::name_branches`]) separately, each the first `window` rows of
/// its own indexed query. A province's name starts thousands of names; walking the name order to find
/// them passes every name before, while its range finds them at once.
pub fn search_within(filter: &EnterpriseFilter, cut: &Cut<'_>, window: u64) -> Select<enterprise::Entity> {
    use enterprise::Column as C;
    let query = cut.apply(unnamed(filter));
    match &filter.name_contains {
        Some(term) => {
            let branches = match (term.pair_holders(), cut.direction_by(C::NameNormalized)) {
                // Read by name on PostgreSQL: the term after a name's start is found from the holders of
                // its pair in that order, each checked against the list's filters and cut.
                (Some(holders), Some(direction)) => {
                    let mut ids = query.clone().select_only().column(C::Id).into_query();
                    ids.inner_join(
                        Alias::new(super::NAME_PAIRS),
                        Expr::col(super::name_pair("enterprise_id")).equals((enterprise::Entity, C::Id)),
                    )
                    .cond_where(holders)
                    .clear_order_by()
                    .order_by(super::name_pair("name_normalized"), direction.clone())
                    .order_by(super::name_pair("enterprise_id"), direction);
                    let listed = super::Branch::Listed {
                        table: "enterprise",
                        ids: Box::new(ids),
                    };
                    let mut branches = term.start_and_former_names(
                        C::NameNormalized,
                        C::FormerNamesNormalized,
                        C::NameGrams,
                    );
                    branches.push(listed);
                    branches
                }
                _ => name_ways(term, super::name_branches),
            };
            let matching = super::among_first(term.backend(), &query, C::Id, branches, window);
            query.filter(matching)
        }
        None => query,
    }
}

/// Enterprises matching the filter but its name term.
fn unnamed(filter: &EnterpriseFilter) -> Select<enterprise::Entity> {
    let mut query = enterprise::Entity::find();
    if let Some(region) = &filter.region {
        query = query.filter(super::region::within_by_prefix("region_code", region));
    }
    if let Some(status) = filter.status {
        query = query.filter(enterprise::Column::Status.eq(status));
    }
    if let Some(scale) = filter.scale {
        query = query.filter(enterprise::Column::Scale.eq(scale));
    }
    query
}

/// The order of enterprise lists by `field`: the id breaks ties, in the same direction, so that one
/// index read either way serves a page.
fn list_order(field: EnterpriseOrderField, direction: SortDirection) -> ListOrder {
    use enterprise::Column as C;
    let descending = direction == SortDirection::Desc;
    let first = match field {
        EnterpriseOrderField::Name => SortKey::column(C::NameNormalized, KeyKind::Text),
        // Codes are unique: they need no tie-breaker.
        EnterpriseOrderField::Uscc => {
            return ListOrder::by([SortKey::column(C::Uscc, KeyKind::Text).descending(descending)]);
        }
        // Unknown founding dates come last in either direction: read as the far end of the calendar,
        // the expressions of the date indexes (migration `m20261205_000019_list_orders`).
        EnterpriseOrderField::EstablishedOn => {
            let far_end = if descending { "0001-01-01" } else { "9999-12-31" };
            let date = Expr::cust(format!("COALESCE(established_on, '{far_end}')"));
            SortKey::new("enterprise.established_on", date, KeyKind::Date)
        }
    };
    ListOrder::by([
        first.descending(descending),
        SortKey::column(C::Id, KeyKind::Id).descending(descending),
    ])
}

/// A new active enterprise row, its search forms derived from `name`; everything else unknown until the
/// caller says (`enterprise::Model { scale: …, ..new_row(…) }`).
pub fn new_row(
    uscc: &Uscc,
    name: String,
    region_code: String,
    now: chrono::DateTime<chrono::Utc>,
) -> enterprise::Model {
    let forms = crate::domain::name_forms::NameForms::of(&name, None);
    enterprise::Model {
        id: uuid::Uuid::now_v7(),
        created_at: now,
        updated_at: now,
        version: 1,
        uscc: uscc.to_string(),
        name_normalized: forms.normalized,
        name_pinyin: forms.pinyin,
        name_grams: forms.grams,
        former_names_normalized: None,
        name,
        region_code,
        industry_code: None,
        scale: None,
        status: EnterpriseStatus::Active,
        established_on: None,
        registered_capital_cny: None,
        legal_representative: None,
        address: None,
    }
}

/// The enterprise with this code, if any.
pub async fn by_uscc(db: &DatabaseConnection, uscc: &Uscc) -> ApiResult<Option<enterprise::Model>> {
    Ok(enterprise::Entity::find()
        .filter(enterprise::Column::Uscc.eq(uscc.as_str()))
        .one(db)
        .await?)
}

/// The enterprises with these codes, by code, in one statement.
pub async fn by_usccs(
    db: &DatabaseConnection,
    usccs: &[Uscc],
) -> ApiResult<HashMap<String, enterprise::Model>> {
    if usccs.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = registered_under(db, usccs).all(db).await?;
    Ok(rows.into_iter().map(|row| (row.uscc.clone(), row)).collect())
}

/// The ids of the enterprises registered under `usccs`, by code: only the code and the id are read,
/// not the names and search forms a thousand rows would carry.
pub async fn ids_by_uscc(db: &DatabaseConnection, usccs: &[Uscc]) -> ApiResult<HashMap<String, Uuid>> {
    if usccs.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(registered_under(db, usccs)
        .select_only()
        .column(enterprise::Column::Uscc)
        .column(enterprise::Column::Id)
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The enterprises registered under `usccs`, the codes bound as one value where the backend can.
fn registered_under(db: &DatabaseConnection, usccs: &[Uscc]) -> Select<enterprise::Entity> {
    let codes = usccs.iter().map(|code| code.as_str().to_owned()).collect();
    enterprise::Entity::find().filter(super::one_of(
        db.get_database_backend(),
        enterprise::Column::Uscc,
        codes,
    ))
}

impl EnterpriseFields {
    /// Refuses free text over its length limit.
    fn within_limits(&self) -> ApiResult<()> {
        use super::{MAX_NAME_CHARS, MAX_TEXT_CHARS, limit};
        limit("fields.name", Some(&self.name), MAX_NAME_CHARS)?;
        limit(
            "fields.legalRepresentative",
            self.legal_representative.as_deref(),
            MAX_NAME_CHARS,
        )?;
        limit("fields.address", self.address.as_deref(), MAX_TEXT_CHARS)?;
        limit(
            "fields.industryCode",
            self.industry_code.as_deref(),
            MAX_NAME_CHARS,
        )?;
        limit(
            "fields.registeredCapitalCny",
            self.registered_capital_cny.as_deref(),
            MAX_NAME_CHARS,
        )
    }
}

/// What a registrar fills in for an enterprise (the USCC only when creating: it never changes).
pub struct EnterpriseFields {
    pub name: String,
    pub region_code: String,
    pub industry_code: Option<String>,
    pub scale: Option<EnterpriseScale>,
    pub established_on: Option<chrono::NaiveDate>,
    pub registered_capital_cny: Option<String>,
    pub legal_representative: Option<String>,
    pub address: Option<String>,
}

/// Checks the fields; returns the capital parsed, or what to fix.
async fn check(
    db: &DatabaseConnection,
    fields: &EnterpriseFields,
) -> ApiResult<Result<Option<i64>, Vec<UserError>>> {
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
    let capital = match fields.registered_capital_cny.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => match text.parse::<i64>() {
            Ok(yuan) if yuan >= 0 => Some(yuan),
            _ => {
                errors.push(UserError::new(
                    "registeredCapitalCny",
                    "INVALID",
                    Message::new("capital-format"),
                ));
                None
            }
        },
    };
    Ok(if errors.is_empty() {
        Ok(capital)
    } else {
        Err(errors)
    })
}

fn snapshot(enterprise: &enterprise::Model) -> serde_json::Value {
    serde_json::json!({
        "uscc": enterprise.uscc, "name": enterprise.name, "regionCode": enterprise.region_code,
        "industryCode": enterprise.industry_code, "scale": enterprise.scale, "status": enterprise.status,
        "establishedOn": enterprise.established_on, "registeredCapitalCny": enterprise.registered_capital_cny,
        "legalRepresentative": enterprise.legal_representative, "address": enterprise.address,
        "version": enterprise.version,
    })
}

/// Registers an enterprise (registrars, inside their jurisdiction), with its audit event.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    uscc: &str,
    fields: EnterpriseFields,
) -> Change<enterprise::Model> {
    let account = actor.require("createEnterprise")?;
    fields.within_limits()?;
    let parsed = Uscc::parse(uscc);
    let checked = check(db, &fields).await?;
    let (uscc, capital) = match (parsed, checked) {
        (Ok(uscc), Ok(capital)) => (uscc, capital),
        (parsed, checked) => {
            let mut errors = Vec::new();
            if let Err(reason) = parsed {
                errors.push(UserError::new("uscc", "INVALID", reason.message()));
            }
            errors.extend(checked.err().unwrap_or_default());
            return Ok(Err(errors));
        }
    };
    // The fields are sound; now whether this registrar may register there.
    account.may_act_in(fields.region_code.trim(), Message::new("act-register"))?;
    if by_uscc(db, &uscc).await?.is_some() {
        return Ok(Err(vec![UserError::new(
            "uscc",
            "TAKEN",
            Message::new("enterprise-uscc-taken"),
        )]));
    }
    let now = chrono::Utc::now();
    let name = fields.name.trim().to_owned();
    let enterprise = enterprise::Model {
        industry_code: super::optional_text(fields.industry_code),
        scale: fields.scale,
        established_on: fields.established_on,
        registered_capital_cny: capital,
        legal_representative: super::optional_text(fields.legal_representative),
        address: super::optional_text(fields.address),
        ..new_row(&uscc, name, fields.region_code.trim().to_owned(), now)
    };
    let action = ("CREATE_ENTERPRISE", "enterprise", enterprise.id);
    let enterprise = super::audit::create_recorded::<enterprise::Entity>(
        db,
        account,
        actor.request_id.as_str(),
        action,
        enterprise,
        snapshot,
        Some(super::changes::Published::enterprise),
    )
    .await?;
    Ok(Ok(enterprise))
}

/// Enterprises whose name, or a name they had before, contains `term` (folded, as `nameContains`):
/// columns of the row, so their indexes combine.
pub fn named(term: &super::NameTerm) -> Condition {
    name_ways(term, super::names_contain)
}

/// `ways` (a name condition of [`super`]) applied to an enterprise's name, former names and grams.
fn name_ways<T>(
    term: &super::NameTerm,
    ways: fn(enterprise::Column, Option<enterprise::Column>, enterprise::Column, &super::NameTerm) -> T,
) -> T {
    use enterprise::Column as C;
    ways(
        C::NameNormalized,
        Some(C::FormerNamesNormalized),
        C::NameGrams,
        term,
    )
}

/// The search form of former names `stored` with `former` added: each folded name enclosed in line
/// breaks, so a search can tell a whole name (`%\nname\n%`) from the start of one (`%\nname%`).
fn with_former_name(stored: Option<&str>, former: &str) -> String {
    format!(
        "{}{}\n",
        stored.unwrap_or("\n"),
        crate::domain::text::fold(former)
    )
}

/// Records that enterprise `id` was called `name` until `today`: since its rename before, or since
/// `established_on` when this was its first name.
async fn record_former_name(
    txn: &impl sea_orm::ConnectionTrait,
    id: uuid::Uuid,
    name: String,
    established_on: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> ApiResult<()> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let previous = enterprise_former_name::Entity::find()
        .filter(enterprise_former_name::Column::EnterpriseId.eq(id))
        .order_by_desc(enterprise_former_name::Column::UsedUntil)
        .one(txn)
        .await?;
    let now = chrono::Utc::now();
    enterprise_former_name::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        enterprise_id: Set(id),
        name_normalized: Set(crate::domain::text::fold(&name)),
        name: Set(name),
        used_from: Set(previous.map_or(established_on, |previous| Some(previous.used_until))),
        used_until: Set(today),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Edits an enterprise if `expected_version` is still current (else `CONFLICT` with the current
/// version and nothing changes); the registrar must cover its region before and after.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: uuid::Uuid,
    expected_version: i32,
    fields: EnterpriseFields,
) -> Change<enterprise::Model> {
    let account = actor.require("updateEnterprise")?;
    fields.within_limits()?;
    use sea_orm::{ActiveValue::Set, IntoActiveModel};
    // Enterprises are public, so one outside the jurisdiction is refused rather than hidden.
    let Some(current) = enterprise::Entity::find_by_id(id).one(db).await? else {
        return Ok(Err(vec![UserError::new(
            "id",
            "NOT_FOUND",
            Message::new("no-such-enterprise"),
        )]));
    };
    let capital = match check(db, &fields).await? {
        Ok(capital) => capital,
        Err(errors) => return Ok(Err(errors)),
    };
    account.may_act_in(&current.region_code, Message::new("act-edit-enterprises"))?;
    account.may_act_in(fields.region_code.trim(), Message::new("act-register"))?;
    if current.version != expected_version {
        return Err(ApiError::StaleVersion {
            current: current.version,
        });
    }
    let before = Some(snapshot(&current));
    let name = fields.name.trim().to_owned();
    let renamed = (name != current.name).then(|| (current.name.clone(), current.established_on));
    let former_names = match &renamed {
        Some((former, _)) => Some(with_former_name(
            current.former_names_normalized.as_deref(),
            former,
        )),
        None => current.former_names_normalized.clone(),
    };
    let mut change = current.into_active_model();
    let forms = crate::domain::name_forms::NameForms::of(&name, former_names.as_deref());
    change.former_names_normalized = Set(former_names);
    change.name_normalized = Set(forms.normalized);
    change.name_pinyin = Set(forms.pinyin);
    change.name_grams = Set(forms.grams);
    change.name = Set(name);
    change.region_code = Set(fields.region_code.trim().to_owned());
    change.industry_code = Set(super::optional_text(fields.industry_code));
    change.scale = Set(fields.scale);
    change.established_on = Set(fields.established_on);
    change.registered_capital_cny = Set(capital);
    change.legal_representative = Set(super::optional_text(fields.legal_representative));
    change.address = Set(super::optional_text(fields.address));
    change.version = Set(expected_version + 1);
    change.updated_at = Set(chrono::Utc::now());
    let txn = super::changes::begin(db).await?;
    let enterprise = super::versioned_update::<enterprise::Entity>(
        &txn,
        change,
        id,
        enterprise::Column::Version,
        expected_version,
    )
    .await?;
    if let Some((former, established_on)) = renamed {
        record_former_name(&txn, enterprise.id, former, established_on, actor.today).await?;
    }
    let after = Some(snapshot(&enterprise));
    super::audit::record_change(
        &txn,
        account,
        actor.request_id.as_str(),
        "UPDATE_ENTERPRISE",
        "enterprise",
        Some(enterprise.id),
        before,
        after,
    )
    .await?;
    let change = super::changes::Published::enterprise("UPDATE_ENTERPRISE", &enterprise);
    super::changes::publish(&txn, change).await?;
    txn.commit().await?;
    Ok(Ok(enterprise))
}

#[cfg(test)]
mod tests {
    use sea_orm::{DbBackend, EntityTrait, IntoActiveModel};

    use super::*;

    /// The names of the list `search_within` reads by name, `first` rows a page, page after page.
    async fn pages(db: &DatabaseConnection, filter: &EnterpriseFilter, first: u64) -> Vec<String> {
        use sea_orm::QuerySelect;
        let order = list_order(EnterpriseOrderField::Name, SortDirection::Asc);
        let mut names = Vec::new();
        let mut after = None;
        loop {
            let cut = Cut::new(&order, false, after.take(), None);
            let page = order.with_keys(search_within(filter, &cut, first).limit(first));
            let rows = order.read(db, page).await.unwrap_or_else(|e| panic!("{e}"));
            let Some((_, last)) = rows.last() else {
                return names;
            };
            after = Some(last.clone());
            names.extend(rows.into_iter().map(|(row, _)| row.name));
        }
    }

    #[tokio::test]
    async fn a_common_or_rare_key_gram_reads_the_same_pages_as_the_whole_list() {
        let db = crate::db::connect("sqlite::memory:", 1)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        crate::db::migrate(&db).await.unwrap_or_else(|e| panic!("{e}"));
        let names = ["四川甲", "重庆四川乙", "四川丙", "贵州丁", "乙四川", "丁"];
        let rows = names.iter().enumerate().map(|(i, name)| {
            let uscc =
                Uscc::with_check_character(&format!("91500000MA{i:07}")).unwrap_or_else(|e| panic!("{e:?}"));
            new_row(
                &uscc,
                (*name).to_owned(),
                "500103".to_owned(),
                chrono::DateTime::UNIX_EPOCH,
            )
            .into_active_model()
        });
        enterprise::Entity::insert_many(rows)
            .exec(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        for term in ["四川", "川", "丁", "重", "四川乙", "庆四川", "重庆四川乙"] {
            let whole: Vec<String> = search(
                &EnterpriseFilter {
                    name_contains: Some(super::super::NameTerm::new(DbBackend::Sqlite, term)),
                    ..EnterpriseFilter::default()
                },
                EnterpriseOrderField::Name,
                SortDirection::Asc,
            )
            .ordered()
            .all(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|row| row.name)
            .collect();
            assert!(!whole.is_empty(), "{term}");
            for holders in [
                super::super::Holders::Unweighed,
                super::super::Holders::Few,
                super::super::Holders::Many,
            ] {
                let term = super::super::NameTerm::new(DbBackend::Sqlite, term);
                let term = super::super::NameTerm {
                    key: super::super::GramKey {
                        holders,
                        ..term.key.clone()
                    },
                    ..term
                };
                let filter = EnterpriseFilter {
                    name_contains: Some(term),
                    ..EnterpriseFilter::default()
                };
                assert_eq!(pages(&db, &filter, 1).await, whole, "{holders:?}");
                assert_eq!(pages(&db, &filter, 10).await, whole, "{holders:?}");
            }
        }
    }
}
