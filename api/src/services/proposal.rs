//! Proposing credentials: what a registrar fills in for each kind, the rules each kind's proposal must
//! meet, and the key that lets the database hold at most one active credential per holder and kind.
//!
//! A proposal starts as `DRAFT`, proposed by the registrar, to be granted by the bureau of the chosen
//! level on the way up from the registrar's own (its own bureau, or a higher one it nominates to).

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use entity::{
    award_program, brand, brand_recognition, chief_quality_officer, credential, enterprise,
    enums::{BrandRecognitionKind, CredentialKind, CredentialStatus, GreenKind, Level, LittleGiantTier},
    geographic_indication, gi_authorization, gi_protected_area, green_designation, little_giant_designation,
    person, quality_award, region,
};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

use super::{Change, UserError};
use crate::actor::Actor;
use crate::error::ApiResult;
use crate::i18n::Message;

/// The fields of a credential that only its kind has.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum Detail {
    /// A 专精特新 designation of this tier.
    LittleGiant { tier: LittleGiantTier },
    /// A green listing; `subject_name` names the product or park.
    Green {
        green_kind: GreenKind,
        subject_name: Option<String>,
    },
    /// A recognition of a brand, or a licence to use a regional public brand.
    BrandRecognition {
        brand_id: Uuid,
        recognition_kind: BrandRecognitionKind,
    },
    /// An authorisation to use a geographic indication's mark.
    GiAuthorization { gi_id: Uuid },
    /// An award of a programme in an edition.
    QualityAward {
        program_id: Uuid,
        edition: Option<i32>,
        citation: Option<String>,
    },
    /// A chief-quality-officer certificate at an employer.
    ChiefQualityOfficer {
        certificate_number: String,
        employer_id: Uuid,
    },
}

impl Detail {
    /// The mutation that proposes a credential of these fields' kind.
    pub fn operation(&self) -> &'static str {
        match self {
            Self::LittleGiant { .. } => "proposeLittleGiant",
            Self::Green { .. } => "proposeGreenDesignation",
            Self::BrandRecognition { .. } => "proposeBrandRecognition",
            Self::GiAuthorization { .. } => "proposeGiAuthorization",
            Self::QualityAward { .. } => "proposeQualityAward",
            Self::ChiefQualityOfficer { .. } => "proposeChiefQualityOfficer",
        }
    }

    /// The credential kind these fields belong to.
    pub fn kind(&self) -> CredentialKind {
        match self {
            Self::LittleGiant { .. } => CredentialKind::LittleGiant,
            Self::Green { .. } => CredentialKind::Green,
            Self::BrandRecognition { .. } => CredentialKind::BrandRecognition,
            Self::GiAuthorization { .. } => CredentialKind::GiAuthorization,
            Self::QualityAward { .. } => CredentialKind::QualityAward,
            Self::ChiefQualityOfficer { .. } => CredentialKind::ChiefQualityOfficer,
        }
    }

    /// What makes two credentials of this kind, level and holder the same credential: the tier, the
    /// green kind and product, the brand and kind of recognition, the indication, the programme and
    /// year. A chief quality officer holds one certification at a time.
    fn distinguisher(&self, year: Option<i32>) -> String {
        match self {
            Self::LittleGiant { tier } => tier.to_value(),
            Self::Green {
                green_kind,
                subject_name,
            } => format!(
                "{}/{}",
                green_kind.to_value(),
                crate::domain::text::fold(subject_name.as_deref().unwrap_or_default())
            ),
            Self::BrandRecognition {
                brand_id,
                recognition_kind,
            } => format!("{brand_id}/{}", recognition_kind.to_value()),
            Self::GiAuthorization { gi_id } => gi_id.to_string(),
            Self::QualityAward { program_id, .. } => format!("{program_id}/{}", year.unwrap_or_default()),
            Self::ChiefQualityOfficer { .. } => String::new(),
        }
    }

    /// Writes the detail rows of credentials: one statement per kind present, so an import chunk
    /// writes its details in one or two statements (a few thousand rows at most each, for SQLite's
    /// bound-parameter limit).
    pub(crate) async fn insert_all(txn: &impl ConnectionTrait, details: Vec<(Uuid, Self)>) -> ApiResult<()> {
        let (mut tiers, mut greens, mut brands) = (Vec::new(), Vec::new(), Vec::new());
        let (mut indications, mut awards, mut officers) = (Vec::new(), Vec::new(), Vec::new());
        for (credential_id, detail) in details {
            match detail {
                Self::LittleGiant { tier } => {
                    tiers.push(little_giant_designation::Model { credential_id, tier })
                }
                Self::Green {
                    green_kind,
                    subject_name,
                } => greens.push(green_designation::Model {
                    credential_id,
                    green_kind,
                    subject_name,
                }),
                Self::BrandRecognition {
                    brand_id,
                    recognition_kind,
                } => brands.push(brand_recognition::Model {
                    credential_id,
                    brand_id,
                    recognition_kind,
                }),
                Self::GiAuthorization { gi_id } => {
                    indications.push(gi_authorization::Model { credential_id, gi_id })
                }
                Self::QualityAward {
                    program_id,
                    edition,
                    citation,
                } => awards.push(quality_award::Model {
                    credential_id,
                    program_id,
                    edition,
                    citation,
                }),
                Self::ChiefQualityOfficer {
                    certificate_number,
                    employer_id,
                } => officers.push(chief_quality_officer::Model {
                    credential_id,
                    certificate_number,
                    employer_id,
                }),
            }
        }
        insert_rows::<little_giant_designation::Entity>(txn, tiers).await?;
        insert_rows::<green_designation::Entity>(txn, greens).await?;
        insert_rows::<brand_recognition::Entity>(txn, brands).await?;
        insert_rows::<gi_authorization::Entity>(txn, indications).await?;
        insert_rows::<quality_award::Entity>(txn, awards).await?;
        insert_rows::<chief_quality_officer::Entity>(txn, officers).await
    }
}

