//! The `Credential` interface and one object type per credential kind.
//!
//! Every kind shares the fields of the `credential` row; `credential_type!` writes them once for each
//! type, followed by the kind's own fields, which read its detail row through a DataLoader.

use async_graphql::{Context, ID, Interface, Object};
use entity::{credential, enums::CredentialKind as StoredKind};

use super::brand::Brand;
use super::enterprise::{Enterprise, Holder, Person};
use super::geographic_indication::GeographicIndication;
use super::program::AwardProgram;
use super::region::{Bureau, Region};
use super::{loaders, request, required};
use crate::error::ApiResult;
use crate::graphql::enums::{BrandRecognitionKind, CredentialKind, GreenKind, Level, LittleGiantTier};
use crate::graphql::scalars::Date;
use crate::ids::{self, NodeType};
use crate::services::credential::{self as service, CredentialState};

pub use service::is_valid_on;

/// The holder of `model`: an enterprise, a person, or nobody (a listing whose subject is a park).
async fn holder(ctx: &Context<'_>, model: &credential::Model) -> ApiResult<Option<Holder>> {
    let loaders = loaders(ctx);
    if let Some(id) = model.holder_enterprise_id {
        return Ok(Some(Holder::Enterprise(Enterprise(
            required(&loaders.enterprises, id, "enterprise").await?,
        ))));
    }
    if let Some(id) = model.holder_person_id {
        return Ok(Some(Holder::Person(Person(
            required(&loaders.persons, id, "person").await?,
        ))));
    }
    Ok(None)
}

/// The username behind an internal field, if the viewer may see the credential's internals.
async fn internal_username(
    ctx: &Context<'_>,
    model: &credential::Model,
    user_id: Option<uuid::Uuid>,
) -> ApiResult<Option<String>> {
    match user_id {
        Some(id) if request(ctx).viewer.may_see_internals(model) => {
            Ok(loaders(ctx).users.load_one(id).await?.map(|user| user.username))
        }
        _ => Ok(None),
    }
}

/// One validity period a credential was granted or renewed for.
pub struct CredentialPeriod(pub entity::credential_period::Model);

/// One validity period a credential was granted or renewed for.
#[Object]
impl CredentialPeriod {
    /// First day of the period.
    async fn valid_from(&self) -> Date {
        Date(self.0.valid_from)
    }

    /// End of the period, exclusive; null when it runs until revoked.
    async fn valid_until(&self) -> Option<Date> {
        self.0.valid_until.map(Date)
    }

    /// The day the grant or renewal was decided.
    async fn decided_on(&self) -> Date {
        Date(self.0.decided_on)
    }
}

