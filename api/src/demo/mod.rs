//! Demo data: the regions' bureaus, programmes, brands, GIs and enterprises of DESIGN §1, sized to its
//! counts (255 national little giants and 3,850 municipal 专精特新 SMEs in Chongqing, 81/8/60/8 national
//! and 250/20 municipal green listings, 70 agricultural GIs, 巴味渝珍's 292 licensees, the 75 awards
//! and 220 chief quality officers on the Chongqing–Sichuan list, …).
//!
//! Named things come from `catalogue`; the bulk is generated deterministically (names from word lists,
//! USCCs with valid check characters), so every run produces the same registry and needs no network.
//! Everything is written in one transaction: a failed seed leaves nothing behind.
//!
//! Dates are relative to the day the demo is loaded. They are written below as they read on
//! [`WRITTEN_FOR`]; loaded on another day, every business date moves by the same number of days, so
//! what the sources describe as current is current on any day, with its history behind it.

mod catalogue;
pub mod generate;

pub use catalogue::DEMO_PASSWORD;

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate, Utc};
use entity::enums::{
    AgreementMode, AgreementStatus, BrandKind, BrandRecognitionKind, BureauKind, CredentialKind,
    CredentialStatus, EnterpriseScale, GiProtectionType, GreenKind, Level, LittleGiantTier, Role, UserStatus,
};
use entity::{
    agreement_party, agreement_scope, app_user, award_program, brand, brand_recognition, bureau,
    chief_quality_officer, credential, credential_period, enterprise, geographic_indication,
    gi_authorization, gi_protected_area, green_designation, little_giant_designation, person, quality_award,
    recognition_agreement, recognition_listing, user_role,
};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait,
    prelude::DateTimeUtc,
};
use uuid::Uuid;

use crate::domain::Uscc;
use catalogue::*;

/// How many rows of each kind the seed wrote.
#[derive(Debug, Default)]
pub struct SeedSummary {
    pub bureaus: usize,
    pub enterprises: usize,
    pub persons: usize,
    pub credentials: usize,
    pub users: usize,
}

/// Whether the database holds no registry data yet (reference data from migrations aside).
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(bureau::Entity::find().count(db).await? == 0 && enterprise::Entity::find().count(db).await? == 0)
}

/// The day the demo's dates are written for: loaded on this day, the registry reads exactly as written.
pub const WRITTEN_FOR: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 1) {
    Some(day) => day,
    None => panic!("a valid date"),
};

/// Writes the demo registry into an empty database, in one transaction, dated relative to `today`.
pub async fn seed(db: &DatabaseConnection, today: NaiveDate) -> Result<SeedSummary, DbErr> {
    let mut demo = Demo::new(today);
    demo.build()?;
    let summary = SeedSummary {
        bureaus: demo.bureaus.len(),
        enterprises: demo.enterprises.len(),
        persons: demo.persons.len(),
        credentials: demo.credentials.len(),
        users: demo.users.len(),
    };
    let txn = crate::services::begin_write(db).await?;
    insert_all::<bureau::Entity>(&txn, demo.bureaus).await?;
    insert_all::<award_program::Entity>(&txn, demo.programs).await?;
    insert_all::<enterprise::Entity>(&txn, demo.enterprises).await?;
    insert_all::<person::Entity>(&txn, demo.persons).await?;
    insert_all::<app_user::Entity>(&txn, demo.users).await?;
    insert_all::<user_role::Entity>(&txn, demo.user_roles).await?;
    insert_all::<brand::Entity>(&txn, demo.brands).await?;
    insert_all::<geographic_indication::Entity>(&txn, demo.indications).await?;
    insert_all::<gi_protected_area::Entity>(&txn, demo.protected_areas).await?;
    insert_all::<credential::Entity>(&txn, demo.credentials).await?;
    insert_all::<credential_period::Entity>(&txn, demo.periods).await?;
    insert_all::<little_giant_designation::Entity>(&txn, demo.little_giants).await?;
    insert_all::<green_designation::Entity>(&txn, demo.greens).await?;
    insert_all::<brand_recognition::Entity>(&txn, demo.brand_recognitions).await?;
    insert_all::<gi_authorization::Entity>(&txn, demo.gi_authorizations).await?;
    insert_all::<quality_award::Entity>(&txn, demo.awards).await?;
    insert_all::<chief_quality_officer::Entity>(&txn, demo.officers).await?;
    insert_all::<recognition_agreement::Entity>(&txn, demo.agreements).await?;
    insert_all::<agreement_party::Entity>(&txn, demo.parties).await?;
    insert_all::<agreement_scope::Entity>(&txn, demo.scopes).await?;
    insert_all::<recognition_listing::Entity>(&txn, demo.listings).await?;
    txn.commit().await?;
    Ok(summary)
}

/// Writes the demo's bureaus and award programmes, and nothing else, into a registry without bureaus:
/// what `registry generate` grants its credentials by.
async fn seed_catalogue(db: &DatabaseConnection, today: NaiveDate) -> Result<(), DbErr> {
    let mut demo = Demo::new(today);
    demo.add_bureaus()?;
    demo.add_programs()?;
    let txn = crate::services::begin_write(db).await?;
    insert_all::<bureau::Entity>(&txn, demo.bureaus).await?;
    insert_all::<award_program::Entity>(&txn, demo.programs).await?;
    txn.commit().await
}

/// Inserts rows in chunks small enough for every backend's bound-parameter limit.
async fn insert_all<E>(txn: &sea_orm::DatabaseTransaction, rows: Vec<E::Model>) -> Result<(), DbErr>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    let mut rows = rows
        .into_iter()
        .map(IntoActiveModel::into_active_model)
        .peekable();
    while rows.peek().is_some() {
        let chunk: Vec<E::ActiveModel> = rows.by_ref().take(400).collect();
        E::insert_many(chunk).exec_without_returning(txn).await?;
    }
    Ok(())
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, DbErr> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| DbErr::Custom(format!("bad demo date {y}-{m}-{d}")))
}

