//! `registry generate`: a registry of a chosen size, for benchmarks. Enterprises are spread over every
//! county-level region in force, provinces weighted by their share of China's market entities, with
//! names made the way real ones are (province, county, trade name, trade, legal form) and valid USCCs.
//! The same seed gives the same registry. Credentials are not generated yet (see issue 17).

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use entity::enums::{EnterpriseScale, EnterpriseStatus, Level};
use entity::{enterprise, region};
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, TransactionTrait,
};

use super::base31;
use super::catalogue::{FORMS, TRADES};
use crate::domain::Uscc;
use crate::services::enterprise::new_row;

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

/// Rows per transaction, and per `INSERT` (under every backend's bound-parameter limit).
const ROWS_PER_TRANSACTION: usize = 10_000;
const ROWS_PER_STATEMENT: usize = 400;

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

/// Adds `count` enterprises made from `seed` to the registry in `db`, founded before `today` (the
/// registry's business date), and returns how many it holds now. Numbering continues after the
/// enterprises already there, so runs add up.
pub async fn enterprises(
    db: &DatabaseConnection,
    count: u64,
    seed: u64,
    today: NaiveDate,
) -> Result<u64, DbErr> {
    let places = Places::load(db).await?;
    let now = Utc::now();
    let first = enterprise::Entity::find().count(db).await?;
    let mut rng = StdRng::seed_from_u64(seed ^ first);
    let mut made = 0;
    while made < count {
        let rows = (count - made).min(ROWS_PER_TRANSACTION as u64);
        let batch: Vec<enterprise::ActiveModel> = (0..rows)
            .map(|i| {
                enterprise(&places, &mut rng, first + made + i, today, now)
                    .map(IntoActiveModel::into_active_model)
            })
            .collect::<Result<_, _>>()?;
        let txn = db.begin().await?;
        for chunk in batch.chunks(ROWS_PER_STATEMENT) {
            enterprise::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
        made += rows;
        if made % 100_000 == 0 || made == count {
            tracing::info!(made, count, "enterprises generated");
        }
    }
    settle(db).await?;
    Ok(first + made)
}

/// After a bulk load, brings PostgreSQL's statistics and visibility map up to date, as an operator
/// does after any bulk load. Left to autovacuum, they catch up minutes later, and until then every
/// index-only scan visits the heap and plans rest on an empty table's statistics: a registry measured
/// right after `generate` would be measured mid-maintenance. SQLite has no background maintenance:
/// what it holds after the load is how it runs.
async fn settle(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("VACUUM (ANALYZE) enterprise").await?;
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
