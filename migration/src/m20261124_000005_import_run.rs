//! `import_run`: the batch imports that were committed, by idempotency key, with the report they
//! answered, so a repeated submission (a retried upload, a re-run script) is a no-op that returns the
//! first result.

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
                    .table("import_run")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("idempotency_key", 128))
                    .col(string_len("kind", 32))
                    .col(integer("batch"))
                    .col(uuid("actor_user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(json("report"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_import_run_actor_user_id")
                            .from("import_run", "actor_user_id")
                            .to("app_user", "id"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("import_run").to_owned())
            .await
    }
}