/// Who holds a generated credential.
#[derive(Copy, Clone)]
enum HolderRef {
    Enterprise(usize),
    Person(usize),
    Nobody(&'static str),
}

/// The parts of a credential that vary between demo rows.
struct Grant {
    kind: CredentialKind,
    holder: HolderRef,
    level: Level,
    bureau: &'static str,
    batch: Option<i32>,
    valid_from: NaiveDate,
    /// Years of validity; `None` for credentials without an end (awards, green listings).
    years: Option<u32>,
}

/// The demo registry being assembled in memory.
struct Demo {
    now: DateTimeUtc,
    /// How far the day of loading lies after [`WRITTEN_FOR`]; every written business date moves by it.
    shift: chrono::TimeDelta,
    sequence: u64,
    bureau_ids: HashMap<&'static str, Uuid>,
    bureaus: Vec<bureau::Model>,
    programs: Vec<award_program::Model>,
    enterprises: Vec<enterprise::Model>,
    persons: Vec<person::Model>,
    brands: Vec<brand::Model>,
    indications: Vec<geographic_indication::Model>,
    protected_areas: Vec<gi_protected_area::Model>,
    credentials: Vec<credential::Model>,
    periods: Vec<credential_period::Model>,
    little_giants: Vec<little_giant_designation::Model>,
    greens: Vec<green_designation::Model>,
    brand_recognitions: Vec<brand_recognition::Model>,
    gi_authorizations: Vec<gi_authorization::Model>,
    awards: Vec<quality_award::Model>,
    officers: Vec<chief_quality_officer::Model>,
    agreements: Vec<recognition_agreement::Model>,
    parties: Vec<agreement_party::Model>,
    scopes: Vec<agreement_scope::Model>,
    listings: Vec<recognition_listing::Model>,
    users: Vec<app_user::Model>,
    user_roles: Vec<user_role::Model>,
    /// Renewed credentials: the first day of the renewed period and the day the renewal was decided.
    renewals: HashMap<Uuid, (NaiveDate, NaiveDate)>,
}

/// Indexes into `Demo::enterprises` of each province's generated enterprises.
struct Pools {
    chongqing: Vec<usize>,
    sichuan: Vec<usize>,
    shanghai: Vec<usize>,
}

impl Demo {
    fn new(today: NaiveDate) -> Self {
        Self {
            now: Utc::now(),
            shift: today - WRITTEN_FOR,
            sequence: 0,
            bureau_ids: HashMap::new(),
            bureaus: Vec::new(),
            programs: Vec::new(),
            enterprises: Vec::new(),
            persons: Vec::new(),
            brands: Vec::new(),
            indications: Vec::new(),
            protected_areas: Vec::new(),
            credentials: Vec::new(),
            periods: Vec::new(),
            little_giants: Vec::new(),
            greens: Vec::new(),
            brand_recognitions: Vec::new(),
            gi_authorizations: Vec::new(),
            awards: Vec::new(),
            officers: Vec::new(),
            agreements: Vec::new(),
            parties: Vec::new(),
            scopes: Vec::new(),
            listings: Vec::new(),
            users: Vec::new(),
            user_roles: Vec::new(),
            renewals: HashMap::new(),
        }
    }

    fn build(&mut self) -> Result<(), DbErr> {
        self.add_bureaus()?;
        self.add_programs()?;
        let pools = Pools {
            chongqing: (0..4_400)
                .map(|i| self.add_enterprise("重庆", CQ_DISTRICTS, i))
                .collect::<Result<_, _>>()?,
            sichuan: (0..260)
                .map(|i| self.add_enterprise("", SC_REGIONS, i))
                .collect::<Result<_, _>>()?,
            shanghai: (0..220)
                .map(|i| self.add_enterprise("上海", SH_DISTRICTS, i))
                .collect::<Result<_, _>>()?,
        };
        self.add_little_giants(&pools)?;
        self.add_green_listings(&pools)?;
        self.add_geographic_indications()?;
        self.add_brands(&pools)?;
        let listed = self.add_awards_and_officers(&pools)?;
        self.add_agreements(listed)?;
        self.add_users(&pools)?;
        self.key_active_credentials_and_record_periods();
        Ok(())
    }

    /// Gives every active credential its exclusive key (so the demo obeys the one-active-credential
    /// rule like anything entered through the API) and every granted one its validity period.
    fn key_active_credentials_and_record_periods(&mut self) {
        use crate::services::proposal::{ACTIVE_STATES, Detail, exclusive_key};
        let mut details: HashMap<Uuid, Detail> = HashMap::new();
        for row in &self.little_giants {
            details.insert(row.credential_id, Detail::LittleGiant { tier: row.tier });
        }
        for row in &self.greens {
            let detail = Detail::Green {
                green_kind: row.green_kind,
                subject_name: row.subject_name.clone(),
            };
            details.insert(row.credential_id, detail);
        }
        for row in &self.brand_recognitions {
            let detail = Detail::BrandRecognition {
                brand_id: row.brand_id,
                recognition_kind: row.recognition_kind,
            };
            details.insert(row.credential_id, detail);
        }
        for row in &self.gi_authorizations {
            details.insert(row.credential_id, Detail::GiAuthorization { gi_id: row.gi_id });
        }
        for row in &self.awards {
            let detail = Detail::QualityAward {
                program_id: row.program_id,
                edition: row.edition,
                citation: row.citation.clone(),
            };
            details.insert(row.credential_id, detail);
        }
        for row in &self.officers {
            let detail = Detail::ChiefQualityOfficer {
                certificate_number: row.certificate_number.clone(),
                employer_id: row.employer_id,
            };
            details.insert(row.credential_id, detail);
        }
        for credential in &mut self.credentials {
            if let Some(detail) = details.get(&credential.id)
                && ACTIVE_STATES.contains(&credential.status)
            {
                credential.exclusive_key = Some(exclusive_key(credential, detail));
            }
            let (Some(valid_from), Some(decided_on)) = (credential.valid_from, credential.granted_on) else {
                continue;
            };
            // A renewed credential has its first period and the renewed one, as `renewCredential` records.
            let periods = match self.renewals.get(&credential.id) {
                Some(&(renewed_from, renewed_on)) => vec![
                    (valid_from, Some(renewed_from), valid_from),
                    (renewed_from, credential.valid_until, renewed_on),
                ],
                None => vec![(valid_from, credential.valid_until, decided_on)],
            };
            for (valid_from, valid_until, decided_on) in periods {
                self.periods.push(credential_period::Model {
                    id: Uuid::now_v7(),
                    credential_id: credential.id,
                    valid_from,
                    valid_until,
                    decided_on,
                    decided_by: credential.reviewed_by,
                    created_at: self.now,
                });
            }
        }
    }

    /// A written date as it falls for the day of loading.
    fn moved(&self, written: NaiveDate) -> Result<NaiveDate, DbErr> {
        written
            .checked_add_signed(self.shift)
            .ok_or_else(|| DbErr::Custom(format!("demo date {written} moved out of range")))
    }

