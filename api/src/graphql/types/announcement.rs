//! Announcements (公告) and what they did to each credential.

use async_graphql::{Context, ID, Object};
use entity::announcement;

use super::credential::Credential;
use super::region::Bureau;
use super::{loaders, request};
use crate::error::{ApiError, ApiResult};
use crate::graphql::connection::{Page, PageArgs, page_complexity, paginate};
use crate::graphql::enums::AnnouncedAct;
use crate::graphql::scalars::Date;
use crate::ids::{self, NodeType};
use crate::services;
use crate::services::SortDirection;
use crate::services::credential::{CredentialFilter, CredentialOrderField};

/// A published announcement (公告, 通知) that grants, renews (after review, 复核) or revokes credentials.
pub struct Announcement(pub announcement::Model);

/// A published announcement (公告, 通知) that grants, renews (after review, 复核) or revokes credentials:
/// its document number, title, issuing bureau, date and link, and the credentials it lists.
#[Object]
impl Announcement {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(NodeType::Announcement, self.0.id))
    }

    /// The document number (文号), e.g. 工信厅企业函〔2023〕23号; unique per issuing bureau.
    async fn document_number(&self) -> &str {
        &self.0.document_number
    }

    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The bureau that issued it.
    async fn issuing_bureau(&self, ctx: &Context<'_>) -> ApiResult<Bureau> {
        Bureau::load(ctx, self.0.issuing_bureau_id).await
    }

    /// The day it was published.
    async fn published_on(&self) -> Date {
        Date(self.0.published_on)
    }

    /// Where it is published.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// The credentials it lists that the caller may see, by holder name; optionally only those it
    /// granted, renewed or revoked.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn credentials(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the credentials it did this to.")] act: Option<AnnouncedAct>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<Credential>> {
        let context = request(ctx);
        let filter = CredentialFilter {
            announcement: Some((self.0.id, act.map(Into::into))),
            ..CredentialFilter::default()
        };
        let listing = services::credential::search(
            &context.viewer,
            context.today,
            &filter,
            CredentialOrderField::HolderName,
            SortDirection::Asc,
        );
        let page = PageArgs {
            after,
            before,
            first,
            last,
        };
        paginate(ctx, listing, page, Credential::from).await
    }
}

/// What one announcement did to a credential.
pub struct CredentialAnnouncement {
    act: AnnouncedAct,
    announcement: announcement::Model,
}

/// What one announcement (公告) did to a credential.
#[Object]
impl CredentialAnnouncement {
    /// Granted, renewed or revoked it.
    async fn act(&self) -> AnnouncedAct {
        self.act
    }

    /// The announcement.
    async fn announcement(&self) -> Announcement {
        Announcement(self.announcement.clone())
    }
}

/// The announcements of credential `id`, oldest first (loaded in one batch for a page of credentials).
pub async fn of_credential(ctx: &Context<'_>, id: uuid::Uuid) -> ApiResult<Vec<CredentialAnnouncement>> {
    let loaders = loaders(ctx);
    let mut announced = loaders.announced_of.load_one(id).await?.unwrap_or_default();
    announced.sort_by_key(|row| (row.created_at, row.id));
    let announcements = loaders
        .announcements
        .load_many(announced.iter().map(|row| row.announcement_id))
        .await?;
    announced
        .into_iter()
        .map(|row| {
            Ok(CredentialAnnouncement {
                act: row.act.into(),
                announcement: announcements.get(&row.announcement_id).cloned().ok_or_else(|| {
                    ApiError::Internal(format!(
                        "announcement {} of a credential is missing",
                        row.announcement_id
                    ))
                })?,
            })
        })
        .collect()
}
