//! Recognition-aware questions agencies ask: one credential's verdict, and batch verification of
//! enterprises by USCC (DESIGN §6 and §7).

use std::sync::Arc;

use async_graphql::{Context, ID, Object};

use super::db;
use crate::domain::region_code::NATION;
use crate::error::{ApiError, ApiResult};
use crate::graphql::enums::CredentialKind;
use crate::graphql::scalars::Date;
use crate::graphql::types::enterprise::Enterprise;
use crate::graphql::types::recognition::{CountingCredential, RecognitionVerdict, recognition_in, verdicts};
use crate::graphql::types::{loaders, request};
use crate::i18n::Message;
use crate::ids::{self, NodeType};
use crate::services::recognition::Recognition;
use crate::services::verification::{self, Found, MAX_CODES, Verification};

/// Recognition verdicts and batch verification.
#[derive(Default)]
pub struct RecognitionQuery;

/// One code's answer in `verifyCredentials`.
pub struct VerificationItem {
    answer: Verification,
    /// The region and date asked about, shared by every item of the answer.
    recognition: Arc<Recognition>,
}

/// One code's answer in `verifyCredentials`: whether the code is valid, whether the enterprise is
/// known, and which of its credentials count, with the verdict for each.
#[Object]
impl VerificationItem {
    /// The code as sent.
    async fn uscc(&self) -> &str {
        &self.answer.input
    }

    /// Whether the code is a well-formed unified social credit code (GB 32100-2015, check character
    /// included).
    async fn code_valid(&self) -> bool {
        self.answer.problem.is_none()
    }

    /// Why the code is not valid, in the language `Accept-Language` asked for; null when it is.
    async fn code_problem(&self, ctx: &Context<'_>) -> Option<String> {
        let language = crate::graphql::language(ctx);
        self.answer
            .problem
            .as_ref()
            .map(|problem| problem.render(language))
    }

    /// Whether an enterprise with this code is in the registry.
    async fn known(&self) -> bool {
        self.answer.enterprise.is_some()
    }

    /// The enterprise, when known.
    async fn enterprise(&self, ctx: &Context<'_>) -> ApiResult<Option<Enterprise>> {
        Ok(match &self.answer.enterprise {
            None => None,
            Some(Found::Row(row)) => Some(Enterprise(row.as_ref().clone())),
            // Read whole whenever the field is asked for; by id should it ever not have been.
            Some(Found::Id(id)) => loaders(ctx).enterprises.load_one(*id).await?.map(Enterprise),
        })
    }

    /// Whether at least one credential of the asked kinds counts.
    async fn valid(&self) -> bool {
        !self.answer.credentials.is_empty()
    }

    /// The credentials of the asked kinds that count, each with its verdict (local or by which
    /// agreement).
    async fn credentials(&self) -> Vec<CountingCredential> {
        self.answer
            .credentials
            .iter()
            .map(|(credential, verdict)| CountingCredential {
                credential: credential.clone(),
                verdict: RecognitionVerdict::new(verdict.clone(), &self.recognition),
            })
            .collect()
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
            .ok_or(ApiError::NotFound(Message::new("credential-not-found")))?;
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
        if usccs.len() > MAX_CODES {
            return Err(ApiError::bad_input(
                "usccs",
                Message::new("too-many-codes")
                    .with("max", MAX_CODES)
                    .with("got", usccs.len()),
            ));
        }
        let valid_in = valid_in.as_deref().unwrap_or(NATION);
        let recognition = recognition_in(ctx, "validIn", valid_in, as_of).await?;
        let kinds = kinds.map(|kinds| kinds.into_iter().map(Into::into).collect());
        let read_enterprises = ctx.look_ahead().field("enterprise").exists();
        let answers = verification::verify(
            db(ctx),
            request(ctx),
            usccs,
            kinds,
            &recognition,
            read_enterprises,
        )
        .await?;
        let recognition = Arc::new(recognition);
        Ok(answers
            .into_iter()
            .map(|answer| VerificationItem {
                answer,
                recognition: Arc::clone(&recognition),
            })
            .collect())
    }
}