    fn next(&mut self) -> u64 {
        self.sequence += 1;
        self.sequence
    }

    fn bureau(&self, code: &str) -> Result<Uuid, DbErr> {
        self.bureau_ids
            .get(code)
            .copied()
            .ok_or_else(|| DbErr::Custom(format!("demo bureau {code} missing")))
    }

    fn add_bureaus(&mut self) -> Result<(), DbErr> {
        for BureauSpec(code, name, kind, level, region, parent) in BUREAUS {
            let id = Uuid::now_v7();
            let parent_id = parent.map(|p| self.bureau(p)).transpose()?;
            self.bureau_ids.insert(code, id);
            self.bureaus.push(bureau::Model {
                id,
                created_at: self.now,
                updated_at: self.now,
                version: 1,
                code: (*code).to_owned(),
                name: (*name).to_owned(),
                kind: parse_stored::<BureauKind>(kind)?,
                level: parse_stored::<Level>(level)?,
                region_code: (*region).to_owned(),
                parent_id,
            });
        }
        Ok(())
    }

    fn add_programs(&mut self) -> Result<(), DbErr> {
        for ProgramSpec(code, name, level, region, bureau, cap) in PROGRAMS {
            let awarding_bureau_id = Some(self.bureau(bureau)?);
            self.programs.push(award_program::Model {
                id: Uuid::now_v7(),
                created_at: self.now,
                updated_at: self.now,
                version: 1,
                code: (*code).to_owned(),
                name: (*name).to_owned(),
                level: parse_stored::<Level>(level)?,
                region_code: (*region).to_owned(),
                awarding_bureau_id,
                max_winners_per_edition: *cap,
                description: None,
            });
        }
        Ok(())
    }

    fn program(&self, code: &str) -> Result<Uuid, DbErr> {
        self.programs
            .iter()
            .find(|p| p.code == code)
            .map(|p| p.id)
            .ok_or_else(|| DbErr::Custom(format!("demo programme {code} missing")))
    }

    /// Adds the `index`-th generated enterprise of a province (`prefix` starts its name) and returns its
    /// position.
    fn add_enterprise(
        &mut self,
        prefix: &str,
        places: &[(&str, &str)],
        index: usize,
    ) -> Result<usize, DbErr> {
        let (region, place) = places[index % places.len()];
        let rest = index / places.len();
        let stem = STEMS[rest % STEMS.len()];
        let trade = TRADES[(rest / STEMS.len()) % TRADES.len()];
        let form = FORMS[(rest / (STEMS.len() * TRADES.len())) % FORMS.len()];
        let name = format!("{prefix}{place}{stem}{trade}{form}");
        let sequence = self.next();
        let uscc = Uscc::with_check_character(&format!("91{region}MA{}", base31(sequence, 7)))
            .map_err(|e| DbErr::Custom(format!("generated USCC invalid: {e:?}")))?;
        let established = date(
            1995 + (sequence % 28) as i32,
            1 + (sequence % 12) as u32,
            1 + (sequence % 28) as u32,
        )?;
        let address = format!("{place}区示例路{}号", 1 + sequence % 300);
        self.enterprises.push(enterprise::Model {
            industry_code: Some(format!("C{}", 13 + sequence % 30)),
            scale: Some(
                [
                    EnterpriseScale::Small,
                    EnterpriseScale::Medium,
                    EnterpriseScale::Micro,
                ][index % 3],
            ),
            established_on: Some(self.moved(established)?),
            registered_capital_cny: Some(1_000_000 * (1 + (sequence % 50) as i64)),
            legal_representative: Some(person_name(sequence)),
            address: Some(address),
            ..crate::services::enterprise::new_row(&uscc, name, region.to_owned(), self.now)
        });
        Ok(self.enterprises.len() - 1)
    }

    /// Adds a person working for an enterprise and returns their position.
    fn add_person(&mut self, employer: usize) -> Result<usize, DbErr> {
        let sequence = self.next();
        let name = person_name(sequence * 7 + 3);
        let employer = &self.enterprises[employer];
        let region = employer.region_code.clone();
        let born = date(
            1965 + (sequence % 26) as i32,
            1 + (sequence % 12) as u32,
            1 + (sequence % 28) as u32,
        )?;
        let identity = identity_number(&region, born, sequence);
        let forms = crate::domain::name_forms::NameForms::of(&name, None);
        self.persons.push(person::Model {
            id: Uuid::now_v7(),
            created_at: self.now,
            updated_at: self.now,
            version: 1,
            name_normalized: forms.normalized,
            name_pinyin: forms.pinyin,
            name_grams: forms.grams,
            name,
            identity_number: Some(identity),
            phone: Some(format!("139{:08}", sequence * 7919 % 100_000_000)),
            employer_id: Some(employer.id),
            region_code: region,
        });
        Ok(self.persons.len() - 1)
    }

    /// Adds a granted credential's shared row and returns its id.
    fn grant(&mut self, grant: Grant) -> Result<Uuid, DbErr> {
        let id = Uuid::now_v7();
        let (enterprise, person, region) = match grant.holder {
            HolderRef::Enterprise(i) => {
                let e = &self.enterprises[i];
                (Some(e.id), None, e.region_code.clone())
            }
            HolderRef::Person(i) => {
                let p = &self.persons[i];
                (None, Some(p.id), p.region_code.clone())
            }
            HolderRef::Nobody(region) => (None, None, region.to_owned()),
        };
        let valid_from = self.moved(grant.valid_from)?;
        let notice_starts = valid_from - chrono::Days::new(21);
        let valid_until = match grant.years {
            Some(years) => Some(
                valid_from
                    .checked_add_months(Months::new(12 * years))
                    .ok_or_else(|| DbErr::Custom("demo date overflow".to_owned()))?,
            ),
            None => None,
        };
        let blank = crate::services::credential::Blank {
            kind: grant.kind,
            level: grant.level,
            granting_bureau_id: self.bureau(grant.bureau)?,
            region_code: region,
            status: CredentialStatus::Granted,
            now: self.now,
        };
        self.credentials.push(credential::Model {
            id,
            holder_enterprise_id: enterprise,
            holder_person_id: person,
            batch: grant.batch,
            year: Some(valid_from.year()),
            notice_starts_on: Some(notice_starts),
            notice_ends_on: Some(notice_starts + chrono::Days::new(7)),
            granted_on: Some(valid_from),
            valid_from: Some(valid_from),
            valid_until,
            ..blank.row()
        });
        Ok(id)
    }

