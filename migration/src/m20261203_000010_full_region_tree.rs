//! The whole GB/T 2260 tree (`data/gbt2260/regions.tsv`, see its `SOURCE.md`): every province,
//! prefecture and county-level division in force, and the codes abolished since 2000, each with its
//! successors. Codes already present (the 147 shipped before) keep their rows and exact dates.
//!
//! `region_successor` lists the successors of each abolished code: a county split in two has two, and
//! a region filter given an abolished code reaches what was recorded under every one of them.

use std::collections::HashSet;

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::prelude::{Date, DateTimeUtc};
use sea_orm_migration::sea_orm::{FromQueryResult, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

const REGIONS_TSV: &str = include_str!("../data/gbt2260/regions.tsv");

/// Rows per `INSERT`: ten values each stays well under SQLite's limit of 32,766 parameters.
const ROWS_PER_INSERT: usize = 500;

/// One line of `regions.tsv`.
struct Row<'a> {
    code: &'a str,
    name: &'a str,
    level: &'a str,
    parent_code: &'a str,
    abolished_on: Option<Date>,
    successors: Vec<&'a str>,
}

fn rows() -> Result<Vec<Row<'static>>, DbErr> {
    REGIONS_TSV
        .lines()
        .enumerate()
        .map(|(index, line)| {
            let bad =
                |what: &str| DbErr::Migration(format!("gbt2260/regions.tsv line {}: {what}", index + 1));
            let fields: Vec<&str> = line.split('\t').collect();
            let [code, name, level, parent_code, abolished_on, successors] = fields[..] else {
                return Err(bad("expected six fields"));
            };
            let abolished_on = match abolished_on {
                "" => None,
                date => Some(
                    date.parse::<Date>()
                        .map_err(|_| bad("abolished on is not a date"))?,
                ),
            };
            Ok(Row {
                code,
                name,
                level,
                parent_code,
                abolished_on,
                successors: successors.split(',').filter(|code| !code.is_empty()).collect(),
            })
        })
        .collect()
}

#[derive(FromQueryResult)]
struct Code {
    code: String,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("region_successor")
                    .col(string_len("region_code", 6))
                    .col(string_len("successor_code", 6))
                    .primary_key(Index::create().col("region_code").col("successor_code"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_region_successor_region_code")
                            .from("region_successor", "region_code")
                            .to("region", "code"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_region_successor_successor_code")
                            .from("region_successor", "successor_code")
                            .to("region", "code"),
                    )
                    .to_owned(),
            )
            .await?;
        // Predecessors are looked up by successor.
        manager
            .create_index(
                Index::create()
                    .name("idx_region_successor_successor_code")
                    .table("region_successor")
                    .col("successor_code")
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        let present: HashSet<String> =
            Code::find_by_statement(Statement::from_string(backend, "SELECT code FROM region"))
                .all(db)
                .await?
                .into_iter()
                .map(|row| row.code)
                .collect();
        let rows = rows()?;
        let now: DateTimeUtc = chrono::Utc::now();
        // Parents come before children in the file, and each chunk is inserted before the next.
        let missing: Vec<&Row> = rows.iter().filter(|row| !present.contains(row.code)).collect();
        for chunk in missing.chunks(ROWS_PER_INSERT) {
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
            for row in chunk {
                insert
                    .values([
                        uuid::Uuid::now_v7().into(),
                        now.into(),
                        now.into(),
                        1.into(),
                        row.code.into(),
                        row.name.into(),
                        row.level.into(),
                        row.parent_code.into(),
                        row.abolished_on.into(),
                        row.successors.first().copied().into(),
                    ])
                    .map_err(|err| DbErr::Migration(err.to_string()))?;
            }
            manager.exec_stmt(insert).await?;
        }

        let links: Vec<(&str, &str)> = rows
            .iter()
            .flat_map(|row| row.successors.iter().map(|successor| (row.code, *successor)))
            .collect();
        for chunk in links.chunks(ROWS_PER_INSERT) {
            let mut insert = Query::insert();
            insert
                .into_table("region_successor")
                .columns(["region_code", "successor_code"]);
            for (code, successor) in chunk {
                insert
                    .values([(*code).into(), (*successor).into()])
                    .map_err(|err| DbErr::Migration(err.to_string()))?;
            }
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("region_successor").to_owned())
            .await?;
        // What the earlier reference data shipped stays; the rest goes, children first.
        let shipped: Vec<&str> = include_str!("../data/regions.tsv")
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split('\t').next())
            .collect();
        for level in ["COUNTY", "PREFECTURAL", "PROVINCIAL"] {
            manager
                .exec_stmt(
                    Query::delete()
                        .from_table("region")
                        .and_where(Expr::col("level").eq(level))
                        .and_where(Expr::col("code").is_not_in(shipped.iter().copied()))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
