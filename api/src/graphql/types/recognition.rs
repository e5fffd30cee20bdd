//! Recognition verdicts: whether a credential counts in a region on a date, and why (DESIGN §6).

use std::collections::HashMap;

use async_graphql::{Context, Enum, Object};
use chrono::NaiveDate;
use entity::credential;
use entity::enums::CredentialKind as StoredKind;
use uuid::Uuid;

use super::agreement::RecognitionAgreement;
use super::credential::{Credential, is_valid_on};
use super::region::Region;
use super::{db, loaders, request};
use crate::domain::RegionCode;
use crate::error::{ApiError, ApiResult};
use crate::graphql::loaders::CredentialOwner;
use crate::graphql::scalars::Date;
use crate::services;
use crate::services::recognition::{Outcome, Recognition, Verdict, judge, needing_listings};

/// How a credential stands in a region on a date.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
pub enum RecognitionOutcome {
    /// It counts because it is local: the region lies in the granting bureau's jurisdiction, or the
    /// holder's region lies in the region (本地).
    Local,
    /// It counts because a mutual-recognition agreement active on the date covers it (互认).
    Agreement,
    /// It does not count there on that date.
    NotRecognised,
}

/// Whether a credential counts in a region on a date, and why, in words a person can read.
#[derive(Clone)]
pub struct RecognitionVerdict {
    verdict: Verdict,
    region: RegionCode,
    as_of: NaiveDate,
}

/// Whether a credential counts in a region on a date, and why, in words a person can read.
#[Object]
impl RecognitionVerdict {
    /// Local, by agreement, or not recognised.
    async fn outcome(&self) -> RecognitionOutcome {
        match self.verdict.outcome {
            Outcome::Local => RecognitionOutcome::Local,
            Outcome::Agreement(_) => RecognitionOutcome::Agreement,
            Outcome::NotRecognised => RecognitionOutcome::NotRecognised,
        }
    }

    /// Whether the credential counts (`LOCAL` or `AGREEMENT`).
    async fn counts(&self) -> bool {
        self.verdict.counts()
    }

    /// The agreement that makes it count, for `AGREEMENT`.
    async fn agreement(&self, ctx: &Context<'_>) -> ApiResult<Option<RecognitionAgreement>> {
        let Outcome::Agreement(id) = self.verdict.outcome else {
            return Ok(None);
        };
        Ok(loaders(ctx)
            .agreements
            .load_one(id)
            .await?
            .map(RecognitionAgreement))
    }

    /// Why, in the language `Accept-Language` asked for, e.g. "granted in 510104 and recognised in
    /// 500000 on 2024-06-30 under 《…》, which lists it".
    async fn reason(&self, ctx: &Context<'_>) -> String {
        self.verdict.reason.render(crate::graphql::language(ctx))
    }

    /// The region asked about.
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Region> {
        Region::load(ctx, self.region.as_str()).await
    }

    /// The date asked about.
    async fn as_of(&self) -> Date {
        Date(self.as_of)
    }
}

impl RecognitionVerdict {
    /// The schema's view of `verdict`, reached under `recognition`.
    pub fn new(verdict: Verdict, recognition: &Recognition) -> Self {
        Self {
            verdict,
            region: recognition.region.clone(),
            as_of: recognition.as_of,
        }
    }
}

/// A credential that counts, with its verdict.
#[derive(Clone)]
pub struct CountingCredential {
    /// The credential.
    pub credential: credential::Model,
    /// Why it counts.
    pub verdict: RecognitionVerdict,
}

/// A credential that counts, with its verdict.
#[Object]
impl CountingCredential {
    /// The credential.
    async fn credential(&self) -> Credential {
        Credential::from(self.credential.clone())
    }

    /// Why it counts: locally or by which agreement.
    async fn verdict(&self) -> &RecognitionVerdict {
        &self.verdict
    }
}

/// The recognition view from region `code` on `as_of` (default today); `field` names the region input
/// in errors.
pub async fn recognition_in(
    ctx: &Context<'_>,
    field: &str,
    code: &str,
    as_of: Option<Date>,
) -> ApiResult<Recognition> {
    let region = services::region::require(db(ctx), field, code).await?;
    let date = as_of.map_or(request(ctx).today, |d| d.0);
    loaders(ctx)
        .recognitions
        .load_one((region, date))
        .await?
        .ok_or_else(|| ApiError::Internal("the recognition loader skipped a key".to_owned()))
}

/// [`recognition_in`] `valid_in`, when a region is asked about.
pub async fn recognition(
    ctx: &Context<'_>,
    field: &str,
    valid_in: Option<String>,
    as_of: Option<Date>,
) -> ApiResult<Option<Recognition>> {
    match valid_in {
        Some(code) => Ok(Some(recognition_in(ctx, field, &code, as_of).await?)),
        None => Ok(None),
    }
}

/// The verdict on each of `credentials` under `recognition`, in order; the granting bureaus and list
/// entries are loaded in one batch each, whatever the number of credentials.
pub async fn verdicts(
    ctx: &Context<'_>,
    recognition: &Recognition,
    credentials: Vec<credential::Model>,
) -> ApiResult<Vec<(credential::Model, RecognitionVerdict)>> {
    let loaders = loaders(ctx);
    let granting_regions: HashMap<Uuid, String> = loaders
        .bureaus
        .load_many(credentials.iter().map(|c| c.granting_bureau_id))
        .await?
        .into_iter()
        .map(|(id, bureau)| (id, bureau.region_code))
        .collect();
    let candidates = needing_listings(recognition, &credentials, &granting_regions);
    let listings = if candidates.is_empty() {
        HashMap::new()
    } else {
        loaders.listings_of.load_many(candidates).await?
    };
    Ok(judge(recognition, credentials, &granting_regions, &listings)
        .into_iter()
        .map(|(model, verdict)| (model, RecognitionVerdict::new(verdict, recognition)))
        .collect())
}

/// The credentials `owner` holds that the caller may see, newest first: optionally only `kinds`, only
/// those in force on `as_of`, or, with `valid_in`, only those that count in that region on `as_of`
/// (default today). Backs every holder's credential list, so they all answer alike.
pub async fn held_by(
    ctx: &Context<'_>,
    owner: CredentialOwner,
    kinds: Option<Vec<StoredKind>>,
    valid_in: Option<String>,
    as_of: Option<Date>,
) -> ApiResult<Vec<Credential>> {
    let held: Vec<credential::Model> = loaders(ctx)
        .credentials_of
        .load_one(owner)
        .await?
        .unwrap_or_default()
        .into_iter()
        .filter(|c| kinds.as_ref().is_none_or(|kinds| kinds.contains(&c.kind)))
        .collect();
    if let Some(recognition) = recognition(ctx, "validIn", valid_in, as_of).await? {
        let counting = counting(ctx, &recognition, held).await?;
        return Ok(counting
            .into_iter()
            .map(|c| Credential::from(c.credential))
            .collect());
    }
    Ok(held
        .into_iter()
        .filter(|c| as_of.is_none_or(|date| is_valid_on(c, date.0)))
        .map(Credential::from)
        .collect())
}

/// Keeps the credentials that count under `recognition`.
pub async fn counting(
    ctx: &Context<'_>,
    recognition: &Recognition,
    credentials: Vec<credential::Model>,
) -> ApiResult<Vec<CountingCredential>> {
    Ok(verdicts(ctx, recognition, credentials)
        .await?
        .into_iter()
        .filter(|(_, verdict)| verdict.verdict.counts())
        .map(|(credential, verdict)| CountingCredential { credential, verdict })
        .collect())
}