    /// Marks the most recent credential revoked on `on` (a written date).
    fn revoke_last(&mut self, on: NaiveDate, reason: &str) -> Result<(), DbErr> {
        let on = self.moved(on)?;
        if let Some(last) = self.credentials.last_mut() {
            last.status = CredentialStatus::Revoked;
            last.revoked_on = Some(on);
            last.revocation_reason = Some(reason.to_owned());
        }
        Ok(())
    }

    /// Renews the most recent credential on review: its validity runs on from its end (a written date)
    /// for another `years`, decided a month before.
    fn renew_last(&mut self, years: u32) -> Result<(), DbErr> {
        let Some(last) = self.credentials.last_mut() else {
            return Ok(());
        };
        let renewed_from = last
            .valid_until
            .ok_or_else(|| DbErr::Custom("only a credential with an end is renewed".to_owned()))?;
        let renewed_on = renewed_from
            .checked_sub_months(Months::new(1))
            .ok_or_else(|| DbErr::Custom("demo date overflow".to_owned()))?;
        last.valid_until = renewed_from.checked_add_months(Months::new(12 * years));
        last.granted_on = Some(renewed_on);
        self.renewals.insert(last.id, (renewed_from, renewed_on));
        Ok(())
    }

    /// Turns the most recent credential back into an unpublished proposal in `status`.
    fn unpublish_last(&mut self, status: CredentialStatus) {
        if let Some(last) = self.credentials.last_mut() {
            last.status = status;
            last.granted_on = None;
            last.valid_from = None;
            last.valid_until = None;
            last.notice_starts_on = None;
            last.notice_ends_on = None;
        }
    }

    fn little_giant(&mut self, grant: Grant, tier: LittleGiantTier) -> Result<(), DbErr> {
        let credential_id = self.grant(grant)?;
        self.little_giants
            .push(little_giant_designation::Model { credential_id, tier });
        Ok(())
    }

    fn add_little_giants(&mut self, pools: &Pools) -> Result<(), DbErr> {
        use LittleGiantTier::{KeyLittleGiant, LittleGiant, SpecializedSme};
        // Designations are valid three years from the batch's date.
        let designation = |holder: usize, level, bureau, batch: i32, valid_from| Grant {
            kind: CredentialKind::LittleGiant,
            holder: HolderRef::Enterprise(holder),
            level,
            bureau,
            batch: Some(batch),
            valid_from,
            years: Some(3),
        };
        let national =
            |holder, batch, valid_from| designation(holder, Level::National, "MIIT", batch, valid_from);
        let batch_dates = [
            date(2024, 2, 1)?,
            date(2024, 8, 1)?,
            date(2025, 2, 1)?,
            date(2025, 8, 1)?,
            date(2026, 2, 1)?,
        ];
        // 3,850 municipal 专精特新 SMEs in five batches of 770, all in force.
        for (n, &holder) in pools.chongqing[..3_850].iter().enumerate() {
            let batch = n / 770;
            let grant = designation(
                holder,
                Level::Provincial,
                "CQ-EIC",
                batch as i32 + 1,
                batch_dates[batch],
            );
            self.little_giant(grant, SpecializedSme)?;
        }
        // 255 national little giants, drawn from the municipal tier: batch 6 (150) and batch 7 (105);
        // 15 of them are also key little giants.
        for (n, &holder) in pools.chongqing[..255].iter().enumerate() {
            let grant = if n < 150 {
                national(holder, 6, date(2024, 7, 1)?)
            } else {
                national(holder, 7, date(2025, 7, 1)?)
            };
            self.little_giant(grant, LittleGiant)?;
        }
        for &holder in &pools.chongqing[..15] {
            self.little_giant(national(holder, 7, date(2025, 7, 1)?), KeyLittleGiant)?;
        }
        // History: batch 3 (2021) not renewed on review, now expired; three of batch 6 revoked.
        for &holder in &pools.chongqing[300..312] {
            self.little_giant(national(holder, 3, date(2021, 7, 1)?), LittleGiant)?;
        }
        for &holder in &pools.chongqing[312..315] {
            self.little_giant(national(holder, 6, date(2024, 7, 1)?), LittleGiant)?;
            self.revoke_last(date(2025, 5, 1)?, "复核未通过：主营业务收入占比不再符合认定条件")?;
        }
        // Proposals the public never sees: batch 8 nominations still in review.
        for (n, &holder) in pools.chongqing[315..320].iter().enumerate() {
            self.little_giant(national(holder, 8, date(2026, 7, 1)?), LittleGiant)?;
            self.unpublish_last(if n % 2 == 0 {
                CredentialStatus::Submitted
            } else {
                CredentialStatus::Draft
            });
        }
        // Sichuan: 100 provincial SMEs in two batches and 30 national little giants.
        for (n, &holder) in pools.sichuan[..100].iter().enumerate() {
            let batch = (n / 50) as i32;
            let grant = designation(
                holder,
                Level::Provincial,
                "SC-EIT",
                batch + 1,
                date(2024 + batch, 3, 1)?,
            );
            self.little_giant(grant, SpecializedSme)?;
        }
        for &holder in &pools.sichuan[..30] {
            self.little_giant(national(holder, 6, date(2024, 7, 1)?), LittleGiant)?;
        }
        // Sichuan's batch 8 nominations, also in review.
        for &holder in &pools.sichuan[100..102] {
            self.little_giant(national(holder, 8, date(2026, 7, 1)?), LittleGiant)?;
            self.unpublish_last(CredentialStatus::Submitted);
        }
        Ok(())
    }

    fn green(
        &mut self,
        grant: Grant,
        green_kind: GreenKind,
        subject_name: Option<String>,
    ) -> Result<(), DbErr> {
        let credential_id = self.grant(grant)?;
        self.greens.push(green_designation::Model {
            credential_id,
            green_kind,
            subject_name,
        });
        Ok(())
    }

