//! Recording announcements (公告), which grants, renewals, revocations and imports then name.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use super::recording_refusals;
use crate::error::ApiResult;
use crate::graphql::scalars::Date;
use crate::graphql::types::announcement::Announcement;
use crate::graphql::types::user::UserError;
use crate::graphql::types::{db, request};
use crate::services::{self, announcement::AnnouncementFields};

/// A published announcement of the caller's bureau.
#[derive(InputObject)]
pub struct CreateAnnouncementInput {
    /// The document number (文号), e.g. 工信厅企业函〔2023〕23号; unique per bureau.
    pub document_number: String,
    /// Title.
    pub title: String,
    /// The day it was published: today or earlier.
    pub published_on: Date,
    /// Where it is published (`http://` or `https://`).
    pub url: Option<String>,
}

/// The announcement recorded, or what to fix.
#[derive(SimpleObject)]
pub struct AnnouncementPayload {
    /// The announcement; null when nothing changed.
    pub announcement: Option<Announcement>,
    /// Input to fix (a number the bureau used already is `CONFLICT`); empty on success.
    pub user_errors: Vec<UserError>,
}

/// Recording announcements.
#[derive(Default)]
pub struct AnnouncementMutation;

#[Object]
impl AnnouncementMutation {
    /// Records an announcement of the caller's own bureau (registrars and reviewers), so that grants,
    /// renewals, revocations and imports can name it. Audited.
    async fn create_announcement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The announcement as published.")] input: CreateAnnouncementInput,
    ) -> ApiResult<AnnouncementPayload> {
        let fields = AnnouncementFields {
            document_number: input.document_number,
            title: input.title,
            published_on: input.published_on.0,
            url: input.url,
        };
        let change = services::announcement::create(db(ctx), request(ctx), fields);
        Ok(
            match recording_refusals(ctx, "CREATE_ANNOUNCEMENT", ("announcement", None), change).await? {
                Ok(row) => AnnouncementPayload {
                    announcement: Some(Announcement(row)),
                    user_errors: Vec::new(),
                },
                Err(errors) => AnnouncementPayload {
                    announcement: None,
                    user_errors: errors.into_iter().map(Into::into).collect(),
                },
            },
        )
    }
}