/// Inserts `rows` (at most an import chunk's) in one statement, if there are any.
pub(super) async fn insert_rows<E>(txn: &impl ConnectionTrait, rows: Vec<E::Model>) -> ApiResult<()>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    if rows.is_empty() {
        return Ok(());
    }
    E::insert_many(rows.into_iter().map(IntoActiveModel::into_active_model))
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

/// The key of an active credential: holder (enterprise, person, or for a park its region and name),
/// kind, level and the kind's distinguisher, hashed to a fixed length. See the migration that adds
/// `credential.exclusive_key`.
pub fn exclusive_key(credential: &credential::Model, detail: &Detail) -> String {
    let holder = match (credential.holder_enterprise_id, credential.holder_person_id) {
        (Some(enterprise), _) => format!("enterprise:{enterprise}"),
        (None, Some(person)) => format!("person:{person}"),
        (None, None) => format!("site:{}", credential.region_code),
    };
    let text = format!(
        "{holder}|{}|{}|{}",
        credential.kind.to_value(),
        credential.level.to_value(),
        detail.distinguisher(credential.year)
    );
    crate::domain::text::sha256_hex(&text)
}

/// Stored states that hold the exclusive key.
pub const ACTIVE_STATES: [CredentialStatus; 4] = [
    CredentialStatus::Draft,
    CredentialStatus::Submitted,
    CredentialStatus::PublicNotice,
    CredentialStatus::Granted,
];

/// Who a proposal is for.
#[derive(Clone, Debug)]
pub enum HolderInput {
    /// A registered enterprise.
    Enterprise(Uuid),
    /// A registered person.
    Person(Uuid),
    /// No registered holder: a green industrial park in this region.
    Site(String),
}

/// What a registrar fills in for any proposal.
#[derive(Clone, Debug)]
pub struct Proposal {
    /// The holder.
    pub holder: HolderInput,
    /// The level it is to be granted at; `None` where the kind decides it (a little giant's tier, an
    /// award programme's level).
    pub level: Option<Level>,
    /// Announcement batch (批次).
    pub batch: Option<i32>,
    /// Year of the list or award.
    pub year: Option<i32>,
    /// The kind's own fields.
    pub detail: Detail,
}