    fn add_green_listings(&mut self, pools: &Pools) -> Result<(), DbErr> {
        let listed = |n: usize| -> Result<(i32, NaiveDate), DbErr> {
            let batch = (n % 8) as i32 + 1;
            Ok((batch, date(2016 + batch, 10, 1)?))
        };
        // Listings have no end of validity: they stay until a review removes them.
        let listing = |level, bureau, holder, batch, valid_from| Grant {
            kind: CredentialKind::Green,
            holder,
            level,
            bureau,
            batch: Some(batch),
            valid_from,
            years: None,
        };
        let national =
            |holder, batch, valid_from| listing(Level::National, "MIIT", holder, batch, valid_from);
        let municipal =
            |holder, batch, valid_from| listing(Level::Provincial, "CQ-EIC", holder, batch, valid_from);
        // National: 81 factories, 8 parks, 60 design products, 8 supply chains.
        for (n, &holder) in pools.chongqing[400..481].iter().enumerate() {
            let (batch, from) = listed(n)?;
            self.green(
                national(HolderRef::Enterprise(holder), batch, from),
                GreenKind::Factory,
                None,
            )?;
        }
        for (n, (park, region)) in CQ_GREEN_PARKS.iter().enumerate() {
            let (batch, from) = listed(n)?;
            let subject = Some((*park).to_owned());
            self.green(
                national(HolderRef::Nobody(region), batch, from),
                GreenKind::IndustrialPark,
                subject,
            )?;
        }
        for (n, &holder) in pools.chongqing[800..860].iter().enumerate() {
            let (batch, from) = listed(n)?;
            let product = Some(format!(
                "{}绿色设计产品 GX-{:03}",
                TRADES[n % TRADES.len()],
                n + 1
            ));
            self.green(
                national(HolderRef::Enterprise(holder), batch, from),
                GreenKind::DesignProduct,
                product,
            )?;
        }
        for (n, &holder) in pools.chongqing[900..908].iter().enumerate() {
            let (batch, from) = listed(n)?;
            self.green(
                national(HolderRef::Enterprise(holder), batch, from),
                GreenKind::SupplyChain,
                None,
            )?;
        }
        // Removed on dynamic review (2022): listings with history, no longer in force.
        for (n, &holder) in pools.chongqing[481..485].iter().enumerate() {
            let (batch, from) = listed(n)?;
            self.green(
                national(HolderRef::Enterprise(holder), batch, from),
                GreenKind::Factory,
                None,
            )?;
            self.revoke_last(date(2022, 12, 1)?, "2022年动态调整：复核不合格，移出名单")?;
        }
        // Municipal: 250 factories and 20 parks.
        for (n, &holder) in pools.chongqing[500..750].iter().enumerate() {
            let (batch, from) = listed(n)?;
            self.green(
                municipal(HolderRef::Enterprise(holder), batch, from),
                GreenKind::Factory,
                None,
            )?;
        }
        for (n, (region, place)) in CQ_DISTRICTS.iter().enumerate() {
            let (batch, from) = listed(n)?;
            let park = Some(format!("重庆{place}工业园区"));
            self.green(
                municipal(HolderRef::Nobody(region), batch, from),
                GreenKind::IndustrialPark,
                park,
            )?;
        }
        Ok(())
    }

    fn add_indication(
        &mut self,
        name: &str,
        protection_type: GiProtectionType,
        region: &str,
        category: &str,
        registering_bureau: &str,
    ) -> Result<Uuid, DbErr> {
        let id = Uuid::now_v7();
        let sequence = self.next();
        let prefix = match protection_type {
            GiProtectionType::AgriculturalProduct => "AGI",
            GiProtectionType::GiProduct => "GIP",
            GiProtectionType::GiTrademark => "GIT",
        };
        let forms = crate::domain::name_forms::NameForms::of(name, None);
        self.indications.push(geographic_indication::Model {
            id,
            created_at: self.now,
            updated_at: self.now,
            version: 1,
            name: name.to_owned(),
            name_normalized: forms.normalized,
            name_pinyin: forms.pinyin,
            name_grams: forms.grams,
            protection_type,
            registration_number: format!("{prefix}{:06}", 1_000 + sequence),
            holder_organisation: format!("{name}产业协会"),
            region_code: region.to_owned(),
            product_category: Some(category.to_owned()),
            registered_on: Some(self.moved(date(2008 + (sequence % 15) as i32, 6, 1)?)?),
            registering_bureau_id: Some(self.bureau(registering_bureau)?),
        });
        self.protected_areas.push(gi_protected_area::Model {
            id: Uuid::now_v7(),
            created_at: self.now,
            updated_at: self.now,
            version: 1,
            gi_id: id,
            region_code: region.to_owned(),
        });
        Ok(id)
    }

    fn add_geographic_indications(&mut self) -> Result<(), DbErr> {
        // 70 agricultural-product GIs: the named ones, then district × product.
        for (name, region, category) in CQ_AGRICULTURAL_GIS {
            self.add_indication(
                name,
                GiProtectionType::AgriculturalProduct,
                region,
                category,
                "MOA",
            )?;
        }
        let generated = CQ_DISTRICTS
            .iter()
            .flat_map(|district| FARM_PRODUCTS.iter().map(move |product| (district, product)))
            .take(70 - CQ_AGRICULTURAL_GIS.len());
        for ((region, place), product) in generated.collect::<Vec<_>>() {
            let name = format!("{place}{product}");
            self.add_indication(
                &name,
                GiProtectionType::AgriculturalProduct,
                region,
                "农产品",
                "MOA",
            )?;
        }
        // 24 GI products; one announcement authorises 48 enterprises (two per product) to use the mark.
        let mut products = vec![
            self.add_indication(
                "涪陵榨菜",
                GiProtectionType::GiProduct,
                "500102",
                "蔬菜制品",
                "CNIPA",
            )?,
            self.add_indication(
                "永川豆豉",
                GiProtectionType::GiProduct,
                "500118",
                "调味品",
                "CNIPA",
            )?,
        ];
        for (name, region, category) in CQ_AGRICULTURAL_GIS {
            products.push(self.add_indication(
                name,
                GiProtectionType::GiProduct,
                region,
                category,
                "CNIPA",
            )?);
        }
        self.add_indication(
            "巫山脆李",
            GiProtectionType::GiTrademark,
            "500237",
            "水果",
            "CNIPA",
        )?;
        // The mark's users are registered inside the product's protected area: two enterprises per
        // product, generated in its region and named after its place.
        for (n, &gi_id) in products.iter().flat_map(|id| [id, id]).enumerate() {
            let (region, name) = self
                .indications
                .iter()
                .find(|indication| indication.id == gi_id)
                .map(|indication| (indication.region_code.clone(), indication.name.clone()))
                .ok_or_else(|| DbErr::Custom("demo indication missing".to_owned()))?;
            let place: String = name.chars().take(2).collect();
            // Indices past the provincial pool's keep these names apart from its names.
            let holder = self.add_enterprise("重庆", &[(region.as_str(), place.as_str())], 1_000 + n)?;
            let grant = Grant {
                kind: CredentialKind::GiAuthorization,
                holder: HolderRef::Enterprise(holder),
                level: Level::National,
                bureau: "CNIPA",
                batch: Some(512),
                valid_from: date(2023, 1, 16)?,
                years: None,
            };
            let credential_id = self.grant(grant)?;
            self.gi_authorizations
                .push(gi_authorization::Model { credential_id, gi_id });
        }
        Ok(())
    }

