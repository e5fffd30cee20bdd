//! Enterprises, persons, and who holds a credential.

use async_graphql::{Context, ID, Object, Union};
use entity::{enterprise, enterprise_former_name, enums::CredentialKind as StoredKind, person};

use super::brand::Brand;
use super::credential::Credential;
use super::recognition::held_by;
use super::region::Region;
use super::{loaders, request, required};
use crate::error::ApiResult;
use crate::graphql::enums::{CredentialKind, EnterpriseScale, EnterpriseStatus};
use crate::graphql::loaders::CredentialOwner;
use crate::graphql::scalars::Date;
use crate::ids::{self, NodeType};
use crate::policy::PersonalData;

/// An enterprise, identified by its unified social credit code.
#[derive(Clone)]
pub struct Enterprise(pub enterprise::Model);

impl Enterprise {
    async fn credentials_of_kind(&self, ctx: &Context<'_>, kind: StoredKind) -> ApiResult<Vec<Credential>> {
        held_by(
            ctx,
            CredentialOwner::Enterprise(self.0.id),
            Some(vec![kind]),
            None,
            None,
        )
        .await
    }
}

/// An enterprise, identified by its unified social credit code.
#[Object]
impl Enterprise {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(NodeType::Enterprise, self.0.id))
    }

    /// Incremented by every change; send it back as `expectedVersion` when editing.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Unified social credit code (统一社会信用代码), 18 characters.
    async fn uscc(&self) -> &str {
        &self.0.uscc
    }

    /// Registered name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The region where it is registered.
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Region> {
        Region::load(ctx, &self.0.region_code).await
    }

    /// Industry code, GB/T 4754 (国民经济行业分类).
    async fn industry_code(&self) -> Option<&str> {
        self.0.industry_code.as_deref()
    }

    /// Size class.
    async fn scale(&self) -> Option<EnterpriseScale> {
        self.0.scale.map(Into::into)
    }

    /// Registration state.
    async fn status(&self) -> EnterpriseStatus {
        self.0.status.into()
    }

    /// Date of establishment (成立日期).
    async fn established_on(&self) -> Option<Date> {
        self.0.established_on.map(Date)
    }

    /// Registered capital in yuan (注册资本).
    async fn registered_capital_cny(&self) -> Option<String> {
        self.0.registered_capital_cny.map(|yuan| yuan.to_string())
    }

    /// Legal representative (法定代表人), as published in the business registry.
    async fn legal_representative(&self) -> Option<&str> {
        self.0.legal_representative.as_deref()
    }

    /// Registered address.
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }

    /// Every credential it holds that the caller may see, newest first; optionally only some kinds,
    /// only those in force on a date, or only those that count in a region on a date.
    async fn credentials(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these kinds.")] kinds: Option<Vec<CredentialKind>>,
        #[graphql(
            desc = "Only credentials that count in this region (GB/T 2260 code) on `asOf`: local \
                          ones and those recognised there by an agreement active on that date."
        )]
        valid_in: Option<String>,
        #[graphql(
            desc = "Only credentials in force on this date; with `validIn`, the date asked about \
                          (default today)."
        )]
        as_of: Option<Date>,
    ) -> ApiResult<Vec<Credential>> {
        let kinds = kinds.map(|k| k.into_iter().map(Into::into).collect());
        held_by(
            ctx,
            CredentialOwner::Enterprise(self.0.id),
            kinds,
            valid_in,
            as_of,
        )
        .await
    }

    /// Its 专精特新 designations.
    async fn little_giant_designations(&self, ctx: &Context<'_>) -> ApiResult<Vec<Credential>> {
        self.credentials_of_kind(ctx, StoredKind::LittleGiant).await
    }

    /// Its green-manufacturing listings.
    async fn green_designations(&self, ctx: &Context<'_>) -> ApiResult<Vec<Credential>> {
        self.credentials_of_kind(ctx, StoredKind::Green).await
    }

    /// Recognitions of its brands, and its licences to use regional public brands.
    async fn brand_recognitions(&self, ctx: &Context<'_>) -> ApiResult<Vec<Credential>> {
        self.credentials_of_kind(ctx, StoredKind::BrandRecognition).await
    }

    /// Its authorisations to use geographic-indication marks.
    async fn gi_authorizations(&self, ctx: &Context<'_>) -> ApiResult<Vec<Credential>> {
        self.credentials_of_kind(ctx, StoredKind::GiAuthorization).await
    }

    /// Quality awards it won.
    async fn quality_awards(&self, ctx: &Context<'_>) -> ApiResult<Vec<Credential>> {
        self.credentials_of_kind(ctx, StoredKind::QualityAward).await
    }

    /// The names it was registered under before (曾用名), oldest first. A `nameContains` filter finds the
    /// enterprise by them too.
    async fn former_names(&self, ctx: &Context<'_>) -> ApiResult<Vec<FormerName>> {
        let mut names = loaders(ctx)
            .former_names_of
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        names.sort_by_key(|name| name.used_until);
        Ok(names.into_iter().map(FormerName).collect())
    }

    /// Brands it holds.
    async fn brands(&self, ctx: &Context<'_>) -> ApiResult<Vec<Brand>> {
        let mut brands = loaders(ctx)
            .brands_of
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        brands.sort_by(|a, b| a.name_normalized.cmp(&b.name_normalized));
        Ok(brands.into_iter().map(Brand).collect())
    }
}