/// The level a tier is designated at: little giants nationally, the SME tiers by the province.
pub fn tier_level(tier: LittleGiantTier) -> Level {
    match tier {
        LittleGiantTier::LittleGiant | LittleGiantTier::KeyLittleGiant => Level::National,
        LittleGiantTier::SpecializedSme | LittleGiantTier::InnovativeSme => Level::Provincial,
    }
}

/// The tier an enterprise must already hold to be proposed for `tier`, if any.
pub fn prerequisite(tier: LittleGiantTier) -> Option<LittleGiantTier> {
    match tier {
        LittleGiantTier::LittleGiant => Some(LittleGiantTier::SpecializedSme),
        LittleGiantTier::KeyLittleGiant => Some(LittleGiantTier::LittleGiant),
        LittleGiantTier::SpecializedSme | LittleGiantTier::InnovativeSme => None,
    }
}

/// A proposal whose references are resolved: the holder's region and the level decided.
pub(super) struct Resolved {
    pub(super) region_code: String,
    pub(super) level: Level,
    holder_enterprise_id: Option<Uuid>,
    holder_person_id: Option<Uuid>,
}

/// What the rules of proposals read from the registry, loaded for one proposal or for a whole chunk
/// of an import at once: one query per table, whatever the number of proposals.
#[derive(Default)]
pub(super) struct Lookups {
    /// Holders and employers, by id.
    pub(super) enterprises: HashMap<Uuid, enterprise::Model>,
    /// Holders, by id (an import adds the persons it is about to register).
    pub(super) persons: HashMap<Uuid, person::Model>,
    /// The parks' region codes that exist.
    regions: HashSet<String>,
    /// The brands that exist.
    brands: HashSet<Uuid>,
    /// The indications that exist, with the region codes of their protected areas.
    indications: HashMap<Uuid, Vec<String>>,
    /// The award programmes, by id.
    programmes: HashMap<Uuid, award_program::Model>,
    /// The certificate numbers already given to a chief quality officer.
    certificates_taken: HashSet<String>,
    /// The 专精特新 tiers the candidates hold today.
    tiers_held: HashSet<(Uuid, LittleGiantTier)>,
}