    fn add_brand(
        &mut self,
        name: String,
        kind: BrandKind,
        holder: Result<usize, &str>,
        region: &str,
    ) -> Uuid {
        let id = Uuid::now_v7();
        let (holder_enterprise_id, holder_organisation) = match holder {
            Ok(enterprise) => (Some(self.enterprises[enterprise].id), None),
            Err(organisation) => (None, Some(organisation.to_owned())),
        };
        let sequence = self.next();
        let forms = crate::domain::name_forms::NameForms::of(&name, None);
        self.brands.push(brand::Model {
            id,
            created_at: self.now,
            updated_at: self.now,
            version: 1,
            name_normalized: forms.normalized,
            name_pinyin: forms.pinyin,
            name_grams: forms.grams,
            name,
            kind,
            holder_enterprise_id,
            holder_organisation,
            region_code: region.to_owned(),
            trademark_number: Some(format!("{}", 10_000_000 + sequence * 37)),
            nice_classes: Some(["29,30", "31", "35", "7,9"][(sequence % 4) as usize].to_owned()),
        });
        id
    }

    fn recognise(
        &mut self,
        grant: Grant,
        brand_id: Uuid,
        recognition_kind: BrandRecognitionKind,
    ) -> Result<(), DbErr> {
        let credential_id = self.grant(grant)?;
        self.brand_recognitions.push(brand_recognition::Model {
            credential_id,
            brand_id,
            recognition_kind,
        });
        Ok(())
    }

    fn add_brands(&mut self, pools: &Pools) -> Result<(), DbErr> {
        let bawei = self.add_brand(
            "巴味渝珍".to_owned(),
            BrandKind::RegionalPublic,
            Err("重庆市农业农村委员会"),
            "500000",
        );
        let citrus = self.add_brand(
            "三峡柑橘".to_owned(),
            BrandKind::RegionalPublic,
            Err("重庆三峡柑橘产业协会"),
            "500000",
        );
        // Licences to use the regional public brands, three years each: 巴味渝珍's 292 licensees,
        // 三峡柑橘's 40.
        let licences = [(bawei, 1_100..1_392), (citrus, 1_400..1_440)];
        for (brand, range) in licences {
            for &holder in &pools.chongqing[range] {
                let grant = Grant {
                    kind: CredentialKind::BrandRecognition,
                    holder: HolderRef::Enterprise(holder),
                    level: Level::Provincial,
                    bureau: "CQ-AGRI",
                    batch: None,
                    valid_from: date(2024, 12, 1)?,
                    years: Some(3),
                };
                self.recognise(grant, brand, BrandRecognitionKind::PublicBrandLicense)?;
            }
        }
        // 30 famous-brand farm products, valid three years.
        for &holder in &pools.chongqing[1_500..1_530] {
            let name = format!("{}牌", STEMS[holder % STEMS.len()]);
            let region = self.enterprises[holder].region_code.clone();
            let brand = self.add_brand(name, BrandKind::Product, Ok(holder), &region);
            let grant = Grant {
                kind: CredentialKind::BrandRecognition,
                holder: HolderRef::Enterprise(holder),
                level: Level::Provincial,
                bureau: "CQ-AGRI",
                batch: Some(2024),
                valid_from: date(2024, 6, 1)?,
                years: Some(3),
            };
            self.recognise(grant, brand, BrandRecognitionKind::FamousAgriculturalBrand)?;
        }
        // "上海品牌": 35 organisations and 37 products or services certified in one year, for three.
        for (n, &holder) in pools.shanghai[..35].iter().enumerate() {
            let certify = |this: &mut Self, name: String, kind: BrandKind| -> Result<(), DbErr> {
                let region = this.enterprises[holder].region_code.clone();
                let brand = this.add_brand(name, kind, Ok(holder), &region);
                let grant = Grant {
                    kind: CredentialKind::BrandRecognition,
                    holder: HolderRef::Enterprise(holder),
                    level: Level::Provincial,
                    bureau: "SH-AMR",
                    batch: Some(2025),
                    valid_from: date(2025, 12, 1)?,
                    years: Some(3),
                };
                this.recognise(grant, brand, BrandRecognitionKind::ShanghaiBrand)
            };
            let company = self.enterprises[holder].name.clone();
            certify(self, company.clone(), BrandKind::Enterprise)?;
            certify(self, format!("{company}·精品 Pro 1"), BrandKind::Product)?;
            if n < 2 {
                certify(self, format!("{company}·精品 Pro 2"), BrandKind::Product)?;
            }
        }
        Ok(())
    }

    fn award(&mut self, grant: Grant, program: &str, edition: Option<i32>) -> Result<Uuid, DbErr> {
        let program_id = self.program(program)?;
        let credential_id = self.grant(grant)?;
        self.awards.push(quality_award::Model {
            credential_id,
            program_id,
            edition,
            citation: None,
        });
        Ok(credential_id)
    }

