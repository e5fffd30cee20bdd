//! `registry generate`: a registry of a chosen size, for benchmarks. Enterprises are spread over every
//! county-level region in force, provinces weighted by their share of China's market entities, with
//! names made the way real ones are (province, county, trade name, trade, legal form) and valid USCCs.
//! The same seed gives the same registry.
//!
//! Credentials are generated for the enterprises of the run: little giants (provincial 专精特新 SMEs
//! granted by their province's industry bureau, national little giants by MIIT), national green
//! factories and quality-award nominations, in every state a registry holds (granted and in force,
//! granted and expired, renewed, revoked, rejected, in review, drafts), each granted one with its
//! validity periods. A registry without bureaus first gets the demo's bureaus and programmes.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use entity::enums::{
    BureauKind, CredentialKind, CredentialStatus, EnterpriseScale, EnterpriseStatus, GreenKind, Level,
    LittleGiantTier,
};
use entity::{award_program, bureau, credential, credential_period, enterprise, region};
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    TransactionTrait,
};
use uuid::Uuid;

use super::base31;
use super::catalogue::{FORMS, TRADES};
use crate::domain::Uscc;
use crate::services::credential::Blank;
use crate::services::enterprise::new_row;
use crate::services::proposal::{ACTIVE_STATES, Detail, exclusive_key};

/// Each province's weight (GB/T 2260 two-digit code): its market entities in hundreds of thousands,
/// rounded from published provincial figures of recent years. For the skew only.
const PROVINCE_WEIGHTS: &[(&str, u32)] = &[
    ("44", 176),
    ("32", 141),
    ("37", 140),
    ("41", 105),
    ("33", 100),
    ("51", 85),
    ("13", 80),
    ("34", 70),
    ("42", 70),
    ("35", 69),
    ("43", 65),
    ("61", 50),
    ("53", 50),
    ("21", 48),
    ("36", 45),
    ("45", 45),
    ("52", 40),
    ("50", 37),
    ("14", 37),
    ("31", 33),
    ("23", 30),
    ("22", 30),
    ("46", 29),
    ("15", 28),
    ("11", 25),
    ("65", 25),
    ("62", 22),
    ("12", 15),
    ("64", 7),
    ("63", 6),
    ("54", 5),
];

/// Characters trade names (字号) are made of, two at a time.
const TRADE_NAME_CHARACTERS: &str = "华鑫源泰盛通达宏瑞丰恒兴隆昌佳旺顺鼎嘉诚信德汇金银天宇新科博创力远航晟益和美联安康久百川卓越志腾飞锦程海洋光明星辰龙凤祥云山水江河湖峰林森茂荣富贵吉利中亿万众合群英俊豪杰凯旋东南西北正大方圆";

/// Size classes drawn from: most enterprises are micro or small.
const SCALES: [EnterpriseScale; 10] = [
    EnterpriseScale::Micro,
    EnterpriseScale::Micro,
    EnterpriseScale::Micro,
    EnterpriseScale::Micro,
    EnterpriseScale::Micro,
    EnterpriseScale::Small,
    EnterpriseScale::Small,
    EnterpriseScale::Small,
    EnterpriseScale::Medium,
    EnterpriseScale::Large,
];

/// Rows per transaction (written 400 to an `INSERT`, under every backend's bound-parameter limit).
const ROWS_PER_TRANSACTION: usize = 10_000;

/// Where generated enterprises can be: each province's county-level regions in force, with their
/// short names, and the province's short name.
struct Places {
    provinces: Vec<(String, Vec<(String, String)>)>,
    weights: WeightedIndex<u32>,
    trade_name_characters: Vec<char>,
}

/// A region's name without its administrative suffix: 万州区 → 万州, 四川省 → 四川.
fn short_name(name: &str) -> &str {
    const SUFFIXES: [&str; 12] = [
        "特别行政区",
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "自治区",
        "自治县",
        "自治旗",
        "省",
        "市",
        "区",
        "县",
        "旗",
    ];
    SUFFIXES
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix).filter(|rest| rest.chars().count() >= 2))
        .unwrap_or(name)
}

impl Places {
    async fn load(db: &DatabaseConnection) -> Result<Self, DbErr> {
        let in_force = region::Entity::find()
            .filter(region::Column::AbolishedOn.is_null())
            .all(db)
            .await?;
        let province_names: BTreeMap<&str, &str> = in_force
            .iter()
            .filter(|r| r.level == Level::Provincial)
            .map(|r| (&r.code[..2], short_name(&r.name)))
            .collect();
        let mut counties: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
        for county in in_force.iter().filter(|r| r.level == Level::County) {
            counties
                .entry(&county.code[..2])
                .or_default()
                .push((county.code.clone(), short_name(&county.name).to_owned()));
        }
        let mut provinces = Vec::new();
        let mut weights = Vec::new();
        for (code, weight) in PROVINCE_WEIGHTS {
            if let (Some(name), Some(places)) = (province_names.get(code), counties.remove(code)) {
                provinces.push(((*name).to_owned(), places));
                weights.push(*weight);
            }
        }
        let weights = WeightedIndex::new(weights).map_err(|err| {
            DbErr::Custom(format!("no county-level regions to place enterprises in: {err}"))
        })?;
        Ok(Self {
            provinces,
            weights,
            trade_name_characters: TRADE_NAME_CHARACTERS.chars().collect(),
        })
    }
}