impl Lookups {
    /// Loads what `proposals` refer to and is not loaded yet.
    pub(super) async fn load(
        mut self,
        db: &impl ConnectionTrait,
        today: chrono::NaiveDate,
        proposals: &[&Proposal],
    ) -> ApiResult<Self> {
        let mut enterprises = HashSet::new();
        let mut persons = HashSet::new();
        let mut regions = HashSet::new();
        let (mut brands, mut indications, mut programmes) = (HashSet::new(), HashSet::new(), HashSet::new());
        let mut certificates = HashSet::new();
        for proposal in proposals {
            match &proposal.holder {
                HolderInput::Enterprise(id) => enterprises.insert(*id),
                HolderInput::Person(id) => persons.insert(*id),
                HolderInput::Site(region) => regions.insert(region.trim().to_owned()),
            };
            match &proposal.detail {
                Detail::BrandRecognition { brand_id, .. } => {
                    brands.insert(*brand_id);
                }
                Detail::GiAuthorization { gi_id } => {
                    indications.insert(*gi_id);
                }
                Detail::QualityAward { program_id, .. } => {
                    programmes.insert(*program_id);
                }
                Detail::ChiefQualityOfficer {
                    certificate_number,
                    employer_id,
                } => {
                    certificates.insert(certificate_number.trim().to_owned());
                    enterprises.insert(*employer_id);
                }
                Detail::LittleGiant { .. } | Detail::Green { .. } => {}
            }
        }
        enterprises.retain(|id| !self.enterprises.contains_key(id));
        persons.retain(|id| !self.persons.contains_key(id));
        if !enterprises.is_empty() {
            let found = enterprise::Entity::find()
                .filter(enterprise::Column::Id.is_in(enterprises))
                .all(db)
                .await?;
            self.enterprises.extend(found.into_iter().map(|e| (e.id, e)));
        }
        if !persons.is_empty() {
            let found = person::Entity::find()
                .filter(person::Column::Id.is_in(persons))
                .all(db)
                .await?;
            self.persons.extend(found.into_iter().map(|p| (p.id, p)));
        }
        if !regions.is_empty() {
            let found = region::Entity::find()
                .filter(region::Column::Code.is_in(regions))
                .all(db)
                .await?;
            self.regions.extend(found.into_iter().map(|r| r.code));
        }
        if !brands.is_empty() {
            let found = brand::Entity::find()
                .filter(brand::Column::Id.is_in(brands))
                .all(db)
                .await?;
            self.brands.extend(found.into_iter().map(|b| b.id));
        }
        if !indications.is_empty() {
            let found = geographic_indication::Entity::find()
                .filter(geographic_indication::Column::Id.is_in(indications.iter().copied()))
                .all(db)
                .await?;
            self.indications
                .extend(found.into_iter().map(|gi| (gi.id, Vec::new())));
            let areas = gi_protected_area::Entity::find()
                .filter(gi_protected_area::Column::GiId.is_in(indications))
                .all(db)
                .await?;
            for area in areas {
                self.indications
                    .entry(area.gi_id)
                    .or_default()
                    .push(area.region_code);
            }
        }
        if !programmes.is_empty() {
            let found = award_program::Entity::find()
                .filter(award_program::Column::Id.is_in(programmes))
                .all(db)
                .await?;
            self.programmes.extend(found.into_iter().map(|p| (p.id, p)));
        }
        if !certificates.is_empty() {
            let taken = chief_quality_officer::Entity::find()
                .filter(chief_quality_officer::Column::CertificateNumber.is_in(certificates))
                .all(db)
                .await?;
            self.certificates_taken
                .extend(taken.into_iter().map(|officer| officer.certificate_number));
        }
        let candidates: Vec<Uuid> = proposals
            .iter()
            .filter(|proposal| matches!(proposal.detail, Detail::LittleGiant { tier } if prerequisite(tier).is_some()))
            .filter_map(|proposal| match proposal.holder {
                HolderInput::Enterprise(id) => Some(id),
                _ => None,
            })
            .collect();
        self.tiers_held.extend(tiers_held(db, &candidates, today).await?);
        Ok(self)
    }