    /// Adds awards and chief quality officers; returns the ids on the Chongqing–Sichuan list.
    fn add_awards_and_officers(&mut self, pools: &Pools) -> Result<Vec<Uuid>, DbErr> {
        let mut listed = Vec::new();
        // 75 quality-award winners on the list: 40 of the Chongqing mayor's award, 35 of 天府质量奖,
        // each a quarter individuals.
        let winners = [
            ("CQ_MAYOR_QUALITY", "CQ-AMR", &pools.chongqing[2_000..2_040]),
            ("TIANFU_QUALITY", "SC-AMR", &pools.sichuan[150..185]),
        ];
        for (program, bureau, holders) in winners {
            for (n, &enterprise) in holders.iter().enumerate() {
                let holder = if n % 4 == 3 {
                    HolderRef::Person(self.add_person(enterprise)?)
                } else {
                    HolderRef::Enterprise(enterprise)
                };
                let year = 2019 + (n % 6) as i32;
                let grant = Grant {
                    kind: CredentialKind::QualityAward,
                    holder,
                    level: Level::Provincial,
                    bureau,
                    batch: None,
                    valid_from: date(year, 12, 1)?,
                    years: None,
                };
                listed.push(self.award(grant, program, Some(year - 2010))?);
            }
        }
        // National and other programmes, not on the list.
        let others: [(&str, &str, Level, &[usize]); 5] = [
            (
                "CHINA_QUALITY_AWARD",
                "SAMR",
                Level::National,
                &pools.shanghai[40..50],
            ),
            (
                "CHINA_QUALITY_AWARD_NOMINATION",
                "SAMR",
                Level::National,
                &pools.chongqing[2_100..2_120],
            ),
            (
                "LUBAN_PRIZE",
                "MOHURD",
                Level::National,
                &pools.chongqing[2_200..2_205],
            ),
            (
                "BAYU_CUP",
                "CQ-HC",
                Level::Provincial,
                &pools.chongqing[2_210..2_220],
            ),
            (
                "SH_QUALITY_GOLD",
                "SH-AMR",
                Level::Provincial,
                &pools.shanghai[50..60],
            ),
        ];
        for (program, bureau, level, holders) in others {
            for &enterprise in holders {
                let grant = Grant {
                    kind: CredentialKind::QualityAward,
                    holder: HolderRef::Enterprise(enterprise),
                    level,
                    bureau,
                    batch: None,
                    valid_from: date(2021, 9, 16)?,
                    years: None,
                };
                self.award(grant, program, Some(4))?;
            }
        }
        // Chief quality officers, certified for three years and all in force: 120 in Chongqing and 100 in
        // Sichuan (the 220 listed), 155 in Shanghai. A third of Chongqing's were first certified three
        // years earlier and renewed on review.
        let officers = [
            ("CQ", "CQ-AMR", &pools.chongqing[2_300..2_420], true),
            ("SC", "SC-AMR", &pools.sichuan[..100], true),
            ("SH", "SH-AMR", &pools.shanghai[60..215], false),
        ];
        for (prefix, bureau, employers, on_list) in officers {
            for (n, &employer) in employers.iter().enumerate() {
                let person = self.add_person(employer)?;
                let renewed = prefix == "CQ" && n % 3 == 0;
                let valid_from = date(2024 + (n % 3) as i32 - if renewed { 3 } else { 0 }, 4, 1)?;
                let grant = Grant {
                    kind: CredentialKind::ChiefQualityOfficer,
                    holder: HolderRef::Person(person),
                    level: Level::Provincial,
                    bureau,
                    batch: None,
                    valid_from,
                    years: Some(3),
                };
                let credential_id = self.grant(grant)?;
                if renewed {
                    self.renew_last(3)?;
                }
                self.officers.push(chief_quality_officer::Model {
                    credential_id,
                    certificate_number: format!("CQO-{prefix}-{}-{:04}", valid_from.year(), n + 1),
                    employer_id: self.enterprises[employer].id,
                });
                if on_list {
                    listed.push(credential_id);
                }
            }
        }
        // History: 15 Chongqing officers certified in 2020 whose certificates lapsed unrenewed.
        for (n, &employer) in pools.chongqing[2_420..2_435].iter().enumerate() {
            let person = self.add_person(employer)?;
            let grant = Grant {
                kind: CredentialKind::ChiefQualityOfficer,
                holder: HolderRef::Person(person),
                level: Level::Provincial,
                bureau: "CQ-AMR",
                batch: None,
                valid_from: date(2020, 4, 1)?,
                years: Some(3),
            };
            let credential_id = self.grant(grant)?;
            self.officers.push(chief_quality_officer::Model {
                credential_id,
                certificate_number: format!("CQO-CQ-2020-{:04}", n + 1),
                employer_id: self.enterprises[employer].id,
            });
        }
        Ok(listed)
    }

    fn add_agreements(&mut self, listed: Vec<Uuid>) -> Result<(), DbErr> {
        let agreement = |this: &mut Self,
                         title: &str,
                         signed_on: NaiveDate,
                         status: AgreementStatus,
                         mode: AgreementMode,
                         parties: &[(&str, bool)],
                         scope: &[CredentialKind]|
         -> Result<Uuid, DbErr> {
            let id = Uuid::now_v7();
            let signed_on = this.moved(signed_on)?;
            this.agreements.push(recognition_agreement::Model {
                id,
                created_at: this.now,
                updated_at: this.now,
                version: 1,
                title: title.to_owned(),
                signed_on,
                effective_from: signed_on,
                effective_until: None,
                status,
                mode,
                activated_on: (status != AgreementStatus::Pending).then_some(signed_on),
                suspended_from: None,
                terminated_from: None,
            });
            for (bureau, confirmed) in parties {
                let bureau_id = this.bureau(bureau)?;
                this.parties.push(agreement_party::Model {
                    id: Uuid::now_v7(),
                    created_at: this.now,
                    updated_at: this.now,
                    version: 1,
                    agreement_id: id,
                    bureau_id,
                    confirmed_by: None,
                    confirmed_at: confirmed.then_some(this.now),
                });
            }
            for kind in scope {
                this.scopes.push(agreement_scope::Model {
                    id: Uuid::now_v7(),
                    created_at: this.now,
                    updated_at: this.now,
                    version: 1,
                    agreement_id: id,
                    credential_kind: *kind,
                });
            }
            Ok(id)
        };
        let signed_on = date(2021, 3, 25)?;
        let sichuan_chongqing = agreement(
            self,
            "川渝质量奖获奖者和首席质量官互认合作协议",
            signed_on,
            AgreementStatus::Active,
            AgreementMode::Listed,
            &[("CQ-AMR", true), ("SC-AMR", true)],
            &[CredentialKind::QualityAward, CredentialKind::ChiefQualityOfficer],
        )?;
        agreement(
            self,
            "川渝绿色制造名单互认（待确认）",
            date(2026, 9, 1)?,
            AgreementStatus::Pending,
            AgreementMode::Automatic,
            &[("CQ-EIC", true), ("SC-EIT", false)],
            &[CredentialKind::Green],
        )?;
        // Listed when the agreement was signed.
        let listed_on = Some(self.moved(signed_on)?);
        for credential_id in listed {
            self.listings.push(recognition_listing::Model {
                id: Uuid::now_v7(),
                created_at: self.now,
                updated_at: self.now,
                version: 1,
                agreement_id: sichuan_chongqing,
                credential_id,
                listed_on,
                listed_by: None,
                unlisted_on: None,
                unlisted_by: None,
            });
        }
        Ok(())
    }
}

impl Demo {
    /// One account per role at several bureaus, and an enterprise user of the first enterprise.
    fn add_users(&mut self, pools: &Pools) -> Result<(), DbErr> {
        for (username, display_name, bureau, roles) in USERS {
            let id = Uuid::now_v7();
            let enterprise_id = roles
                .contains(&"ENTERPRISE")
                .then(|| self.enterprises[pools.chongqing[0]].id);
            self.users.push(app_user::Model {
                id,
                created_at: self.now,
                updated_at: self.now,
                version: 1,
                username: (*username).to_owned(),
                display_name: (*display_name).to_owned(),
                password_hash: DEMO_PASSWORD_HASH.to_owned(),
                bureau_id: bureau.map(|code| self.bureau(code)).transpose()?,
                enterprise_id,
                status: UserStatus::Active,
            });
            for role in *roles {
                self.user_roles.push(user_role::Model {
                    id: Uuid::now_v7(),
                    created_at: self.now,
                    updated_at: self.now,
                    version: 1,
                    user_id: id,
                    role: parse_stored::<Role>(role)?,
                });
            }
        }
        self.record_makers_and_checkers();
        Ok(())
    }

