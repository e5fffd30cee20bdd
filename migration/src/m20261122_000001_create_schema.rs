//! The whole domain schema (DESIGN §3): regions and bureaus, accounts, enterprises and persons, one
//! `credential` table holding the columns every credential kind shares plus one table per kind for its
//! own columns, recognition agreements, and the append-only audit trail.
//!
//! Written with sea-query builders only, so the same statements run on SQLite and PostgreSQL. Enums are
//! stored as short upper-case strings (portable, readable in a SQL shell). Every column the API filters
//! on has an index declared right after its table.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A table with a UUID primary key and the bookkeeping columns every mutable row carries.
fn entity_table(name: &'static str) -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(name)
        .col(pk_uuid("id"))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .col(integer("version").default(1));
    table
}

/// A per-kind credential table: its key is also a foreign key to the shared `credential` row.
fn credential_detail_table(name: &'static str) -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(name)
        .col(pk_uuid("credential_id"))
        .foreign_key(fk(name, "credential_id", "credential", "id").on_delete(ForeignKeyAction::Cascade));
    table
}

fn fk(
    from_table: &'static str,
    from_col: &'static str,
    to_table: &'static str,
    to_col: &'static str,
) -> ForeignKeyCreateStatement {
    let mut key = ForeignKey::create();
    key.name(format!("fk_{from_table}_{from_col}"))
        .from(from_table, from_col)
        .to(to_table, to_col);
    key
}

fn index(table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(format!("idx_{table}_{}", cols.join("_"))).table(table);
    for col in cols {
        idx.col(*col);
    }
    idx
}

fn unique(table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut idx = index(table, cols);
    idx.name(format!("uq_{table}_{}", cols.join("_"))).unique();
    idx
}