    /// Whether `region_code` lies in one of the indication's protected areas (or below one).
    fn in_protected_area(&self, gi_id: Uuid, region_code: &str) -> bool {
        let areas = self
            .indications
            .get(&gi_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        areas.iter().any(|area| {
            crate::domain::RegionCode::parse(area).is_ok_and(|code| match code.subtree_range() {
                None => true,
                Some((from, to)) => region_code >= from.as_str() && region_code < to.as_str(),
            })
        })
    }
}

/// Checks the proposal's references (in `found`) and the kind's rules; returns the holder's region and
/// the level, or every problem found.
pub(super) fn resolve(proposal: &Proposal, found: &Lookups) -> Result<Resolved, Vec<UserError>> {
    let mut errors = Vec::new();
    let mut resolved = Resolved {
        region_code: String::new(),
        level: proposal.level.unwrap_or(Level::Provincial),
        holder_enterprise_id: None,
        holder_person_id: None,
    };
    let mut holder_employer = None;
    match &proposal.holder {
        HolderInput::Enterprise(id) => match found.enterprises.get(id) {
            Some(holder) => {
                resolved.region_code = holder.region_code.clone();
                resolved.holder_enterprise_id = Some(holder.id);
            }
            None => errors.push(UserError::new(
                "holderId",
                "NOT_FOUND",
                Message::new("no-such-enterprise"),
            )),
        },
        HolderInput::Person(id) => match found.persons.get(id) {
            Some(holder) => {
                resolved.region_code = holder.region_code.clone();
                resolved.holder_person_id = Some(holder.id);
                holder_employer = holder.employer_id;
            }
            None => errors.push(UserError::new(
                "holderId",
                "NOT_FOUND",
                Message::new("no-such-person"),
            )),
        },
        HolderInput::Site(region) => {
            if !found.regions.contains(region.trim()) {
                errors.push(UserError::new(
                    "regionCode",
                    "NOT_FOUND",
                    Message::new("region-unknown"),
                ));
            }
            resolved.region_code = region.trim().to_owned();
        }
    }
    let enterprise_only = |errors: &mut Vec<UserError>, what: &'static str| {
        if !matches!(proposal.holder, HolderInput::Enterprise(_)) {
            errors.push(UserError::new(
                "holderId",
                "INVALID",
                Message::new("held-by-enterprise").with("what", Message::new(what)),
            ));
        }
    };
    match &proposal.detail {
        Detail::LittleGiant { tier } => {
            enterprise_only(&mut errors, "what-little-giant");
            resolved.level = tier_level(*tier);
            if proposal.batch.is_none() {
                errors.push(UserError::new(
                    "batch",
                    "INVALID",
                    Message::new("proposal-batch-needed"),
                ));
            }
            if let Some(holder) = resolved.holder_enterprise_id
                && let Some(reason) = missing_prerequisite(*tier, holder, &found.tiers_held)
            {
                errors.push(UserError::new("holderId", "INVALID", reason));
            }
        }
        Detail::Green {
            green_kind,
            subject_name,
        } => {
            let named = subject_name
                .as_deref()
                .is_some_and(|name| !name.trim().is_empty());
            match green_kind {
                GreenKind::IndustrialPark if !named => {
                    errors.push(UserError::new(
                        "subjectName",
                        "INVALID",
                        Message::new("proposal-name-park"),
                    ));
                }
                GreenKind::DesignProduct if !named => {
                    errors.push(UserError::new(
                        "subjectName",
                        "INVALID",
                        Message::new("proposal-name-product"),
                    ));
                }
                GreenKind::IndustrialPark => {}
                _ => enterprise_only(&mut errors, "what-green-listing"),
            }
        }
        Detail::BrandRecognition { brand_id, .. } => {
            enterprise_only(&mut errors, "what-brand-recognition");
            if !found.brands.contains(brand_id) {
                errors.push(UserError::new(
                    "brandId",
                    "NOT_FOUND",
                    Message::new("no-such-brand"),
                ));
            }
        }
        Detail::GiAuthorization { gi_id } => {
            enterprise_only(&mut errors, "what-gi-authorisation");
            if !found.indications.contains_key(gi_id) {
                errors.push(UserError::new(
                    "geographicIndicationId",
                    "NOT_FOUND",
                    Message::new("no-such-indication"),
                ));
            } else if !resolved.region_code.is_empty()
                && !found.in_protected_area(*gi_id, &resolved.region_code)
            {
                errors.push(UserError::new(
                    "holderId",
                    "INVALID",
                    Message::new("proposal-outside-gi-area"),
                ));
            }
        }
        Detail::QualityAward { program_id, .. } => {
            match found.programmes.get(program_id) {
                Some(program) => resolved.level = program.level,
                None => errors.push(UserError::new(
                    "programId",
                    "NOT_FOUND",
                    Message::new("no-such-programme"),
                )),
            }
            if proposal.year.is_none() {
                errors.push(UserError::new(
                    "year",
                    "INVALID",
                    Message::new("proposal-award-year"),
                ));
            }
            if matches!(proposal.holder, HolderInput::Site(_)) {
                errors.push(UserError::new(
                    "holderId",
                    "INVALID",
                    Message::new("proposal-award-holder"),
                ));
            }
        }
        Detail::ChiefQualityOfficer {
            certificate_number,
            employer_id,
        } => {
            if !matches!(proposal.holder, HolderInput::Person(_)) {
                errors.push(UserError::new(
                    "holderId",
                    "INVALID",
                    Message::new("proposal-cqo-person"),
                ));
            }
            if certificate_number.trim().is_empty() {
                errors.push(UserError::new(
                    "certificateNumber",
                    "INVALID",
                    Message::new("value-empty"),
                ));
            } else if found.certificates_taken.contains(certificate_number.trim()) {
                errors.push(UserError::new(
                    "certificateNumber",
                    "TAKEN",
                    Message::new("proposal-certificate-taken"),
                ));
            }
            if !found.enterprises.contains_key(employer_id) {
                errors.push(UserError::new(
                    "employerId",
                    "NOT_FOUND",
                    Message::new("no-such-enterprise"),
                ));
            } else if holder_employer.is_some_and(|employer| employer != *employer_id) {
                errors.push(UserError::new(
                    "employerId",
                    "INVALID",
                    Message::new("proposal-employed-elsewhere"),
                ));
            }
        }
    }
    if proposal.detail.kind() != CredentialKind::LittleGiant
        && proposal.detail.kind() != CredentialKind::QualityAward
        && proposal.level.is_none()
    {
        errors.push(UserError::new(
            "level",
            "INVALID",
            Message::new("proposal-level-needed"),
        ));
    }
    if errors.is_empty() {
        Ok(resolved)
    } else {
        Err(errors)
    }
}