    /// Chongqing's latest municipal batch and its pending national nominations carry who proposed and
    /// who reviewed them (internal fields, visible to staff inside the jurisdiction).
    fn record_makers_and_checkers(&mut self) {
        let id_of =
            |users: &[app_user::Model], name: &str| users.iter().find(|u| u.username == name).map(|u| u.id);
        let registrar = id_of(&self.users, "cq-eic-registrar");
        let reviewer = id_of(&self.users, "cq-eic-reviewer");
        for credential in &mut self.credentials {
            let in_chongqing =
                credential.region_code.starts_with("50") && credential.kind == CredentialKind::LittleGiant;
            let latest_municipal = credential.level == Level::Provincial && credential.batch == Some(5);
            let pending = matches!(
                credential.status,
                CredentialStatus::Draft | CredentialStatus::Submitted
            );
            if in_chongqing && latest_municipal {
                credential.proposed_by = registrar;
                credential.reviewed_by = reviewer;
            } else if in_chongqing && pending {
                credential.proposed_by = registrar;
            }
        }
    }
}

/// Parses a stored enum from its string value.
fn parse_stored<T: sea_orm::ActiveEnum<Value = String>>(value: &str) -> Result<T, DbErr> {
    T::try_from_value(&value.to_owned()).map_err(|e| DbErr::Custom(format!("demo value {value}: {e}")))
}

/// `n` in the USCC alphabet, left-padded to `width` characters.
fn base31(mut n: u64, width: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut digits = vec![b'0'; width];
    for slot in digits.iter_mut().rev() {
        *slot = ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    String::from_utf8_lossy(&digits).into_owned()
}

fn person_name(seed: u64) -> String {
    let surname = SURNAMES[(seed % SURNAMES.len() as u64) as usize];
    let given = GIVEN_NAMES[((seed / SURNAMES.len() as u64) % GIVEN_NAMES.len() as u64) as usize];
    format!("{surname}{given}")
}

/// A format-valid resident identity number (GB 11643): region, birth date, sequence, ISO 7064 check.
fn identity_number(region: &str, born: NaiveDate, sequence: u64) -> String {
    let body = format!("{region}{}{:03}", born.format("%Y%m%d"), sequence % 1000);
    let check = crate::domain::identity_number::check_character(&body).unwrap_or('0');
    format!("{body}{check}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_identity_numbers_carry_the_right_check_digit() {
        // 11010519491231002X is the standard's own example.
        assert_eq!(
            identity_number("110105", NaiveDate::from_ymd_opt(1949, 12, 31).unwrap(), 2),
            "11010519491231002X"
        );
    }

    #[test]
    fn the_demo_registry_has_the_published_counts() {
        let mut demo = Demo::new(WRITTEN_FOR);
        demo.build().unwrap();
        let count = |kind: CredentialKind, level: Level| {
            demo.credentials
                .iter()
                .filter(|c| c.kind == kind && c.level == level && c.status == CredentialStatus::Granted)
                .filter(|c| c.region_code.starts_with("50"))
                .count()
        };
        let tiers = |tier: LittleGiantTier| demo.little_giants.iter().filter(|l| l.tier == tier).count();
        assert_eq!(tiers(LittleGiantTier::SpecializedSme), 3_850 + 100);
        assert_eq!(count(CredentialKind::GiAuthorization, Level::National), 48);
        assert_eq!(
            demo.indications
                .iter()
                .filter(|g| g.protection_type == GiProtectionType::AgriculturalProduct)
                .count(),
            70
        );
        assert_eq!(demo.listings.len(), 75 + 220);
        let unique: std::collections::HashSet<_> = demo.enterprises.iter().map(|e| &e.uscc).collect();
        assert_eq!(unique.len(), demo.enterprises.len(), "USCCs are unique");
        let names: std::collections::HashSet<_> = demo.enterprises.iter().map(|e| &e.name).collect();
        assert_eq!(names.len(), demo.enterprises.len(), "names are unique");
        for e in &demo.enterprises {
            assert!(Uscc::parse(&e.uscc).is_ok(), "{}", e.uscc);
        }
    }

    #[test]
    fn every_gi_mark_user_lies_inside_its_indications_protected_area() {
        let mut demo = Demo::new(WRITTEN_FOR);
        demo.build().unwrap();
        assert_eq!(demo.gi_authorizations.len(), 48);
        for authorization in &demo.gi_authorizations {
            let credential = demo
                .credentials
                .iter()
                .find(|c| c.id == authorization.credential_id)
                .unwrap();
            let areas: Vec<&str> = demo
                .protected_areas
                .iter()
                .filter(|area| area.gi_id == authorization.gi_id)
                .map(|area| area.region_code.as_str())
                .collect();
            assert!(
                areas.iter().any(|area| crate::domain::RegionCode::parse(area)
                    .unwrap()
                    .contains(&credential.region_code)),
                "{} outside {areas:?}",
                credential.region_code
            );
        }
    }

    #[test]
    fn loaded_on_another_day_every_date_moves_with_it() {
        let later = WRITTEN_FOR + chrono::Days::new(1_000);
        let (mut written, mut moved) = (Demo::new(WRITTEN_FOR), Demo::new(later));
        written.build().unwrap();
        moved.build().unwrap();
        for (before, after) in written.credentials.iter().zip(&moved.credentials) {
            let shifted = |date: Option<NaiveDate>| date.map(|d| d + chrono::Days::new(1_000));
            assert_eq!(shifted(before.valid_from), after.valid_from);
            assert_eq!(shifted(before.revoked_on), after.revoked_on);
            assert_eq!(shifted(before.notice_ends_on), after.notice_ends_on);
        }
    }
}
