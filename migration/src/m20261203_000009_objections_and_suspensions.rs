//! Two histories that past dates and reviewers need:
//! - `objection`: objections raised against a credential during its public notice (公示), and how a
//!   reviewer decided each. A credential with an open objection cannot be granted.
//! - `agreement_suspension`: each period a recognition agreement was suspended, from the day a
//!   suspension applied to the day it was lifted (null while it lasts), so an agreement can be resumed
//!   and suspended again while past dates keep answering as they did. Suspensions already recorded
//!   in `recognition_agreement.suspended_from` become open periods.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn foreign_key(table: &'static str, column: &'static str, target: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("objection")
                    .col(pk_uuid("id"))
                    .col(uuid("credential_id"))
                    .col(uuid("raised_by"))
                    .col(text("grounds"))
                    .col(date("raised_on"))
                    .col(string_len("status", 48))
                    .col(uuid_null("decided_by"))
                    .col(date_null("decided_on"))
                    .col(text_null("decision_reason"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key("objection", "credential_id", "credential"))
                    .foreign_key(&mut foreign_key("objection", "raised_by", "app_user"))
                    .foreign_key(&mut foreign_key("objection", "decided_by", "app_user"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_objection_credential_id_status")
                    .table("objection")
                    .col("credential_id")
                    .col("status")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("agreement_suspension")
                    .col(pk_uuid("id"))
                    .col(uuid("agreement_id"))
                    .col(date("suspended_from"))
                    .col(date_null("resumed_from"))
                    .col(uuid_null("suspended_by"))
                    .col(uuid_null("resumed_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut foreign_key(
                        "agreement_suspension",
                        "agreement_id",
                        "recognition_agreement",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_agreement_suspension_agreement_id")
                    .table("agreement_suspension")
                    .col("agreement_id")
                    .to_owned(),
            )
            .await?;
        // An agreement had at most one suspension so far; its own id serves as that period's id, so the
        // statement needs no UUID function and runs unchanged on SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO agreement_suspension (id, agreement_id, suspended_from, created_at) \
                 SELECT id, id, suspended_from, updated_at FROM recognition_agreement \
                 WHERE suspended_from IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["agreement_suspension", "objection"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
