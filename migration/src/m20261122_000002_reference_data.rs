//! Reference data every installation needs: the GB/T 2260 region tree (`data/regions.tsv`) and the
//! competence table saying which credential kinds each kind of bureau may grant (DESIGN §5).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::prelude::{Date, DateTimeUtc};

#[derive(DeriveMigrationName)]
pub struct Migration;

const REGIONS_TSV: &str = include_str!("../data/regions.tsv");

/// Bureau kind → the credential kinds it may grant. Industry & IT runs the little-giant and green
/// lists and brand-cultivation recognitions; market regulation runs quality awards, chief quality
/// officers, brand certifications and GI products; agriculture runs agricultural-product GIs and
/// farm-product brands; housing & construction runs construction quality awards (鲁班奖).
const COMPETENCES: &[(&str, &[&str])] = &[
    ("INDUSTRY_IT", &["LITTLE_GIANT", "GREEN", "BRAND_RECOGNITION"]),
    (
        "MARKET_REGULATION",
        &[
            "QUALITY_AWARD",
            "CHIEF_QUALITY_OFFICER",
            "BRAND_RECOGNITION",
            "GI_AUTHORIZATION",
        ],
    ),
    ("IP_OFFICE", &["GI_AUTHORIZATION"]),
    ("AGRICULTURE", &["GI_AUTHORIZATION", "BRAND_RECOGNITION"]),
    ("HOUSING_CONSTRUCTION", &["QUALITY_AWARD"]),
    ("CULTURE_TOURISM", &["BRAND_RECOGNITION"]),
    ("DEVELOPMENT_REFORM", &["GREEN"]),
];

/// One row of `regions.tsv`.
struct RegionRow<'a> {
    code: &'a str,
    name: &'a str,
    level: &'a str,
    parent_code: Option<&'a str>,
    abolished_on: Option<Date>,
    successor_code: Option<&'a str>,
}

fn non_empty(field: Option<&str>) -> Option<&str> {
    field.filter(|value| !value.is_empty())
}

fn parse_regions() -> Result<Vec<RegionRow<'static>>, DbErr> {
    let mut rows = Vec::new();
    for (line_no, line) in REGIONS_TSV.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let bad = |what: &str| DbErr::Migration(format!("regions.tsv line {}: {what}", line_no + 1));
        let mut fields = line.split('\t');
        let (Some(code), Some(name), Some(level)) = (fields.next(), fields.next(), fields.next()) else {
            return Err(bad("expected code, name and level"));
        };
        let parent_code = non_empty(fields.next());
        let abolished_on = non_empty(fields.next())
            .map(|date| {
                date.parse::<Date>()
                    .map_err(|_| bad("abolished_on is not a date"))
            })
            .transpose()?;
        rows.push(RegionRow {
            code,
            name,
            level,
            parent_code,
            abolished_on,
            successor_code: non_empty(fields.next()),
        });
    }
    Ok(rows)
}

fn bookkeeping(now: DateTimeUtc) -> [SimpleExpr; 4] {
    [uuid::Uuid::now_v7().into(), now.into(), now.into(), 1.into()]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let now = chrono::Utc::now();
        // Parents come before children in the file, so the self-referencing foreign key holds row by row.
        let mut insert = Query::insert();
        insert.into_table("region").columns([
            "id",
            "created_at",
            "updated_at",
            "version",
            "code",
            "name",
            "level",
            "parent_code",
            "abolished_on",
            "successor_code",
        ]);
        for row in parse_regions()? {
            let mut values: Vec<SimpleExpr> = bookkeeping(now).into();
            values.extend([
                row.code.into(),
                row.name.into(),
                row.level.into(),
                row.parent_code.into(),
                row.abolished_on.into(),
                row.successor_code.into(),
            ]);
            insert
                .values(values)
                .map_err(|e| DbErr::Migration(e.to_string()))?;
        }
        manager.exec_stmt(insert).await?;

        let mut insert = Query::insert();
        insert.into_table("bureau_competence").columns([
            "id",
            "created_at",
            "updated_at",
            "version",
            "bureau_kind",
            "credential_kind",
        ]);
        for (bureau_kind, credential_kinds) in COMPETENCES {
            for credential_kind in *credential_kinds {
                let mut values: Vec<SimpleExpr> = bookkeeping(now).into();
                values.extend([(*bureau_kind).into(), (*credential_kind).into()]);
                insert
                    .values(values)
                    .map_err(|e| DbErr::Migration(e.to_string()))?;
            }
        }
        manager.exec_stmt(insert).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(Query::delete().from_table("bureau_competence").to_owned())
            .await?;
        // Children first: delete by level, deepest level first.
        for level in ["COUNTY", "PREFECTURAL", "PROVINCIAL", "NATIONAL"] {
            manager
                .exec_stmt(
                    Query::delete()
                        .from_table("region")
                        .and_where(Expr::col("level").eq(level))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_row_parses_and_its_parent_comes_first() {
        let rows = parse_regions().expect("regions.tsv parses");
        let mut seen = std::collections::HashSet::new();
        for row in &rows {
            assert_eq!(row.code.len(), 6, "{} is not six digits", row.code);
            if let Some(parent) = row.parent_code {
                assert!(
                    seen.contains(parent),
                    "{}'s parent {parent} comes later",
                    row.code
                );
            }
            assert!(seen.insert(row.code), "{} is listed twice", row.code);
        }
        assert!(
            rows.iter()
                .any(|row| row.abolished_on.is_some() && row.successor_code.is_some())
        );
    }
}
