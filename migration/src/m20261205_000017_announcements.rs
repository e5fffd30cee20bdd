//! Announcements (公告, 通知): the published documents credentials come from. Each has its document
//! number (文号, e.g. 工信厅企业函〔2023〕23号), title, issuing bureau, date and link, and lists the
//! credentials it granted, renewed (after review, 复核) or revoked: batch N of a list and the review of
//! batch N−3 can be one announcement.

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
                    .table("announcement")
                    .col(pk_uuid("id"))
                    .col(string_len("document_number", 100))
                    .col(string_len("title", 300))
                    .col(uuid("issuing_bureau_id"))
                    .col(date("published_on"))
                    .col(string_len_null("url", 500))
                    .col(uuid_null("recorded_by"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_announcement_issuing_bureau_id")
                            .from("announcement", "issuing_bureau_id")
                            .to("bureau", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // A bureau numbers its documents once: the number names the announcement.
        manager
            .create_index(
                Index::create()
                    .name("idx_announcement_bureau_document_number")
                    .table("announcement")
                    .col("issuing_bureau_id")
                    .col("document_number")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_announcement_published_on")
                    .table("announcement")
                    .col("published_on")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("announced_credential")
                    .col(pk_uuid("id"))
                    .col(uuid("announcement_id"))
                    .col(uuid("credential_id"))
                    .col(string_len("act", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_announced_credential_announcement_id")
                            .from("announced_credential", "announcement_id")
                            .to("announcement", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_announced_credential_credential_id")
                            .from("announced_credential", "credential_id")
                            .to("credential", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // An announcement's list, in order; a credential's announcements; each act once per pair.
        manager
            .create_index(
                Index::create()
                    .name("idx_announced_credential_announcement")
                    .table("announced_credential")
                    .col("announcement_id")
                    .col("credential_id")
                    .col("act")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_announced_credential_credential")
                    .table("announced_credential")
                    .col("credential_id")
                    .col("created_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("announced_credential").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("announcement").to_owned())
            .await
    }
}
