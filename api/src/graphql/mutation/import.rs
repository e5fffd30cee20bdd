//! Batch import of an announcement list as an upload (GraphQL multipart request specification),
//! through the same service and policy as `registry import`.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Upload};

use super::recording_refusals;
use crate::error::{ApiError, ApiResult};
use crate::graphql::types::db;
use crate::graphql::types::request;
use crate::i18n::Message;
use crate::ids::{self, NodeType};
use crate::services::import::{self, CsvEncoding, ImportOptions, ImportReport, ListKind};

/// An announcement list to import.
#[derive(InputObject)]
pub struct ImportCredentialsInput {
    /// What the list holds.
    pub kind: ListKind,
    /// The announcement batch (批次) the rows belong to.
    pub batch: i32,
    /// Check every row and write nothing.
    #[graphql(default)]
    pub dry_run: bool,
    /// Sending the same key again changes nothing and answers the first report.
    pub idempotency_key: Option<String>,
    /// The file's text encoding.
    #[graphql(default)]
    pub encoding: CsvEncoding,
    /// The announcement (公告) the list was published in, issued by the granting bureau: recorded as
    /// granting every row.
    pub announcement_id: Option<ID>,
    /// The CSV file, sent as a multipart upload.
    pub file: Upload,
}

/// The result of an import.
#[derive(SimpleObject)]
pub struct ImportCredentialsPayload {
    /// Rows read, credentials written, and every bad row.
    pub report: ImportReport,
}

/// Importing announcement lists.
#[derive(Default)]
pub struct ImportMutation;

#[Object]
impl ImportMutation {
    /// Imports an announcement list as proposals submitted for review (registrars of a competent
    /// bureau; each row inside their jurisdiction): all rows or none, in one transaction. Audited.
    async fn import_credentials(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The list and how to import it.")] input: ImportCredentialsInput,
    ) -> ApiResult<ImportCredentialsPayload> {
        let context = request(ctx);
        // The role rule before the file is touched; the service checks it again with the rest.
        context.require("importCredentials")?;
        let file = input
            .file
            .value(ctx)
            .map_err(|_| ApiError::bad_input("input.file", Message::new("import-send-multipart")))?;
        let db = db(ctx);
        let options = ImportOptions {
            kind: input.kind,
            batch: input.batch,
            dry_run: input.dry_run,
            idempotency_key: input.idempotency_key,
            encoding: input.encoding,
            announcement: input
                .announcement_id
                .map(|id| ids::decode_as("input.announcementId", NodeType::Announcement, &id))
                .transpose()?,
        };
        let mut progress = |_: import::ImportProgress| {};
        let imported = import::import_list(db, context, options, file.content, &mut progress);
        let report = recording_refusals(ctx, "IMPORT_CREDENTIALS", ("credential", None), imported).await?;
        Ok(ImportCredentialsPayload { report })
    }
}
