//! What the credential lifecycle needs beyond the first schema:
//! - `credential.exclusive_key`: set while a credential is in progress or granted, null once it is
//!   rejected, withdrawn or revoked. Its unique index is the database's guarantee of one active
//!   credential of a kind (and tier, programme and year, …) per holder: a second proposal or a
//!   concurrent duplicate fails in the database, not only in a check that can race.
//! - `credential.decision_reason`: why a proposal was rejected or withdrawn.
//! - `credential_period`: every validity period a credential was granted or renewed for (history).
//! - `audit_event.outcome`: `DONE` for committed changes, `REFUSED` for attempts the policy refused.
//! - an index for `expiringBefore` (kind, valid_until).
//!
//! Rows written before this step carry no key; the service's own check still covers them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one change per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table("credential")
                    .add_column(string_len_null("exclusive_key", 200))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("credential")
                    .add_column(text_null("decision_reason"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_credential_exclusive_key")
                    .table("credential")
                    .col("exclusive_key")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_credential_kind_valid_until")
                    .table("credential")
                    .col("kind")
                    .col("valid_until")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("credential_period")
                    .col(pk_uuid("id"))
                    .col(uuid("credential_id"))
                    .col(date("valid_from"))
                    .col(date_null("valid_until"))
                    .col(date("decided_on"))
                    .col(uuid_null("decided_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_credential_period_credential_id")
                            .from("credential_period", "credential_id")
                            .to("credential", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_credential_period_decided_by")
                            .from("credential_period", "decided_by")
                            .to("app_user", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_credential_period_credential_id")
                    .table("credential_period")
                    .col("credential_id")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("audit_event")
                    .add_column(string_len("outcome", 16).default("DONE"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("audit_event")
                    .drop_column("outcome")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("credential_period").to_owned())
            .await?;
        for index in ["idx_credential_kind_valid_until", "uq_credential_exclusive_key"] {
            manager
                .drop_index(Index::drop().name(index).table("credential").to_owned())
                .await?;
        }
        for column in ["decision_reason", "exclusive_key"] {
            manager
                .alter_table(Table::alter().table("credential").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