/// One generated enterprise, the `sequence`-th of the registry, founded by `today` and stamped `now`.
fn enterprise(
    places: &Places,
    rng: &mut StdRng,
    sequence: u64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<enterprise::Model, DbErr> {
    let (province, counties) = &places.provinces[places.weights.sample(rng)];
    let (code, county) = counties
        .choose(rng)
        .ok_or_else(|| DbErr::Custom("a province without counties".to_owned()))?;
    let trade_name: String = (0..2)
        .filter_map(|_| places.trade_name_characters.choose(rng))
        .collect();
    let trade = TRADES.choose(rng).copied().unwrap_or_default();
    let form = FORMS.choose(rng).copied().unwrap_or_default();
    let name = format!("{province}{county}{trade_name}{trade}{form}");
    // `MB`: generated data, never a code the demo (`MA`) uses.
    let uscc = Uscc::with_check_character(&format!("91{code}MB{}", base31(sequence, 7)))
        .map_err(|err| DbErr::Custom(format!("generated USCC invalid: {err:?}")))?;
    // Founded on a day of the 36 years up to the registry's today.
    let established = today.checked_sub_days(Days::new(rng.random_range(0..36 * 365)));
    Ok(enterprise::Model {
        industry_code: Some(format!("C{}", rng.random_range(13..43))),
        scale: SCALES.choose(rng).copied(),
        // One in twenty has left the register.
        status: match rng.random_range(0..20) {
            0 => EnterpriseStatus::Deregistered,
            1 => EnterpriseStatus::Revoked,
            _ => EnterpriseStatus::Active,
        },
        established_on: established,
        registered_capital_cny: Some(100_000 * rng.random_range(1..5_000)),
        ..new_row(&uscc, name, code.clone(), now)
    })
}

/// What one run of `registry generate` added.
pub struct Generated {
    /// Enterprises the registry holds now.
    pub enterprises_held: u64,
    /// Credentials added.
    pub credentials_added: u64,
}

/// Adds `enterprises` enterprises made from `seed` to the registry in `db`, founded before `today` (the
/// registry's business date), and `credentials` credentials held by them. Numbering continues after
/// the enterprises already there, so runs add up.
pub async fn registry(
    db: &DatabaseConnection,
    enterprises: u64,
    credentials: u64,
    seed: u64,
    today: NaiveDate,
) -> Result<Generated, DbErr> {
    let places = Places::load(db).await?;
    let now = Utc::now();
    let first = enterprise::Entity::find().count(db).await?;
    let mut rng = StdRng::seed_from_u64(seed ^ first);
    let mut holders = Vec::with_capacity(usize::try_from(enterprises).unwrap_or_default());
    let mut made = 0;
    while made < enterprises {
        let rows = (enterprises - made).min(ROWS_PER_TRANSACTION as u64);
        let batch: Vec<enterprise::Model> = (0..rows)
            .map(|i| enterprise(&places, &mut rng, first + made + i, today, now))
            .collect::<Result<_, _>>()?;
        holders.extend(batch.iter().map(|row| (row.id, row.region_code.clone())));
        let txn = db.begin().await?;
        super::insert_all::<enterprise::Entity>(&txn, batch).await?;
        txn.commit().await?;
        made += rows;
        if made % 100_000 == 0 || made == enterprises {
            tracing::info!(made, count = enterprises, "enterprises generated");
        }
    }
    let credentials_added = match holders.is_empty() {
        true => 0,
        false => self::credentials(db, &mut rng, &holders, credentials, today, now).await?,
    };
    settle(db).await?;
    Ok(Generated {
        enterprises_held: first + made,
        credentials_added,
    })
}

/// Who grants generated credentials: MIIT and SAMR, each province's industry bureau, and the national
/// quality-award nomination.
struct Granters {
    miit: Uuid,
    samr: Uuid,
    provincial_industry: BTreeMap<String, Uuid>,
    nomination: Uuid,
}

impl Granters {
    /// Reads them, first writing the demo's bureaus and programmes into a registry without any, and an
    /// industry bureau for each province that has none.
    async fn load(db: &DatabaseConnection, today: NaiveDate, now: DateTime<Utc>) -> Result<Self, DbErr> {
        if bureau::Entity::find().count(db).await? == 0 {
            super::seed_catalogue(db, today).await?;
        }
        let bureaus = bureau::Entity::find().all(db).await?;
        let by_code = |code: &str| {
            bureaus
                .iter()
                .find(|b| b.code == code)
                .map(|b| b.id)
                .ok_or_else(|| DbErr::Custom(format!("bureau {code} missing")))
        };
        let (miit, samr) = (by_code("MIIT")?, by_code("SAMR")?);
        let mut provincial_industry: BTreeMap<String, Uuid> = bureaus
            .iter()
            .filter(|b| b.kind == BureauKind::IndustryIt && b.level == Level::Provincial)
            .map(|b| (b.region_code[..2].to_owned(), b.id))
            .collect();
        let provinces = region::Entity::find()
            .filter(region::Column::Level.eq(Level::Provincial))
            .filter(region::Column::AbolishedOn.is_null())
            .all(db)
            .await?;
        let mut added = Vec::new();
        for province in provinces {
            let prefix = province.code[..2].to_owned();
            if provincial_industry.contains_key(&prefix) {
                continue;
            }
            let row = bureau::Model {
                id: Uuid::now_v7(),
                created_at: now,
                updated_at: now,
                version: 1,
                code: format!("GEN-{prefix}-EIT"),
                name: format!("{}工业和信息化厅", short_name(&province.name)),
                kind: BureauKind::IndustryIt,
                level: Level::Provincial,
                region_code: province.code,
                parent_id: None,
            };
            provincial_industry.insert(prefix, row.id);
            added.push(row);
        }
        let txn = db.begin().await?;
        super::insert_all::<bureau::Entity>(&txn, added).await?;
        txn.commit().await?;
        let nomination = award_program::Entity::find()
            .filter(award_program::Column::Code.eq("CHINA_QUALITY_AWARD_NOMINATION"))
            .one(db)
            .await?
            .ok_or_else(|| DbErr::Custom("programme CHINA_QUALITY_AWARD_NOMINATION missing".to_owned()))?
            .id;
        Ok(Self {
            miit,
            samr,
            provincial_industry,
            nomination,
        })
    }
}

/// A generated credential with its kind's detail and its validity periods.
struct GeneratedCredential {
    row: credential::Model,
    detail: Detail,
    periods: Vec<credential_period::Model>,
}
/// One credential of `kind` held by `holder` (its id and region), drawn from `rng`, dated up to `today`.
fn credential(
    rng: &mut StdRng,
    granters: &Granters,
    (holder, region): &(Uuid, String),
    kind: CredentialKind,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<GeneratedCredential, DbErr> {
    let provincial = rng.random_range(0..5) != 0;
    let (level, bureau, years, detail) = match kind {
        CredentialKind::LittleGiant if provincial => {
            let bureau = granters
                .provincial_industry
                .get(&region[..2])
                .copied()
                .ok_or_else(|| DbErr::Custom(format!("no industry bureau for {region}")))?;
            let tier = LittleGiantTier::SpecializedSme;
            (Level::Provincial, bureau, Some(3), Detail::LittleGiant { tier })
        }
        CredentialKind::LittleGiant => {
            let tier = LittleGiantTier::LittleGiant;
            (
                Level::National,
                granters.miit,
                Some(3),
                Detail::LittleGiant { tier },
            )
        }
        CredentialKind::Green => {
            let detail = Detail::Green {
                green_kind: GreenKind::Factory,
                subject_name: None,
            };
            (Level::National, granters.miit, None, detail)
        }
        _ => {
            let detail = Detail::QualityAward {
                program_id: granters.nomination,
                edition: None,
                citation: None,
            };
            (Level::National, granters.samr, None, detail)
        }
    };
    // Decided on a day of the six years up to today.
    let valid_from = today
        .checked_sub_days(Days::new(rng.random_range(0..6 * 365)))
        .ok_or_else(|| DbErr::Custom("generated date out of range".to_owned()))?;
    let valid_until = match years {
        Some(years) => valid_from.checked_add_months(Months::new(12 * years)),
        None => None,
    };
    let status = match rng.random_range(0..100) {
        0..5 => CredentialStatus::Submitted,
        5..8 => CredentialStatus::Draft,
        8..10 => CredentialStatus::Rejected,
        10..15 => CredentialStatus::Revoked,
        _ => CredentialStatus::Granted,
    };
    let blank = Blank {
        kind,
        level,
        granting_bureau_id: bureau,
        region_code: region.clone(),
        status,
        now,
    };
    let mut row = credential::Model {
        holder_enterprise_id: Some(*holder),
        year: Some(valid_from.year()),
        // A batch a year.
        batch: Some(valid_from.year().rem_euclid(10) + 1),
        ..blank.row()
    };
    let mut periods = Vec::new();
    if matches!(status, CredentialStatus::Granted | CredentialStatus::Revoked) {
        let notice_starts = valid_from - Days::new(21);
        row.notice_starts_on = Some(notice_starts);
        row.notice_ends_on = Some(notice_starts + Days::new(7));
        row.granted_on = Some(valid_from);
        row.valid_from = Some(valid_from);
        row.valid_until = valid_until;
        let period = |valid_from, valid_until, decided_on| credential_period::Model {
            id: Uuid::now_v7(),
            credential_id: row.id,
            valid_from,
            valid_until,
            decided_on,
            decided_by: None,
            created_at: now,
        };
        // One in ten with an end was renewed on review for another term, decided a month before.
        match valid_until {
            Some(end) if rng.random_range(0..10) == 0 => {
                let renewed_on = end - Months::new(1);
                row.valid_until = end.checked_add_months(Months::new(12 * years.unwrap_or(3)));
                row.granted_on = Some(renewed_on);
                periods.push(period(valid_from, Some(end), valid_from));
                periods.push(period(end, row.valid_until, renewed_on));
            }
            _ => periods.push(period(valid_from, valid_until, valid_from)),
        }
        if status == CredentialStatus::Revoked {
            row.revoked_on = Some((valid_from + Days::new(rng.random_range(30..365))).min(today));
            row.revocation_reason = Some("复核未通过：不再符合认定条件".to_owned());
        }
    }
    if ACTIVE_STATES.contains(&status) {
        row.exclusive_key = Some(exclusive_key(&row, &detail));
    }
    Ok(GeneratedCredential { row, detail, periods })
}

/// Kinds of generated credentials, drawn in these proportions: little giants, green factories,
/// quality-award nominations.
const KINDS: [(CredentialKind, u32); 3] = [
    (CredentialKind::LittleGiant, 55),
    (CredentialKind::Green, 30),
    (CredentialKind::QualityAward, 15),
];

/// Adds `count` credentials held by `holders` (at most one of each kind each), and returns how many.
async fn credentials(
    db: &DatabaseConnection,
    rng: &mut StdRng,
    holders: &[(Uuid, String)],
    count: u64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let granters = Granters::load(db, today, now).await?;
    let kinds = WeightedIndex::new(KINDS.map(|(_, weight)| weight))
        .map_err(|err| DbErr::Custom(format!("credential kinds: {err}")))?;
    // At most one credential of each kind per enterprise: the registry's one-active-credential rule.
    let count = count.min(holders.len() as u64 * KINDS.len() as u64);
    let mut taken = std::collections::HashSet::new();
    let mut made = 0;
    while made < count {
        let rows = (count - made).min(ROWS_PER_TRANSACTION as u64);
        let mut batch = Vec::new();
        while (batch.len() as u64) < rows {
            let holder = holders
                .choose(rng)
                .ok_or_else(|| DbErr::Custom("no holders".to_owned()))?;
            let kind = KINDS[kinds.sample(rng)].0;
            if taken.insert((holder.0, kind)) {
                batch.push(credential(rng, &granters, holder, kind, today, now)?);
            }
        }
        let (mut rows_of, mut details, mut periods) = (Vec::new(), Vec::new(), Vec::new());
        for generated in batch {
            details.push((generated.row.id, generated.detail));
            periods.extend(generated.periods);
            rows_of.push(generated.row);
        }
        let txn = db.begin().await?;
        super::insert_all::<credential::Entity>(&txn, rows_of).await?;
        // 10,000 credentials a batch: a few thousand detail rows of each kind, under every backend's
        // bound-parameter limit.
        Detail::insert_all(&txn, details)
            .await
            .map_err(|err| DbErr::Custom(format!("writing credential details: {err:?}")))?;
        super::insert_all::<credential_period::Entity>(&txn, periods).await?;
        txn.commit().await?;
        made += rows;
        if made % 100_000 == 0 || made == count {
            tracing::info!(made, count, "credentials generated");
        }
    }
    Ok(made)
}

/// After a bulk load, brings PostgreSQL's statistics and visibility map up to date, as an operator
/// does after any bulk load. Left to autovacuum, they catch up minutes later, and until then every
/// index-only scan visits the heap and plans rest on an empty table's statistics: a registry measured
/// right after `generate` would be measured mid-maintenance. SQLite has no background maintenance:
/// what it holds after the load is how it runs.
async fn settle(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("VACUUM (ANALYZE)").await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_drop_the_administrative_suffix() {
        assert_eq!(short_name("万州区"), "万州");
        assert_eq!(short_name("广西壮族自治区"), "广西");
        assert_eq!(short_name("重庆市"), "重庆");
        assert_eq!(
            short_name("和县"),
            "和县",
            "a one-character name keeps its suffix"
        );
    }
}