/// Every table's definition with the indexes that serve its filters.
fn tables() -> Vec<(TableCreateStatement, Vec<IndexCreateStatement>)> {
    vec![
        (
            entity_table("region")
                .col(char_len_uniq("code", 6))
                .col(string("name"))
                .col(string_len("level", 16))
                .col(char_len_null("parent_code", 6))
                .col(date_null("abolished_on"))
                .col(char_len_null("successor_code", 6))
                .foreign_key(&mut fk("region", "parent_code", "region", "code"))
                .to_owned(),
            vec![index("region", &["parent_code"])],
        ),
        (
            entity_table("bureau")
                .col(string_len_uniq("code", 32))
                .col(string("name"))
                .col(string_len("kind", 32))
                .col(string_len("level", 16))
                .col(char_len("region_code", 6))
                .col(uuid_null("parent_id"))
                .foreign_key(&mut fk("bureau", "region_code", "region", "code"))
                .foreign_key(&mut fk("bureau", "parent_id", "bureau", "id"))
                .to_owned(),
            vec![
                index("bureau", &["region_code"]),
                index("bureau", &["kind"]),
                index("bureau", &["parent_id"]),
            ],
        ),
        (
            entity_table("bureau_competence")
                .col(string_len("bureau_kind", 32))
                .col(string_len("credential_kind", 32))
                .to_owned(),
            vec![unique("bureau_competence", &["bureau_kind", "credential_kind"])],
        ),
        (
            entity_table("enterprise")
                .col(char_len_uniq("uscc", 18))
                .col(string("name"))
                .col(string("name_normalized"))
                .col(char_len("region_code", 6))
                .col(string_len_null("industry_code", 8))
                .col(string_len_null("scale", 16))
                .col(string_len("status", 16))
                .col(date_null("established_on"))
                .col(big_integer_null("registered_capital_cny"))
                .col(string_null("legal_representative"))
                .col(string_null("address"))
                .foreign_key(&mut fk("enterprise", "region_code", "region", "code"))
                .to_owned(),
            vec![
                index("enterprise", &["region_code"]),
                index("enterprise", &["name_normalized"]),
                index("enterprise", &["status"]),
            ],
        ),
        (
            entity_table("app_user")
                .col(string_len_uniq("username", 64))
                .col(string("display_name"))
                .col(string("password_hash"))
                .col(uuid_null("bureau_id"))
                .col(uuid_null("enterprise_id"))
                .col(string_len("status", 16))
                .foreign_key(&mut fk("app_user", "bureau_id", "bureau", "id"))
                .foreign_key(&mut fk("app_user", "enterprise_id", "enterprise", "id"))
                .to_owned(),
            vec![
                index("app_user", &["bureau_id"]),
                index("app_user", &["enterprise_id"]),
            ],
        ),
        (
            entity_table("user_role")
                .col(uuid("user_id"))
                .col(string_len("role", 32))
                .foreign_key(
                    fk("user_role", "user_id", "app_user", "id").on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
            vec![unique("user_role", &["user_id", "role"])],
        ),
        (
            entity_table("person")
                .col(string("name"))
                .col(string("name_normalized"))
                .col(string_len_null("identity_number", 18))
                .col(string_len_null("phone", 32))
                .col(uuid_null("employer_id"))
                .col(char_len("region_code", 6))
                .foreign_key(&mut fk("person", "employer_id", "enterprise", "id"))
                .foreign_key(&mut fk("person", "region_code", "region", "code"))
                .to_owned(),
            vec![
                index("person", &["employer_id"]),
                index("person", &["region_code"]),
                index("person", &["name_normalized"]),
            ],
        ),
        (
            entity_table("brand")
                .col(string("name"))
                .col(string("name_normalized"))
                .col(string_len("kind", 32))
                .col(uuid_null("holder_enterprise_id"))
                .col(string_null("holder_organisation"))
                .col(char_len("region_code", 6))
                .col(string_len_null("trademark_number", 32))
                .col(string_len_null("nice_classes", 64))
                .foreign_key(&mut fk("brand", "holder_enterprise_id", "enterprise", "id"))
                .foreign_key(&mut fk("brand", "region_code", "region", "code"))
                .to_owned(),
            vec![
                index("brand", &["kind"]),
                index("brand", &["region_code"]),
                index("brand", &["holder_enterprise_id"]),
                index("brand", &["name_normalized"]),
            ],
        ),
        (
            entity_table("geographic_indication")
                .col(string("name"))
                .col(string("name_normalized"))
                .col(string_len("protection_type", 32))
                .col(string_len_uniq("registration_number", 64))
                .col(string("holder_organisation"))
                .col(char_len("region_code", 6))
                .col(string_null("product_category"))
                .col(date_null("registered_on"))
                .col(uuid_null("registering_bureau_id"))
                .foreign_key(&mut fk("geographic_indication", "region_code", "region", "code"))
                .foreign_key(&mut fk(
                    "geographic_indication",
                    "registering_bureau_id",
                    "bureau",
                    "id",
                ))
                .to_owned(),
            vec![
                index("geographic_indication", &["protection_type"]),
                index("geographic_indication", &["region_code"]),
                index("geographic_indication", &["name_normalized"]),
            ],
        ),
        (
            entity_table("gi_protected_area")
                .col(uuid("gi_id"))
                .col(char_len("region_code", 6))
                .foreign_key(
                    fk("gi_protected_area", "gi_id", "geographic_indication", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(&mut fk("gi_protected_area", "region_code", "region", "code"))
                .to_owned(),
            vec![
                unique("gi_protected_area", &["gi_id", "region_code"]),
                index("gi_protected_area", &["region_code"]),
            ],
        ),
        (
            entity_table("award_program")
                .col(string_len_uniq("code", 32))
                .col(string("name"))
                .col(string_len("level", 16))
                .col(char_len("region_code", 6))
                .col(uuid_null("awarding_bureau_id"))
                .col(integer_null("max_winners_per_edition"))
                .col(text_null("description"))
                .foreign_key(&mut fk("award_program", "region_code", "region", "code"))
                .foreign_key(&mut fk("award_program", "awarding_bureau_id", "bureau", "id"))
                .to_owned(),
            vec![
                index("award_program", &["level"]),
                index("award_program", &["region_code"]),
            ],
        ),
        (
            entity_table("credential")
                .col(string_len("kind", 32))
                .col(uuid_null("holder_enterprise_id"))
                .col(uuid_null("holder_person_id"))
                .col(string_len("level", 16))
                .col(uuid("granting_bureau_id"))
                .col(char_len("region_code", 6))
                .col(string_len("status", 16))
                .col(integer_null("batch"))
                .col(integer_null("year"))
                .col(date_null("notice_starts_on"))
                .col(date_null("notice_ends_on"))
                .col(date_null("granted_on"))
                .col(date_null("valid_from"))
                .col(date_null("valid_until"))
                .col(date_null("revoked_on"))
                .col(text_null("revocation_reason"))
                .col(uuid_null("proposed_by"))
                .col(uuid_null("reviewed_by"))
                .foreign_key(&mut fk("credential", "holder_enterprise_id", "enterprise", "id"))
                .foreign_key(&mut fk("credential", "holder_person_id", "person", "id"))
                .foreign_key(&mut fk("credential", "granting_bureau_id", "bureau", "id"))
                .foreign_key(&mut fk("credential", "region_code", "region", "code"))
                .foreign_key(&mut fk("credential", "proposed_by", "app_user", "id"))
                .foreign_key(&mut fk("credential", "reviewed_by", "app_user", "id"))
                .to_owned(),
            vec![
                index("credential", &["kind", "status"]),
                index("credential", &["kind", "region_code"]),
                index("credential", &["kind", "level"]),
                index("credential", &["kind", "batch"]),
                index("credential", &["kind", "year"]),
                index("credential", &["kind", "valid_from"]),
                index("credential", &["holder_enterprise_id"]),
                index("credential", &["holder_person_id"]),
                index("credential", &["granting_bureau_id"]),
                index("credential", &["region_code"]),
            ],
        ),
        (
            credential_detail_table("little_giant_designation")
                .col(string_len("tier", 32))
                .to_owned(),
            vec![index("little_giant_designation", &["tier"])],
        ),
        (
            credential_detail_table("green_designation")
                .col(string_len("green_kind", 32))
                .col(string_null("subject_name"))
                .to_owned(),
            vec![index("green_designation", &["green_kind"])],
        ),
        (
            credential_detail_table("brand_recognition")
                .col(uuid("brand_id"))
                .col(string_len("recognition_kind", 48))
                .foreign_key(&mut fk("brand_recognition", "brand_id", "brand", "id"))
                .to_owned(),
            vec![
                index("brand_recognition", &["brand_id"]),
                index("brand_recognition", &["recognition_kind"]),
            ],
        ),
        (
            credential_detail_table("gi_authorization")
                .col(uuid("gi_id"))
                .foreign_key(&mut fk(
                    "gi_authorization",
                    "gi_id",
                    "geographic_indication",
                    "id",
                ))
                .to_owned(),
            vec![index("gi_authorization", &["gi_id"])],
        ),
        (
            credential_detail_table("quality_award")
                .col(uuid("program_id"))
                .col(integer_null("edition"))
                .col(string_null("citation"))
                .foreign_key(&mut fk("quality_award", "program_id", "award_program", "id"))
                .to_owned(),
            vec![index("quality_award", &["program_id"])],
        ),
        (
            credential_detail_table("chief_quality_officer")
                .col(string_len_uniq("certificate_number", 64))
                .col(uuid("employer_id"))
                .foreign_key(&mut fk(
                    "chief_quality_officer",
                    "employer_id",
                    "enterprise",
                    "id",
                ))
                .to_owned(),
            vec![index("chief_quality_officer", &["employer_id"])],
        ),
        (
            entity_table("recognition_agreement")
                .col(string("title"))
                .col(date("signed_on"))
                .col(date("effective_from"))
                .col(date_null("effective_until"))
                .col(string_len("status", 16))
                .col(string_len("mode", 16))
                .to_owned(),
            vec![index("recognition_agreement", &["status"])],
        ),
        (
            entity_table("agreement_party")
                .col(uuid("agreement_id"))
                .col(uuid("bureau_id"))
                .col(uuid_null("confirmed_by"))
                .col(timestamp_with_time_zone_null("confirmed_at"))
                .foreign_key(
                    fk("agreement_party", "agreement_id", "recognition_agreement", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(&mut fk("agreement_party", "bureau_id", "bureau", "id"))
                .foreign_key(&mut fk("agreement_party", "confirmed_by", "app_user", "id"))
                .to_owned(),
            vec![
                unique("agreement_party", &["agreement_id", "bureau_id"]),
                index("agreement_party", &["bureau_id"]),
            ],
        ),
        (
            entity_table("agreement_scope")
                .col(uuid("agreement_id"))
                .col(string_len("credential_kind", 32))
                .foreign_key(
                    fk("agreement_scope", "agreement_id", "recognition_agreement", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
            vec![unique("agreement_scope", &["agreement_id", "credential_kind"])],
        ),
        (
            entity_table("recognition_listing")
                .col(uuid("agreement_id"))
                .col(uuid("credential_id"))
                .foreign_key(
                    fk(
                        "recognition_listing",
                        "agreement_id",
                        "recognition_agreement",
                        "id",
                    )
                    .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(&mut fk(
                    "recognition_listing",
                    "credential_id",
                    "credential",
                    "id",
                ))
                .to_owned(),
            vec![
                unique("recognition_listing", &["agreement_id", "credential_id"]),
                index("recognition_listing", &["credential_id"]),
            ],
        ),
        (
            // Append-only: no `updated_at`/`version` would make sense, but the shared shape keeps one
            // entity pattern; the application never updates these rows.
            Table::create()
                .table("audit_event")
                .col(pk_uuid("id"))
                .col(timestamp_with_time_zone("at"))
                .col(uuid_null("actor_user_id"))
                .col(uuid_null("actor_bureau_id"))
                .col(string_len("action", 64))
                .col(string_len("entity_type", 64))
                .col(uuid_null("entity_id"))
                .col(json_null("before"))
                .col(json_null("after"))
                .col(string_len_null("request_id", 64))
                .foreign_key(&mut fk("audit_event", "actor_user_id", "app_user", "id"))
                .foreign_key(&mut fk("audit_event", "actor_bureau_id", "bureau", "id"))
                .to_owned(),
            vec![
                index("audit_event", &["entity_type", "entity_id"]),
                index("audit_event", &["at"]),
                index("audit_event", &["actor_user_id"]),
            ],
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, indexes) in tables() {
            manager.create_table(table).await?;
            for index in indexes {
                manager.create_index(index).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Reverse creation order, so no foreign key points at a dropped table.
        for (table, _) in tables().into_iter().rev() {
            if let Some(name) = table.get_table_name() {
                manager
                    .drop_table(Table::drop().table(name.clone()).to_owned())
                    .await?;
            }
        }
        Ok(())
    }
}
