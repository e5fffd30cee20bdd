//! Recognition-aware questions agencies ask: one credential's verdict, and batch verification of
//! enterprises by USCC (DESIGN §6 and §7).

use std::collections::HashMap;

use async_graphql::{Context, ID, Object};
use entity::enums::CredentialKind as StoredKind;

use super::db;
use crate::domain::{Uscc, region_code::NATION};
use crate::error::{ApiError, ApiResult};
use crate::graphql::enums::CredentialKind;
use crate::graphql::loaders::CredentialOwner;
use crate::graphql::scalars::Date;
use crate::graphql::types::enterprise::Enterprise;
use crate::graphql::types::recognition::{
    CountingCredential, RecognitionVerdict, counting, recognition_in, verdicts,
};
use crate::graphql::types::{loaders, request};
use crate::ids::{self, NodeType};
use crate::services;

/// Most codes one `verifyCredentials` request may ask about.
pub const MAX_VERIFIED_CODES: usize = 1_000;

/// Recognition verdicts and batch verification.
#[derive(Default)]
pub struct RecognitionQuery;

/// One code's answer in `verifyCredentials`.
pub struct VerificationItem {
    /// The code as sent.
    input: String,
    /// Why the code is not a valid USCC, when it is not.
    problem: Option<String>,
    /// The enterprise registered under it, when known.
    enterprise: Option<entity::enterprise::Model>,
    /// Its credentials that count.
    credentials: Vec<CountingCredential>,
}

/// One code's answer in `verifyCredentials`: whether the code is valid, whether the enterprise is
/// known, and which of its credentials count, with the verdict for each.
#[Object]
impl VerificationItem {
    /// The code as sent.
    async fn uscc(&self) -> &str {
        &self.input
    }

    /// Whether the code is a well-formed unified social credit code (GB 32100-2015, check character
    /// included).
    async fn code_valid(&self) -> bool {
        self.problem.is_none()
    }

    /// Why the code is not valid; null when it is.
    async fn code_problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// Whether an enterprise with this code is in the registry.
    async fn known(&self) -> bool {
        self.enterprise.is_some()
    }

    /// The enterprise, when known.
    async fn enterprise(&self) -> Option<Enterprise> {
        self.enterprise.clone().map(Enterprise)
    }

    /// Whether at least one credential of the asked kinds counts.
    async fn valid(&self) -> bool {
        !self.credentials.is_empty()
    }

    /// The credentials of the asked kinds that count, each with its verdict (local or by which
    /// agreement).
    async fn credentials(&self) -> &[CountingCredential] {
        &self.credentials
    }
}

#[Object]
impl RecognitionQuery {
    /// Whether a credential counts in a region on a date, and why: `LOCAL`, `AGREEMENT` (with the
    /// agreement) or `NOT_RECOGNISED`. A credential the caller may not see is `NOT_FOUND`.
    async fn recognition_verdict(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the credential.")] credential_id: ID,
        #[graphql(desc = "The region asking (GB/T 2260 code).")] region_code: String,
        #[graphql(desc = "The date asked about; today when omitted.")] as_of: Option<Date>,
    ) -> ApiResult<RecognitionVerdict> {
        let id = ids::decode_as("credentialId", NodeType::Credential, &credential_id)?;
        let recognition = recognition_in(ctx, "regionCode", &region_code, as_of).await?;
        let credential = loaders(ctx)
            .credentials
            .load_one(id)
            .await?
            .filter(|model| request(ctx).viewer.may_see_credential(model))
            .ok_or(ApiError::NotFound { what: "credential" })?;
        let mut found = verdicts(ctx, &recognition, vec![credential]).await?;
        found
            .pop()
            .map(|(_, verdict)| verdict)
            .ok_or_else(|| ApiError::Internal("a verdict went missing".to_owned()))
    }

    /// Batch verification for agencies: for each code (at most 1,000), whether it is a valid code,
    /// whether the enterprise is known, and which of its credentials count in `validIn` on `asOf`. An
    /// invalid or unknown code is answered in its own item. The answer costs the same number of SQL
    /// statements for 10 codes as for 1,000.
    #[graphql(complexity = "usccs.len().max(1) * child_complexity")]
    async fn verify_credentials(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Unified social credit codes, at most 1,000; answered in this order.")] usccs: Vec<
            String,
        >,
        #[graphql(desc = "Only these kinds (default: all).")] kinds: Option<Vec<CredentialKind>>,
        #[graphql(
            desc = "The region where they should count (GB/T 2260 code); default the whole \
                          nation, where every credential in force counts."
        )]
        valid_in: Option<String>,
        #[graphql(desc = "The date asked about; today when omitted.")] as_of: Option<Date>,
    ) -> ApiResult<Vec<VerificationItem>> {
        if usccs.len() > MAX_VERIFIED_CODES {
            return Err(ApiError::bad_input(
                "usccs",
                format!(
                    "at most {MAX_VERIFIED_CODES} codes per request, got {}",
                    usccs.len()
                ),
            ));
        }
        let valid_in = valid_in.as_deref().unwrap_or(NATION);
        let recognition = recognition_in(ctx, "validIn", valid_in, as_of).await?;
        let kinds: Option<Vec<StoredKind>> = kinds.map(|k| k.into_iter().map(Into::into).collect());

        let parsed: Vec<Result<Uscc, String>> = usccs
            .iter()
            .map(|input| Uscc::parse(input).map_err(|problem| problem.to_string()))
            .collect();
        let codes: Vec<Uscc> = parsed.iter().filter_map(|p| p.as_ref().ok().cloned()).collect();
        let enterprises = services::enterprise::by_usccs(db(ctx), &codes).await?;
        let held = loaders(ctx)
            .credentials_of
            .load_many(enterprises.values().map(|e| CredentialOwner::Enterprise(e.id)))
            .await?;
        let candidates = held
            .into_values()
            .flatten()
            .filter(|c| kinds.as_ref().is_none_or(|kinds| kinds.contains(&c.kind)))
            .collect();
        let mut by_holder: HashMap<uuid::Uuid, Vec<CountingCredential>> = HashMap::new();
        for found in counting(ctx, &recognition, candidates).await? {
            if let Some(holder) = found.credential.holder_enterprise_id {
                by_holder.entry(holder).or_default().push(found);
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
                    .and_then(|e| by_holder.get(&e.id))
                    .map(|found| found.to_vec())
                    .unwrap_or_default();
                VerificationItem {
                    input,
                    problem,
                    enterprise,
                    credentials,
                }
            })
            .collect())
    }
}