/// The (enterprise, tier) pairs among `enterprises` with a 专精特新 designation in force on `today`:
/// one query for a single proposal or a whole chunk of an import.
pub(super) async fn tiers_held(
    db: &impl ConnectionTrait,
    enterprises: &[Uuid],
    today: chrono::NaiveDate,
) -> ApiResult<HashSet<(Uuid, LittleGiantTier)>> {
    if enterprises.is_empty() {
        return Ok(HashSet::new());
    }
    let granted = credential::Entity::find()
        .filter(credential::Column::HolderEnterpriseId.is_in(enterprises.iter().copied()))
        .filter(credential::Column::Kind.eq(CredentialKind::LittleGiant))
        .filter(credential::Column::Status.eq(CredentialStatus::Granted))
        .all(db)
        .await?;
    let valid: HashMap<Uuid, Uuid> = granted
        .iter()
        .filter(|c| super::credential::is_valid_on(c, today))
        .filter_map(|c| c.holder_enterprise_id.map(|holder| (c.id, holder)))
        .collect();
    let tiers = little_giant_designation::Entity::find()
        .filter(little_giant_designation::Column::CredentialId.is_in(valid.keys().copied()))
        .all(db)
        .await?;
    Ok(tiers
        .into_iter()
        .filter_map(|detail| {
            valid
                .get(&detail.credential_id)
                .map(|holder| (*holder, detail.tier))
        })
        .collect())
}

/// The ladder rule of proposals and imports alike: a candidate for `tier` must already hold the tier
/// below it (`held`: from [`tiers_held`]). Says what is missing, or `None` when the rule holds.
pub(super) fn missing_prerequisite(
    tier: LittleGiantTier,
    holder: Uuid,
    held: &HashSet<(Uuid, LittleGiantTier)>,
) -> Option<Message> {
    let required = prerequisite(tier)?;
    (!held.contains(&(holder, required))).then(|| {
        Message::new("tier-prerequisite")
            .with("tier", tier.to_value())
            .with("required", required.to_value())
    })
}

/// The user error for a holder that already has an active credential with the same key.
fn duplicate() -> UserError {
    UserError::new("holderId", "CONFLICT", Message::new("proposal-active-exists"))
}