/// A name an enterprise was registered under before (曾用名), and when it was in use.
pub struct FormerName(enterprise_former_name::Model);

/// A name an enterprise was registered under before (曾用名), and when it was in use.
#[Object]
impl FormerName {
    /// The name as registered.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The first day it was in use, when known: the day of the rename before, or the day the enterprise
    /// was established.
    async fn used_from(&self) -> Option<Date> {
        self.0.used_from.map(Date)
    }

    /// The day the rename to the next name was recorded.
    async fn used_until(&self) -> Date {
        Date(self.0.used_until)
    }
}

impl Enterprise {
    /// The enterprise a stored id points at (a foreign key guarantees it exists).
    pub async fn load(ctx: &Context<'_>, id: uuid::Uuid) -> ApiResult<Self> {
        Ok(Self(required(&loaders(ctx).enterprises, id, "enterprise").await?))
    }

    /// Like [`Enterprise::load`], for optional references.
    pub async fn load_optional(ctx: &Context<'_>, id: Option<uuid::Uuid>) -> ApiResult<Option<Self>> {
        match id {
            Some(id) => Ok(Some(Self::load(ctx, id).await?)),
            None => Ok(None),
        }
    }
}

/// A natural person: an award recipient or a chief quality officer. Identity number and phone are
/// personal data, shown only to staff entitled to them.
#[derive(Clone)]
pub struct Person(pub person::Model);

impl Person {
    /// A personal-data field as the policy lets the caller see it; whole values read are audited.
    fn personal(&self, ctx: &Context<'_>, field: &'static str, value: &Option<String>) -> Option<String> {
        let context = request(ctx);
        let access = context.viewer.personal_data(&self.0.region_code);
        if access == PersonalData::Full && value.is_some() {
            context.personal_data_reads.record(self.0.id, field);
        }
        access.apply(value.as_deref())
    }
}

/// A natural person: an award recipient or a chief quality officer. Identity number and phone are
/// personal data, shown only to staff entitled to them.
#[Object]
impl Person {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(NodeType::Person, self.0.id))
    }

    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Incremented by every edit; the `expectedVersion` of `updatePerson`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The region the person is registered in.
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Region> {
        Region::load(ctx, &self.0.region_code).await
    }

    /// The enterprise the person works for.
    async fn employer(&self, ctx: &Context<'_>) -> ApiResult<Option<Enterprise>> {
        Enterprise::load_optional(ctx, self.0.employer_id).await
    }

    /// Resident identity number (身份证号): whole for registrars, reviewers and bureau administrators
    /// inside their jurisdiction (each read is audited), masked for other staff, null for others.
    async fn identity_number(&self, ctx: &Context<'_>) -> Option<String> {
        self.personal(ctx, "identityNumber", &self.0.identity_number)
    }

    /// Phone number, under the same rules as `identityNumber`.
    async fn phone(&self, ctx: &Context<'_>) -> Option<String> {
        self.personal(ctx, "phone", &self.0.phone)
    }

    /// Credentials the person holds (quality awards, chief-quality-officer certifications) that the
    /// caller may see; optionally only some kinds, only those in force on a date, or only those that
    /// count in a region on a date.
    async fn credentials(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these kinds.")] kinds: Option<Vec<CredentialKind>>,
        #[graphql(
            desc = "Only credentials that count in this region (GB/T 2260 code) on `asOf`: local \
                          ones and those recognised there by an agreement active on that date."
        )]
        valid_in: Option<String>,
        #[graphql(
            desc = "Only credentials in force on this date; with `validIn`, the date asked about \
                          (default today)."
        )]
        as_of: Option<Date>,
    ) -> ApiResult<Vec<Credential>> {
        let kinds = kinds.map(|k| k.into_iter().map(Into::into).collect());
        held_by(ctx, CredentialOwner::Person(self.0.id), kinds, valid_in, as_of).await
    }
}

/// Who holds a credential.
#[derive(Union, Clone)]
pub enum Holder {
    /// An enterprise.
    Enterprise(Enterprise),
    /// A person.
    Person(Person),
}
