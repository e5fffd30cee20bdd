//! An enterprise's former names (曾用名): each name it was registered under before, with the dates it
//! was in use. Public, searchable by `nameContains`, and written by every rename.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("enterprise_former_name")
                    .col(pk_uuid("id"))
                    .col(uuid("enterprise_id"))
                    .col(string("name"))
                    .col(string("name_normalized"))
                    .col(date_null("used_from"))
                    .col(date("used_until"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_enterprise_former_name_enterprise_id")
                            .from("enterprise_former_name", "enterprise_id")
                            .to("enterprise", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_enterprise_former_name_enterprise_id")
                    .table("enterprise_former_name")
                    .col("enterprise_id")
                    .col("used_until")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_enterprise_former_name_name_normalized")
                    .table("enterprise_former_name")
                    .col("name_normalized")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("enterprise_former_name").to_owned())
            .await
    }
}