/// Writes a credential object type: the shared fields, then `$extra` (the kind's own fields).
macro_rules! credential_type {
    ($(#[doc = $doc:literal])* $name:ident { $($extra:tt)* }) => {
        $(#[doc = $doc])*
        #[derive(Clone)]
        pub struct $name(pub credential::Model);

        $(#[doc = $doc])*
        #[Object]
        impl $name {
            /// Opaque global ID.
            pub async fn id(&self) -> ID {
                ID(ids::encode(NodeType::Credential, self.0.id))
            }

            /// What kind of credential this is.
            pub async fn kind(&self) -> CredentialKind {
                self.0.kind.into()
            }

            /// The enterprise or person holding it; null when the subject is not a registered holder
            /// (a green industrial park).
            pub async fn holder(&self, ctx: &Context<'_>) -> ApiResult<Option<Holder>> {
                holder(ctx, &self.0).await
            }

            /// Level at which it was granted.
            pub async fn level(&self) -> Level {
                self.0.level.into()
            }

            /// Its state today; a granted credential past `validUntil` reads as `EXPIRED`.
            pub async fn status(&self, ctx: &Context<'_>) -> CredentialState {
                service::state(&self.0, request(ctx).today)
            }

            /// The bureau that grants it.
            pub async fn granting_bureau(&self, ctx: &Context<'_>) -> ApiResult<Bureau> {
                Bureau::load(ctx, self.0.granting_bureau_id).await
            }

            /// The holder's region when it was granted.
            pub async fn region(&self, ctx: &Context<'_>) -> ApiResult<Region> {
                Region::load(ctx, &self.0.region_code).await
            }

            /// Number of the announcement batch (批次) it was published in.
            pub async fn batch(&self) -> Option<i32> {
                self.0.batch
            }

            /// Year of the list or award.
            pub async fn year(&self) -> Option<i32> {
                self.0.year
            }

            /// First day of the public notice (公示).
            pub async fn notice_starts_on(&self) -> Option<Date> {
                self.0.notice_starts_on.map(Date)
            }

            /// Last day of the public notice.
            pub async fn notice_ends_on(&self) -> Option<Date> {
                self.0.notice_ends_on.map(Date)
            }

            /// Date it was granted.
            pub async fn granted_on(&self) -> Option<Date> {
                self.0.granted_on.map(Date)
            }

            /// First day of validity.
            pub async fn valid_from(&self) -> Option<Date> {
                self.0.valid_from.map(Date)
            }

            /// End of validity, exclusive: the first day it is no longer valid.
            pub async fn valid_until(&self) -> Option<Date> {
                self.0.valid_until.map(Date)
            }

            /// Date a revocation took effect.
            pub async fn revoked_on(&self) -> Option<Date> {
                self.0.revoked_on.map(Date)
            }

            /// Why it was revoked.
            pub async fn revocation_reason(&self) -> Option<String> {
                self.0.revocation_reason.clone()
            }

            /// Username of the registrar who proposed it; staff inside the jurisdiction (and the
            /// holder enterprise's users) only, null for everyone else.
            pub async fn proposed_by(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
                internal_username(ctx, &self.0, self.0.proposed_by).await
            }

            /// Username of the reviewer who decided it; same visibility as `proposedBy`.
            pub async fn reviewed_by(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
                internal_username(ctx, &self.0, self.0.reviewed_by).await
            }

            /// Incremented by every change; name it as `expectedVersion` to make sure nobody changed
            /// the credential since you read it.
            pub async fn version(&self) -> i32 {
                self.0.version
            }

            /// Why a proposal was rejected or withdrawn; same visibility as `proposedBy`.
            pub async fn decision_reason(&self, ctx: &Context<'_>) -> Option<String> {
                request(ctx)
                    .viewer
                    .may_see_internals(&self.0)
                    .then(|| self.0.decision_reason.clone())
                    .flatten()
            }

            /// The validity periods it was granted and renewed for, oldest first (the history a
            /// renewal keeps).
            pub async fn periods(&self, ctx: &Context<'_>) -> ApiResult<Vec<CredentialPeriod>> {
                let mut periods = loaders(ctx).periods_of.load_one(self.0.id).await?.unwrap_or_default();
                periods.sort_by_key(|period| (period.valid_from, period.id));
                Ok(periods.into_iter().map(CredentialPeriod).collect())
            }

            /// The announcements (公告) that granted, renewed or revoked it, oldest first.
            pub async fn announcements(
                &self,
                ctx: &Context<'_>,
            ) -> ApiResult<Vec<super::announcement::CredentialAnnouncement>> {
                super::announcement::of_credential(ctx, self.0.id).await
            }

            /// Objections raised during its public notice (公示), oldest first: every one for staff
            /// inside its jurisdiction, their own for whoever raised one, none for anyone else.
            pub async fn objections(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::objection::Objection>> {
                super::objection::of_credential(ctx, &self.0).await
            }

            /// Whether it was in force on `asOf` (default: today): granted, inside its validity, not
            /// yet revoked.
            pub async fn is_valid(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "The date to check; today when omitted.")] as_of: Option<Date>,
            ) -> bool {
                service::is_valid_on(&self.0, as_of.map_or(request(ctx).today, |d| d.0))
            }

            $($extra)*
        }
    };
}

credential_type! {
    /// A 专精特新 designation (专精特新"小巨人" and the tiers below it), announced in numbered batches and
    /// valid three years.
    LittleGiantDesignation {
        /// The tier (梯度).
        async fn tier(&self, ctx: &Context<'_>) -> ApiResult<LittleGiantTier> {
            Ok(required(&loaders(ctx).little_giants, self.0.id, "little giant detail").await?.tier.into())
        }
    }
}

credential_type! {
    /// A green-manufacturing listing (绿色制造名单): green factory, park, design product or supply chain.
    GreenDesignation {
        /// What is listed.
        async fn green_kind(&self, ctx: &Context<'_>) -> ApiResult<GreenKind> {
            Ok(required(&loaders(ctx).green_designations, self.0.id, "green detail").await?.green_kind.into())
        }

        /// The listed product (for design products) or park (for industrial parks).
        async fn subject_name(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
            Ok(required(&loaders(ctx).green_designations, self.0.id, "green detail").await?.subject_name)
        }
    }
}

credential_type! {
    /// A recognition of a brand: a certification such as "上海品牌", a demonstration title, or a licence
    /// to use a regional public brand such as 巴味渝珍.
    BrandRecognition {
        /// The brand recognised or licensed.
        async fn brand(&self, ctx: &Context<'_>) -> ApiResult<Brand> {
            let detail = required(&loaders(ctx).brand_recognitions, self.0.id, "brand recognition").await?;
            Ok(Brand(required(&loaders(ctx).brands, detail.brand_id, "brand").await?))
        }

        /// What kind of recognition.
        async fn recognition_kind(&self, ctx: &Context<'_>) -> ApiResult<BrandRecognitionKind> {
            let detail = required(&loaders(ctx).brand_recognitions, self.0.id, "brand recognition").await?;
            Ok(detail.recognition_kind.into())
        }
    }
}

credential_type! {
    /// An enterprise's authorisation to use a geographic indication's special mark (地理标志专用标志).
    GiAuthorization {
        /// The geographic indication.
        async fn geographic_indication(&self, ctx: &Context<'_>) -> ApiResult<GeographicIndication> {
            let detail = required(&loaders(ctx).gi_authorizations, self.0.id, "GI authorisation").await?;
            Ok(GeographicIndication(required(&loaders(ctx).indications, detail.gi_id, "indication").await?))
        }
    }
}

credential_type! {
    /// A quality award won by an enterprise or a person in one edition of a programme.
    QualityAward {
        /// The award programme.
        async fn program(&self, ctx: &Context<'_>) -> ApiResult<AwardProgram> {
            let detail = required(&loaders(ctx).quality_awards, self.0.id, "quality award").await?;
            Ok(AwardProgram(required(&loaders(ctx).programs, detail.program_id, "programme").await?))
        }

        /// The edition (届), when the programme counts them.
        async fn edition(&self, ctx: &Context<'_>) -> ApiResult<Option<i32>> {
            Ok(required(&loaders(ctx).quality_awards, self.0.id, "quality award").await?.edition)
        }

        /// The citation or prize name.
        async fn citation(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
            Ok(required(&loaders(ctx).quality_awards, self.0.id, "quality award").await?.citation)
        }
    }
}

credential_type! {
    /// A chief-quality-officer certification (首席质量官) of a person at an enterprise.
    ChiefQualityOfficer {
        /// Certificate number.
        async fn certificate_number(&self, ctx: &Context<'_>) -> ApiResult<String> {
            Ok(required(&loaders(ctx).chief_quality_officers, self.0.id, "certification").await?.certificate_number)
        }

        /// The enterprise the officer serves.
        async fn employer(&self, ctx: &Context<'_>) -> ApiResult<Enterprise> {
            let detail = required(&loaders(ctx).chief_quality_officers, self.0.id, "certification").await?;
            Enterprise::load(ctx, detail.employer_id).await
        }
    }
}

/// Anything a bureau grants to a holder. Every kind shares these fields.
#[derive(Interface, Clone)]
#[expect(
    clippy::duplicated_attributes,
    reason = "several interface fields share a type, which the lint misreads"
)]
#[graphql(
    field(name = "id", ty = "ID", desc = "Opaque global ID."),
    field(
        name = "kind",
        ty = "CredentialKind",
        desc = "What kind of credential this is."
    ),
    field(
        name = "holder",
        ty = "ApiResult<Option<Holder>>",
        desc = "The enterprise or person holding it."
    ),
    field(name = "level", ty = "Level", desc = "Level at which it was granted."),
    field(
        name = "status",
        ty = "CredentialState",
        desc = "Its state today; past `validUntil` reads as `EXPIRED`."
    ),
    field(
        name = "granting_bureau",
        ty = "ApiResult<Bureau>",
        desc = "The bureau that grants it."
    ),
    field(
        name = "region",
        ty = "ApiResult<Region>",
        desc = "The holder's region when it was granted."
    ),
    field(
        name = "batch",
        ty = "Option<i32>",
        desc = "Number of the announcement batch (批次)."
    ),
    field(name = "year", ty = "Option<i32>", desc = "Year of the list or award."),
    field(
        name = "notice_starts_on",
        ty = "Option<Date>",
        desc = "First day of the public notice (公示)."
    ),
    field(
        name = "notice_ends_on",
        ty = "Option<Date>",
        desc = "Last day of the public notice."
    ),
    field(name = "granted_on", ty = "Option<Date>", desc = "Date it was granted."),
    field(name = "valid_from", ty = "Option<Date>", desc = "First day of validity."),
    field(
        name = "valid_until",
        ty = "Option<Date>",
        desc = "End of validity, exclusive."
    ),
    field(
        name = "revoked_on",
        ty = "Option<Date>",
        desc = "Date a revocation took effect."
    ),
    field(
        name = "revocation_reason",
        ty = "Option<String>",
        desc = "Why it was revoked."
    ),
    field(
        name = "proposed_by",
        ty = "ApiResult<Option<String>>",
        desc = "Username of the proposing registrar; staff inside the jurisdiction only."
    ),
    field(
        name = "reviewed_by",
        ty = "ApiResult<Option<String>>",
        desc = "Username of the deciding reviewer; staff inside the jurisdiction only."
    ),
    field(
        name = "version",
        ty = "i32",
        desc = "Incremented by every change; the `expectedVersion` of a transition."
    ),
    field(
        name = "decision_reason",
        ty = "Option<String>",
        desc = "Why a proposal was rejected or withdrawn; staff inside the jurisdiction only."
    ),
    field(
        name = "periods",
        ty = "ApiResult<Vec<CredentialPeriod>>",
        desc = "The validity periods it was granted and renewed for, oldest first."
    ),
    field(
        name = "announcements",
        ty = "ApiResult<Vec<super::announcement::CredentialAnnouncement>>",
        desc = "The announcements (公告) that granted, renewed or revoked it, oldest first."
    ),
    field(
        name = "objections",
        ty = "ApiResult<Vec<super::objection::Objection>>",
        desc = "Objections raised during its public notice, oldest first: every one for staff inside \
                its jurisdiction, their own for whoever raised one."
    ),
    field(
        name = "is_valid",
        ty = "bool",
        desc = "Whether it was in force on `asOf` (default: today).",
        arg(
            name = "as_of",
            ty = "Option<Date>",
            desc = "The date to check; today when omitted."
        )
    )
)]
pub enum Credential {
    /// A 专精特新 designation.
    LittleGiant(LittleGiantDesignation),
    /// A green-manufacturing listing.
    Green(GreenDesignation),
    /// A brand recognition.
    BrandRecognition(BrandRecognition),
    /// A GI-mark authorisation.
    GiAuthorization(GiAuthorization),
    /// A quality award.
    QualityAward(QualityAward),
    /// A chief-quality-officer certification.
    ChiefQualityOfficer(ChiefQualityOfficer),
}

impl From<credential::Model> for Credential {
    fn from(model: credential::Model) -> Self {
        match model.kind {
            StoredKind::LittleGiant => Self::LittleGiant(LittleGiantDesignation(model)),
            StoredKind::Green => Self::Green(GreenDesignation(model)),
            StoredKind::BrandRecognition => Self::BrandRecognition(BrandRecognition(model)),
            StoredKind::GiAuthorization => Self::GiAuthorization(GiAuthorization(model)),
            StoredKind::QualityAward => Self::QualityAward(QualityAward(model)),
            StoredKind::ChiefQualityOfficer => Self::ChiefQualityOfficer(ChiefQualityOfficer(model)),
        }
    }
}
