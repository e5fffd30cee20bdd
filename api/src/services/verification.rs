//! Batch verification for agencies (`verifyCredentials`): for each unified social credit code, whether
//! it is a valid code, whether the enterprise is known, and which of its credentials of the asked
//! kinds count in a region on a date. The statements are the same for 10 codes as for 1,000: one for
//! the enterprises, one for their visible credentials, one for the granting bureaus, and one for the
//! list entries where a `LISTED` agreement could reach a credential.

use std::collections::{HashMap, HashSet};

use entity::{bureau, credential, enterprise, enums::CredentialKind, recognition_listing as listing};
use futures_util::TryStreamExt;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::recognition::{Recognition, Verdict, judge, needing_listings};
use crate::actor::Actor;
use crate::domain::Uscc;
use crate::error::ApiResult;
use crate::i18n::Message;

/// Most codes one request may ask about.
pub const MAX_CODES: usize = 1_000;

/// One code's answer.
pub struct Verification {
    /// The code as sent.
    pub input: String,
    /// Why the code is not a valid USCC, when it is not.
    pub problem: Option<Message>,
    /// The enterprise registered under it, when known.
    pub enterprise: Option<Found>,
    /// Its credentials of the asked kinds that count, newest first, each with its verdict.
    pub credentials: Vec<(credential::Model, Verdict)>,
}

/// An enterprise found under a code: its whole row when the caller asked for the enterprise, only its
/// id otherwise (a thousand rows' names and search forms are not read for nothing).
#[derive(Clone)]
pub enum Found {
    Id(Uuid),
    Row(Box<enterprise::Model>),
}

impl Found {
    /// The enterprise's id.
    pub fn id(&self) -> Uuid {
        match self {
            Self::Id(id) => *id,
            Self::Row(row) => row.id,
        }
    }
}

/// Answers each of `usccs`, in order, under `recognition` (the region and date asked about), for the
/// credentials the actor may see, of `kinds` when given; with the enterprises' rows when
/// `read_enterprises`.
pub async fn verify(
    db: &DatabaseConnection,
    actor: &Actor,
    usccs: Vec<String>,
    kinds: Option<Vec<CredentialKind>>,
    recognition: &Recognition,
    read_enterprises: bool,
) -> ApiResult<Vec<Verification>> {
    let parsed: Vec<Result<Uscc, Message>> = usccs
        .iter()
        .map(|input| Uscc::parse(input).map_err(|problem| problem.message()))
        .collect();
    let codes: Vec<Uscc> = parsed.iter().filter_map(|p| p.as_ref().ok().cloned()).collect();
    let enterprises: HashMap<String, Found> = if read_enterprises {
        let rows = super::enterprise::by_usccs(db, &codes).await?;
        rows.into_iter()
            .map(|(code, row)| (code, Found::Row(Box::new(row))))
            .collect()
    } else {
        let ids = super::enterprise::ids_by_uscc(db, &codes).await?;
        ids.into_iter().map(|(code, id)| (code, Found::Id(id))).collect()
    };

    // Only a credential in force on the date can count: the others are never read, let alone judged.
    let mut held = credential::Entity::find()
        .filter(actor.viewer.credential_condition())
        .filter(super::credential::valid_on_condition(recognition.as_of))
        .filter(super::one_of(
            db.get_database_backend(),
            credential::Column::HolderEnterpriseId,
            enterprises.values().map(Found::id).collect(),
        ));
    if let Some(kinds) = &kinds {
        held = held.filter(credential::Column::Kind.is_in(kinds.iter().copied()));
    }
    // Streamed rather than fetched whole: SQLite's copies of a row's values are freed as each row
    // becomes a model, instead of all of a thousand holders' rows at once in every pool thread's heap
    // (about 25 MiB less at the peak of 16 verifications, for about 10 % more CPU on SQLite).
    let held: Vec<credential::Model> = if enterprises.is_empty() {
        Vec::new()
    } else {
        held.order_by_desc(credential::Column::ValidFrom)
            .order_by_asc(credential::Column::Id)
            .stream(db)
            .await?
            .try_collect()
            .await?
    };
    let granting_regions: HashMap<Uuid, String> = if held.is_empty() {
        HashMap::new()
    } else {
        // A few bureaus grant most credentials: each is asked for once.
        let bureaus: HashSet<Uuid> = held.iter().map(|c| c.granting_bureau_id).collect();
        bureau::Entity::find()
            .select_only()
            .column(bureau::Column::Id)
            .column(bureau::Column::RegionCode)
            .filter(bureau::Column::Id.is_in(bureaus))
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    let candidates = needing_listings(recognition, &held, &granting_regions);
    let mut listings: HashMap<Uuid, Vec<listing::Model>> = HashMap::new();
    if !candidates.is_empty() {
        for row in listing::Entity::find()
            .filter(listing::Column::CredentialId.is_in(candidates))
            .all(db)
            .await?
        {
            listings.entry(row.credential_id).or_default().push(row);
        }
    }
    let mut by_holder: HashMap<Uuid, Vec<(credential::Model, Verdict)>> = HashMap::new();
    for (model, verdict) in judge(recognition, held, &granting_regions, &listings) {
        if let (true, Some(holder)) = (verdict.counts(), model.holder_enterprise_id) {
            by_holder.entry(holder).or_default().push((model, verdict));
        }
    }

    Ok(usccs
        .into_iter()
        .zip(parsed)
        .map(|(input, parsed)| {
            let (problem, enterprise) = match parsed {
                Err(problem) => (Some(problem), None),
                Ok(code) => (None, enterprises.get(code.as_str()).cloned()),
            };
            // A code asked twice gets its credentials twice.
            let credentials = enterprise
                .as_ref()
                .and_then(|found| by_holder.get(&found.id()))
                .cloned()
                .unwrap_or_default();
            Verification {
                input,
                problem,
                enterprise,
                credentials,
            }
        })
        .collect())
}
