//! Counting a kind's public credentials in a region (`littleGiants(filter: {region}) { totalCount }`,
//! the statistics) reads only an index: kind, region code and state together, so that the state the
//! public may see is checked in the index rather than in every row of the region's credentials. It
//! replaces the index on kind and region code, which it starts with.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The index added and its columns.
const ADDED: (&str, [&str; 3]) = (
    "idx_credential_kind_region_code_status",
    ["kind", "region_code", "status"],
);
/// The index replaced and its columns.
const REPLACED: (&str, [&str; 2]) = ("idx_credential_kind_region_code", ["kind", "region_code"]);

fn create(name: &str, columns: &[&str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table("credential");
    for column in columns {
        index.col(Alias::new(*column));
    }
    index
}

fn drop(name: &str) -> IndexDropStatement {
    Index::drop().name(name).table("credential").to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_index(create(ADDED.0, &ADDED.1)).await?;
        manager.drop_index(drop(REPLACED.0)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_index(create(REPLACED.0, &REPLACED.1)).await?;
        manager.drop_index(drop(ADDED.0)).await
    }
}
