//! No N+1: the number of SQL statements of a request does not grow with the page size.

use chrono::{NaiveDate, Utc};
use entity::enums::{
    BrandKind, BrandRecognitionKind, CredentialKind, CredentialStatus, GreenKind, Level, LittleGiantTier,
};
use entity::{
    award_program, brand, brand_recognition, bureau, credential, geographic_indication, gi_authorization,
    green_designation, little_giant_designation, quality_award,
};
use registry::domain::Uscc;
use registry::services::credential::Blank;
use registry_tests::{AppOptions, TestApp, spawn_app_with};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::json;
use uuid::Uuid;

/// An enterprise page with every credential and its bureau, and the enterprise's region and brands.
/// Each relation appears at one nesting level only, so each DataLoader runs exactly once.
const PROFILE_PAGE: &str = "query($n: Int!) {
    enterprises(first: $n, filter: {nameContains: \"画像测试\"}) {
        totalCount
        nodes {
            uscc name region { name }
            brands { name }
            credentials {
                kind status validUntil
                grantingBureau { name code }
                ... on LittleGiantDesignation { tier }
                ... on GreenDesignation { greenKind subjectName }
                ... on BrandRecognition { recognitionKind brand { name } }
                ... on GiAuthorization { geographicIndication { name } }
                ... on QualityAward { program { name } }
            }
        }
    }
}";

/// Adds `count` enterprises that each hold one credential of every enterprise kind and a brand, so
/// every page, whatever its size, exercises every relation.
async fn add_uniform_profiles(app: &TestApp, count: usize) {
    let db = &app.db;
    let now = Utc::now();
    let bureau = |code: &'static str| async move {
        bureau::Entity::find()
            .filter(bureau::Column::Code.eq(code))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let (cq_eic, cq_amr, cq_agri) = (
        bureau("CQ-EIC").await,
        bureau("CQ-AMR").await,
        bureau("CQ-AGRI").await,
    );
    let program = award_program::Entity::find()
        .filter(award_program::Column::Code.eq("CQ_MAYOR_QUALITY"))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let gi = geographic_indication::Entity::find()
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let from = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    for i in 0..count {
        let name = format!("重庆画像测试{i:03}科技有限公司");
        let uscc = Uscc::with_check_character(&format!("91500112MA7{i:06}")).unwrap();
        let holder = registry::services::enterprise::new_row(&uscc, name, "500112".into(), now)
            .into_active_model()
            .insert(db)
            .await
            .unwrap();
        let brand = brand::Model {
            id: Uuid::now_v7(),
            created_at: now,
            updated_at: now,
            version: 1,
            name: format!("画像{i}"),
            name_normalized: format!("画像{i}"),
            name_pinyin: None,
            name_grams: None,
            kind: BrandKind::Product,
            holder_enterprise_id: Some(holder.id),
            holder_organisation: None,
            region_code: "500112".into(),
            trademark_number: None,
            nice_classes: None,
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
        let kinds = [
            (CredentialKind::LittleGiant, cq_eic),
            (CredentialKind::Green, cq_eic),
            (CredentialKind::BrandRecognition, cq_agri),
            (CredentialKind::GiAuthorization, cq_amr),
            (CredentialKind::QualityAward, cq_amr),
        ];
        for (kind, granting_bureau_id) in kinds {
            let blank = Blank {
                kind,
                level: Level::Provincial,
                granting_bureau_id,
                region_code: "500112".into(),
                status: CredentialStatus::Granted,
                now,
            };
            let credential_id = credential::Model {
                holder_enterprise_id: Some(holder.id),
                year: Some(2025),
                granted_on: Some(from),
                valid_from: Some(from),
                ..blank.row()
            }
            .into_active_model()
            .insert(db)
            .await
            .unwrap()
            .id;
            match kind {
                CredentialKind::LittleGiant => {
                    let tier = LittleGiantTier::SpecializedSme;
                    little_giant_designation::Model { credential_id, tier }
                        .into_active_model()
                        .insert(db)
                        .await
                        .unwrap();
                }
                CredentialKind::Green => {
                    let detail = green_designation::Model {
                        credential_id,
                        green_kind: GreenKind::Factory,
                        subject_name: None,
                    };
                    detail.into_active_model().insert(db).await.unwrap();
                }
                CredentialKind::BrandRecognition => {
                    let recognition_kind = BrandRecognitionKind::FamousAgriculturalBrand;
                    let detail = brand_recognition::Model {
                        credential_id,
                        brand_id: brand.id,
                        recognition_kind,
                    };
                    detail.into_active_model().insert(db).await.unwrap();
                }
                CredentialKind::GiAuthorization => {
                    gi_authorization::Model {
                        credential_id,
                        gi_id: gi,
                    }
                    .into_active_model()
                    .insert(db)
                    .await
                    .unwrap();
                }
                _ => {
                    let detail = quality_award::Model {
                        credential_id,
                        program_id: program,
                        edition: None,
                        citation: None,
                    };
                    detail.into_active_model().insert(db).await.unwrap();
                }
            }
        }
    }
}

#[tokio::test]
async fn listing_enterprises_with_all_their_credentials_costs_the_same_statements_at_any_page_size() {
    // A wide batch window, so a test machine busy with other tests does not split a level in two:
    // resolving 500 credentials in a debug build can outlast a short window, and keys asked for while
    // the first batch is in flight go into a second one.
    let options = AppOptions {
        batch_window: std::time::Duration::from_millis(60),
        ..AppOptions::default()
    };
    let app = spawn_app_with(options).await;
    add_uniform_profiles(&app, 100).await;
    let mut counts = Vec::new();
    for n in [5, 20, 50, 100] {
        // Should a level still spill into a second batch, the fewest of three runs is what it needs.
        let mut fewest = usize::MAX;
        for _ in 0..3 {
            let (statements, body) = app
                .count_statements(app.query_with(PROFILE_PAGE, json!({ "n": n })))
                .await;
            assert!(body.get("errors").is_none(), "{body}");
            let nodes = body["data"]["enterprises"]["nodes"].as_array().unwrap();
            assert_eq!(nodes.len(), n);
            assert_eq!(nodes[n - 1]["credentials"].as_array().unwrap().len(), 5);
            fewest = fewest.min(statements);
        }
        counts.push(fewest);
    }
    eprintln!("SQL statements for 5 / 20 / 50 / 100 enterprises: {counts:?}");
    // The page and its count, then one statement per relation: region, brands, credentials, bureau,
    // five detail tables, recognised brand, indication, programme. (How many enterprises hold the name
    // term's key grams is asked once, by the first run, and kept.)
    assert_eq!(counts, vec![14; 4]);
}