/// Records a proposal as a `DRAFT` (registrars, within competence and jurisdiction, at their level or
/// nominating upwards), with its detail and audit event, in one transaction.
pub async fn propose(
    db: &DatabaseConnection,
    actor: &Actor,
    proposal: Proposal,
) -> Change<credential::Model> {
    let account = actor.require(proposal.detail.operation())?;
    let bureau = account.own_bureau()?;
    let found = Lookups::default().load(db, actor.today, &[&proposal]).await?;
    let resolved = match resolve(&proposal, &found) {
        Ok(resolved) => resolved,
        Err(errors) => return Ok(Err(errors)),
    };
    let kind = proposal.detail.kind();
    let competence = super::bureau::competence_of(db, bureau.kind).await?;
    account.may_propose(kind, resolved.level, &resolved.region_code, &competence)?;
    let Some(granting) = super::bureau::at_level_above(db, bureau, resolved.level).await? else {
        return Ok(Err(vec![UserError::new(
            "level",
            "INVALID",
            Message::new("no-bureau-above-level").with("level", resolved.level.to_value()),
        )]));
    };
    let blank = super::credential::Blank {
        kind,
        level: resolved.level,
        granting_bureau_id: granting.id,
        region_code: resolved.region_code,
        status: CredentialStatus::Draft,
        now: Utc::now(),
    };
    let mut model = credential::Model {
        holder_enterprise_id: resolved.holder_enterprise_id,
        holder_person_id: resolved.holder_person_id,
        batch: proposal.batch,
        year: proposal.year,
        proposed_by: Some(account.user_id),
        ..blank.row()
    };
    let key = exclusive_key(&model, &proposal.detail);
    // The check answers the common case with a clear error; the unique index decides races.
    let taken = credential::Entity::find()
        .filter(credential::Column::ExclusiveKey.eq(key.as_str()))
        .one(db)
        .await?;
    if taken.is_some() {
        return Ok(Err(vec![duplicate()]));
    }
    model.exclusive_key = Some(key);
    let after = serde_json::json!({
        "credential": super::lifecycle::snapshot(&model),
        "detail": serde_json::to_value(&proposal.detail).unwrap_or_default(),
    });
    let txn = super::changes::begin(db).await?;
    // The insert comes first, so on SQLite the transaction takes the write lock before it reads.
    let inserted = credential::Entity::insert(model.clone().into_active_model())
        .exec_without_returning(&txn)
        .await;
    match inserted {
        Ok(_) => {}
        Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            return Ok(Err(vec![duplicate()]));
        }
        Err(err) => return Err(err.into()),
    }
    Detail::insert_all(&txn, vec![(model.id, proposal.detail)]).await?;
    super::audit::record_change(
        &txn,
        account,
        actor.request_id.as_str(),
        "PROPOSE_CREDENTIAL",
        "credential",
        Some(model.id),
        None,
        Some(after),
    )
    .await?;
    let change = super::changes::Published::credential("PROPOSE_CREDENTIAL", &model);
    super::changes::publish(&txn, change).await?;
    txn.commit().await?;
    Ok(Ok(model))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_decide_their_level() {
        assert_eq!(tier_level(LittleGiantTier::LittleGiant), Level::National);
        assert_eq!(tier_level(LittleGiantTier::KeyLittleGiant), Level::National);
        assert_eq!(tier_level(LittleGiantTier::SpecializedSme), Level::Provincial);
        assert_eq!(
            prerequisite(LittleGiantTier::LittleGiant),
            Some(LittleGiantTier::SpecializedSme)
        );
        assert_eq!(prerequisite(LittleGiantTier::SpecializedSme), None);
    }

    #[test]
    fn the_key_separates_what_may_coexist_and_joins_what_may_not() {
        let base = credential::Model {
            holder_enterprise_id: Some(Uuid::now_v7()),
            year: Some(2025),
            ..crate::test_support::credential(CredentialKind::QualityAward, "500103", CredentialStatus::Draft)
        };
        let award = Detail::QualityAward {
            program_id: Uuid::nil(),
            edition: None,
            citation: None,
        };
        let other_proposal = credential::Model {
            id: Uuid::now_v7(),
            ..base.clone()
        };
        assert_eq!(
            exclusive_key(&base, &award),
            exclusive_key(&other_proposal, &award)
        );
        let next_year = credential::Model {
            year: Some(2026),
            ..base.clone()
        };
        assert_ne!(exclusive_key(&base, &award), exclusive_key(&next_year, &award));
        assert_eq!(exclusive_key(&base, &award).len(), 64);
    }
}
