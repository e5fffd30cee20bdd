//! Bulk export: any list the API filters (enterprises, each credential registry, recognition
//! agreements), written whole, in CSV or JSON Lines, under the same filters and the same access policy
//! as the list (`GET /export/{list}` and `registry export`). And the snapshot-plus-deltas model of
//! GLEIF's golden copy: a consistent snapshot of every list with the change-feed cursor it corresponds
//! to, then, from any cursor, a delta of the records changed since.
//!
//! - Streaming: a list is read by one statement whose rows are encoded as they arrive and handed on in
//!   blocks of about 64 KiB, so memory stays flat whatever the size. The statement joins what a row
//!   shows (holder, bureau, the kind's own columns), rather than loading them afterwards, because a
//!   streaming statement keeps its connection to itself.
//! - Consistency: everything one export writes is read in one read transaction (repeatable read on
//!   PostgreSQL, a read transaction in WAL mode on SQLite), together with the newest change number: the
//!   snapshot is exactly the registry after that change.
//! - Records carry public fields: ids, names, states, dates, codes. Personal data (identity numbers,
//!   phones) and internal fields (who proposed or reviewed, decision reasons) stay in the API.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use entity::enums::CredentialKind;
use entity::{
    announced_credential, announcement, award_program, brand, brand_recognition, bureau, change_event,
    chief_quality_officer, credential, enterprise, enterprise_former_name, geographic_indication,
    gi_authorization, green_designation, little_giant_designation, person, quality_award,
    recognition_agreement, recognition_listing,
};
use futures_util::StreamExt;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, JoinType, SelectStatement};
use sea_orm::{
    AccessMode, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityName,
    EntityTrait, IsolationLevel, QueryFilter, QueryOrder, QueryResult, QuerySelect, QueryTrait, Statement,
    StreamTrait, TransactionTrait,
};
use serde_json::Value;
use uuid::Uuid;

use super::SortDirection;
use super::agreement::AgreementFilter;
use super::changes::{self, ChangeKind, FeedCursor};
use super::credential::{CredentialFilter, CredentialOrderField};
use super::enterprise::{EnterpriseFilter, EnterpriseOrderField};
use crate::error::{ApiError, ApiResult};
use crate::i18n::Message;
use crate::ids::{NodeType, encode};
use crate::policy::Viewer;

/// The lists an export can write, named as the API's list fields.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExportList {
    Enterprises,
    LittleGiants,
    GreenDesignations,
    BrandRecognitions,
    GiAuthorizations,
    QualityAwards,
    ChiefQualityOfficers,
    RecognitionAgreements,
}

impl ExportList {
    /// Every list, in the order a snapshot writes them.
    pub const ALL: [Self; 8] = [
        Self::Enterprises,
        Self::LittleGiants,
        Self::GreenDesignations,
        Self::BrandRecognitions,
        Self::GiAuthorizations,
        Self::QualityAwards,
        Self::ChiefQualityOfficers,
        Self::RecognitionAgreements,
    ];

    /// The list's name: its field in the API.
    pub fn name(self) -> &'static str {
        match self {
            Self::Enterprises => "enterprises",
            Self::LittleGiants => "littleGiants",
            Self::GreenDesignations => "greenDesignations",
            Self::BrandRecognitions => "brandRecognitions",
            Self::GiAuthorizations => "giAuthorizations",
            Self::QualityAwards => "qualityAwards",
            Self::ChiefQualityOfficers => "chiefQualityOfficers",
            Self::RecognitionAgreements => "recognitionAgreements",
        }
    }

    /// The list named `name` (argument `field`), or why not.
    pub fn parse(field: &str, name: &str) -> ApiResult<Self> {
        Self::ALL
            .into_iter()
            .find(|list| list.name() == name)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|list| list.name()).collect();
                ApiError::bad_input(
                    field,
                    Message::new("export-list-unknown")
                        .with("name", name)
                        .with("lists", names.join(", ")),
                )
            })
    }

    /// The credential kind the list holds, for the credential registries.
    pub fn credential_kind(self) -> Option<CredentialKind> {
        match self {
            Self::LittleGiants => Some(CredentialKind::LittleGiant),
            Self::GreenDesignations => Some(CredentialKind::Green),
            Self::BrandRecognitions => Some(CredentialKind::BrandRecognition),
            Self::GiAuthorizations => Some(CredentialKind::GiAuthorization),
            Self::QualityAwards => Some(CredentialKind::QualityAward),
            Self::ChiefQualityOfficers => Some(CredentialKind::ChiefQualityOfficer),
            Self::Enterprises | Self::RecognitionAgreements => None,
        }
    }

    /// The list whose records changes of `kind` change.
    fn of_change(kind: ChangeKind) -> Self {
        match kind {
            ChangeKind::Enterprise => Self::Enterprises,
            ChangeKind::LittleGiant => Self::LittleGiants,
            ChangeKind::Green => Self::GreenDesignations,
            ChangeKind::BrandRecognition => Self::BrandRecognitions,
            ChangeKind::GiAuthorization => Self::GiAuthorizations,
            ChangeKind::QualityAward => Self::QualityAwards,
            ChangeKind::ChiefQualityOfficer => Self::ChiefQualityOfficers,
            ChangeKind::RecognitionAgreement => Self::RecognitionAgreements,
        }
    }
}

/// Which rows of a list to export: the list's own filter, as its API field takes it.
#[derive(Debug)]
pub enum Selection {
    Enterprises(EnterpriseFilter),
    /// The filter's `kinds` name the list's kind.
    Credentials(Box<CredentialFilter>),
    Agreements(AgreementFilter),
}

impl Selection {
    /// Every row of `list` the caller may see.
    pub fn everything(list: ExportList) -> Self {
        match list.credential_kind() {
            Some(kind) => Self::Credentials(Box::new(CredentialFilter {
                kinds: vec![kind],
                ..CredentialFilter::default()
            })),
            None if list == ExportList::Enterprises => Self::Enterprises(EnterpriseFilter::default()),
            None => Self::Agreements(AgreementFilter::default()),
        }
    }
}

/// How records are written.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Comma-separated values with a header row, as spreadsheet software opens them.
    #[default]
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl ExportFormat {
    /// The format named `name` (argument `field`).
    pub fn parse(field: &str, name: &str) -> ApiResult<Self> {
        match name {
            "csv" => Ok(Self::Csv),
            "jsonl" => Ok(Self::Jsonl),
            _ => Err(ApiError::bad_input(
                field,
                Message::new("value-not-one-of").with("values", "csv, jsonl"),
            )),
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Jsonl => "jsonl",
        }
    }
}

/// The text encoding of an export.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum TextEncoding {
    /// UTF-8; a CSV file starts with a byte-order mark, by which spreadsheet software recognises it.
    #[default]
    #[value(name = "utf-8")]
    Utf8,
    /// GB18030, for software that reads Chinese text in no other encoding (CSV only).
    Gb18030,
}

impl TextEncoding {
    /// The encoding named `name` (argument `field`), for `format`.
    pub fn parse(field: &str, name: &str, format: ExportFormat) -> ApiResult<Self> {
        match (name.to_ascii_lowercase().as_str(), format) {
            ("utf-8" | "utf8", _) => Ok(Self::Utf8),
            ("gb18030", ExportFormat::Csv) => Ok(Self::Gb18030),
            ("gb18030", ExportFormat::Jsonl) => {
                Err(ApiError::bad_input(field, Message::new("export-json-is-utf8")))
            }
            _ => Err(ApiError::bad_input(
                field,
                Message::new("value-not-one-of").with("values", "utf-8, gb18030"),
            )),
        }
    }

    /// The `charset` parameter of the content type.
    pub fn charset(self) -> &'static str {
        match self {
            Self::Utf8 => "utf-8",
            Self::Gb18030 => "gb18030",
        }
    }
}

/// Where an export's bytes go, a block at a time.
pub trait Sink {
    /// Takes the next block; an error stops the export.
    fn put(&mut self, block: Vec<u8>) -> impl Future<Output = ApiResult<()>>;
}

/// A sink writing to a file or any other `std::io::Write` (the command line).
pub struct WriteSink<W>(pub W);

impl<W: std::io::Write> Sink for WriteSink<W> {
    async fn put(&mut self, block: Vec<u8>) -> ApiResult<()> {
        self.0
            .write_all(&block)
            .map_err(|err| ApiError::Internal(format!("writing the export: {err}")))
    }
}

/// How a column's value is read from a row and written out.
#[derive(Copy, Clone, Debug)]
enum Cell {
    Text,
    Int,
    BigInt,
    Date,
    /// A stored id, written as the API's global ID of this type.
    Id(NodeType),
    /// A JSON array of names (former names, document numbers), aggregated by the statement.
    Names,
}

/// One column of a list: its name (the API's field name) and where its value comes from.
struct Column {
    name: &'static str,
    expr: Expr,
    cell: Cell,
}

fn column(name: &'static str, expr: impl Into<Expr>, cell: Cell) -> Column {
    Column {
        name,
        expr: expr.into(),
        cell,
    }
}

/// The statement reading a list, and the columns it selects.
struct Reading {
    statement: SelectStatement,
    columns: Vec<Column>,
}

/// Aliases of the tables a credential's row joins.
const HOLDER: &str = "holder";
const HOLDER_PERSON: &str = "holder_person";
const GRANTING_BUREAU: &str = "granting_bureau";
const DETAIL: &str = "detail";
const LINKED: &str = "linked";

fn at(table: &'static str, column: impl sea_orm::sea_query::IntoIden) -> Expr {
    Expr::col((Alias::new(table), column))
}

/// Joins `table` as `alias` where its `key` equals `to`.
fn left_join(
    statement: &mut SelectStatement,
    table: impl sea_orm::sea_query::IntoTableRef,
    alias: &'static str,
    key: impl sea_orm::sea_query::IntoIden,
    to: Expr,
) {
    statement.join_as(
        JoinType::LeftJoin,
        table,
        Alias::new(alias),
        ExprTrait::eq(at(alias, key), to),
    );
}

/// The statement reading the credentials `filter` selects, in the list's order (holder name, then id),
/// with the holder, the granting bureau and the kind's own columns joined.
fn credential_reading(
    backend: DbBackend,
    viewer: &Viewer,
    today: NaiveDate,
    expiry: Option<NaiveDate>,
    filter: &CredentialFilter,
) -> Reading {
    use credential::Column as C;
    let mut statement = super::credential::search(
        viewer,
        today,
        filter,
        CredentialOrderField::HolderName,
        SortDirection::Asc,
    )
    .ordered()
    .into_query();
    statement.clear_selects();
    let own = |column: C| Expr::col((credential::Entity, column));
    left_join(
        &mut statement,
        enterprise::Entity,
        HOLDER,
        enterprise::Column::Id,
        own(C::HolderEnterpriseId),
    );
    left_join(
        &mut statement,
        person::Entity,
        HOLDER_PERSON,
        person::Column::Id,
        own(C::HolderPersonId),
    );
    left_join(
        &mut statement,
        bureau::Entity,
        GRANTING_BUREAU,
        bureau::Column::Id,
        own(C::GrantingBureauId),
    );
    let status = match expiry {
        Some(date) => Expr::case(
            ExprTrait::eq(own(C::Status), "GRANTED").and(own(C::ValidUntil).lte(date)),
            "EXPIRED",
        )
        .finally(own(C::Status))
        .into(),
        None => own(C::Status),
    };
    // The document numbers (文号) of the announcements that granted, renewed or revoked it.
    let announcements = json_array(
        backend,
        "a.document_number",
        &format!(
            "FROM {} l JOIN {} a ON a.id = l.announcement_id WHERE l.credential_id = {}.id",
            announced_credential::Entity.table_name(),
            announcement::Entity.table_name(),
            credential::Entity.table_name()
        ),
        "l.created_at, l.id",
    );
    let mut columns = vec![
        column("id", own(C::Id), Cell::Id(NodeType::Credential)),
        column("kind", own(C::Kind), Cell::Text),
        column("status", status, Cell::Text),
        column("level", own(C::Level), Cell::Text),
        column(
            "holderEnterpriseId",
            own(C::HolderEnterpriseId),
            Cell::Id(NodeType::Enterprise),
        ),
        column(
            "holderPersonId",
            own(C::HolderPersonId),
            Cell::Id(NodeType::Person),
        ),
        column("holderUscc", at(HOLDER, enterprise::Column::Uscc), Cell::Text),
        column(
            "holderName",
            Func::coalesce([
                at(HOLDER, enterprise::Column::Name),
                at(HOLDER_PERSON, person::Column::Name),
            ]),
            Cell::Text,
        ),
        column("regionCode", own(C::RegionCode), Cell::Text),
        column(
            "grantingBureauCode",
            at(GRANTING_BUREAU, bureau::Column::Code),
            Cell::Text,
        ),
        column(
            "grantingBureauName",
            at(GRANTING_BUREAU, bureau::Column::Name),
            Cell::Text,
        ),
        column("batch", own(C::Batch), Cell::Int),
        column("year", own(C::Year), Cell::Int),
        column("noticeStartsOn", own(C::NoticeStartsOn), Cell::Date),
        column("noticeEndsOn", own(C::NoticeEndsOn), Cell::Date),
        column("grantedOn", own(C::GrantedOn), Cell::Date),
        column("validFrom", own(C::ValidFrom), Cell::Date),
        column("validUntil", own(C::ValidUntil), Cell::Date),
        column("revokedOn", own(C::RevokedOn), Cell::Date),
        column("revocationReason", own(C::RevocationReason), Cell::Text),
        column("version", own(C::Version), Cell::Int),
        column("announcements", announcements, Cell::Names),
    ];
    if let [kind] = filter.kinds[..] {
        columns.extend(kind_columns(&mut statement, kind));
    }
    Reading { statement, columns }
}

/// Joins a kind's detail table (and what it points at) and names its columns.
fn kind_columns(statement: &mut SelectStatement, kind: CredentialKind) -> Vec<Column> {
    let id = Expr::col((credential::Entity, credential::Column::Id));
    let detail = |column: &'static str| at(DETAIL, Alias::new(column));
    match kind {
        CredentialKind::LittleGiant => {
            use little_giant_designation::{Column as D, Entity};
            left_join(statement, Entity, DETAIL, D::CredentialId, id);
            vec![column("tier", at(DETAIL, D::Tier), Cell::Text)]
        }
        CredentialKind::Green => {
            use green_designation::{Column as D, Entity};
            left_join(statement, Entity, DETAIL, D::CredentialId, id);
            vec![
                column("greenKind", at(DETAIL, D::GreenKind), Cell::Text),
                column("subjectName", at(DETAIL, D::SubjectName), Cell::Text),
            ]
        }
        CredentialKind::BrandRecognition => {
            use brand_recognition::{Column as D, Entity};
            left_join(statement, Entity, DETAIL, D::CredentialId, id);
            left_join(
                statement,
                brand::Entity,
                LINKED,
                brand::Column::Id,
                detail("brand_id"),
            );
            vec![
                column("brandId", at(DETAIL, D::BrandId), Cell::Id(NodeType::Brand)),
                column("brandName", at(LINKED, brand::Column::Name), Cell::Text),
                column("recognitionKind", at(DETAIL, D::RecognitionKind), Cell::Text),
            ]
        }
        CredentialKind::GiAuthorization => {
            use gi_authorization::{Column as D, Entity};
            left_join(statement, Entity, DETAIL, D::CredentialId, id);
            left_join(
                statement,
                geographic_indication::Entity,
                LINKED,
                geographic_indication::Column::Id,
                detail("gi_id"),
            );
            vec![
                column(
                    "geographicIndicationId",
                    at(DETAIL, D::GiId),
                    Cell::Id(NodeType::GeographicIndication),
                ),
                column(
                    "geographicIndicationName",
                    at(LINKED, geographic_indication::Column::Name),
                    Cell::Text,
                ),
                // A name may be protected under two systems: the number tells which.
                column(
                    "geographicIndicationRegistrationNumber",
                    at(LINKED, geographic_indication::Column::RegistrationNumber),
                    Cell::Text,
                ),
            ]
        }
        CredentialKind::QualityAward => {
            use quality_award::{Column as D, Entity};
            left_join(statement, Entity, DETAIL, D::CredentialId, id);
            left_join(
                statement,
                award_program::Entity,
                LINKED,
                award_program::Column::Id,
                detail("program_id"),
            );
            vec![
                column(
                    "programId",
                    at(DETAIL, D::ProgramId),
                    Cell::Id(NodeType::AwardProgram),
                ),
                column("programName", at(LINKED, award_program::Column::Name), Cell::Text),
                column("edition", at(DETAIL, D::Edition), Cell::Int),
                column("citation", at(DETAIL, D::Citation), Cell::Text),
            ]
        }
        CredentialKind::ChiefQualityOfficer => {
            use chief_quality_officer::{Column as D, Entity};
            left_join(statement, Entity, DETAIL, D::CredentialId, id);
            left_join(
                statement,
                enterprise::Entity,
                LINKED,
                enterprise::Column::Id,
                detail("employer_id"),
            );
            vec![
                column("certificateNumber", at(DETAIL, D::CertificateNumber), Cell::Text),
                column(
                    "employerId",
                    at(DETAIL, D::EmployerId),
                    Cell::Id(NodeType::Enterprise),
                ),
                column("employerUscc", at(LINKED, enterprise::Column::Uscc), Cell::Text),
                column("employerName", at(LINKED, enterprise::Column::Name), Cell::Text),
            ]
        }
    }
}

/// A JSON array (as text) of `value` over the rows of `from` (a correlated `FROM … WHERE …`), in
/// `order`.
fn json_array(backend: DbBackend, value: &str, from: &str, order: &str) -> Expr {
    let aggregate = match backend {
        DbBackend::Postgres => "json_agg",
        _ => "json_group_array",
    };
    let array = Expr::cust(format!("(SELECT {aggregate}({value} ORDER BY {order}) {from})"));
    match backend {
        DbBackend::Postgres => Func::cast_as(array, Alias::new("text")).into(),
        _ => array,
    }
}

/// The statement reading the enterprises `filter` selects, in the list's order (name, then id), each
/// with its former names (oldest first) aggregated.
fn enterprise_reading(backend: DbBackend, filter: &EnterpriseFilter) -> Reading {
    use enterprise::Column as C;
    let mut statement = super::enterprise::search(filter, EnterpriseOrderField::Name, SortDirection::Asc)
        .ordered()
        .into_query();
    statement.clear_selects();
    let own = |column: C| Expr::col((enterprise::Entity, column));
    let former_names = json_array(
        backend,
        "f.name",
        &format!(
            "FROM {} f WHERE f.enterprise_id = {}.id",
            enterprise_former_name::Entity.table_name(),
            enterprise::Entity.table_name()
        ),
        "f.used_until, f.id",
    );
    let columns = vec![
        column("id", own(C::Id), Cell::Id(NodeType::Enterprise)),
        column("uscc", own(C::Uscc), Cell::Text),
        column("name", own(C::Name), Cell::Text),
        column("formerNames", former_names, Cell::Names),
        column("regionCode", own(C::RegionCode), Cell::Text),
        column("industryCode", own(C::IndustryCode), Cell::Text),
        column("scale", own(C::Scale), Cell::Text),
        column("status", own(C::Status), Cell::Text),
        column("establishedOn", own(C::EstablishedOn), Cell::Date),
        column("registeredCapitalCny", own(C::RegisteredCapitalCny), Cell::BigInt),
        column("legalRepresentative", own(C::LegalRepresentative), Cell::Text),
        column("address", own(C::Address), Cell::Text),
        column("version", own(C::Version), Cell::Int),
    ];
    Reading { statement, columns }
}

/// The statement reading the agreements `filter` selects, newest first. Their listings are added
/// afterwards ([`listed_credentials`]): agreements are few.
fn agreement_reading(filter: &AgreementFilter) -> Reading {
    use recognition_agreement::Column as C;
    let mut statement = super::agreement::search(filter).ordered().into_query();
    statement.clear_selects();
    let own = |column: C| Expr::col((recognition_agreement::Entity, column));
    let columns = vec![
        column("id", own(C::Id), Cell::Id(NodeType::RecognitionAgreement)),
        column("title", own(C::Title), Cell::Text),
        column("status", own(C::Status), Cell::Text),
        column("mode", own(C::Mode), Cell::Text),
        column("signedOn", own(C::SignedOn), Cell::Date),
        column("effectiveFrom", own(C::EffectiveFrom), Cell::Date),
        column("effectiveUntil", own(C::EffectiveUntil), Cell::Date),
        column("activatedOn", own(C::ActivatedOn), Cell::Date),
        column("suspendedFrom", own(C::SuspendedFrom), Cell::Date),
        column("terminatedFrom", own(C::TerminatedFrom), Cell::Date),
        column("version", own(C::Version), Cell::Int),
    ];
    Reading { statement, columns }
}

/// The column an agreement's row gets after its own: the credentials on its list today.
const LISTED_CREDENTIALS: &str = "listedCredentialIds";

impl Reading {
    /// The reading of `selection`; with `expiry`, granted credentials past their end on that date read
    /// as `EXPIRED`.
    fn of(
        backend: DbBackend,
        viewer: &Viewer,
        today: NaiveDate,
        expiry: Option<NaiveDate>,
        selection: &Selection,
    ) -> Self {
        let mut reading = match selection {
            Selection::Enterprises(filter) => enterprise_reading(backend, filter),
            Selection::Credentials(filter) => credential_reading(backend, viewer, today, expiry, filter),
            Selection::Agreements(filter) => agreement_reading(filter),
        };
        for column in &reading.columns {
            reading
                .statement
                .expr_as(column.expr.clone(), Alias::new(column.name));
        }
        reading
    }

    /// The names of the columns written, in order.
    fn header(&self, selection: &Selection) -> Vec<&'static str> {
        let mut header: Vec<_> = self.columns.iter().map(|column| column.name).collect();
        if matches!(selection, Selection::Agreements(_)) {
            header.push(LISTED_CREDENTIALS);
        }
        header
    }

    /// One row's values, in column order.
    fn record(&self, row: &QueryResult) -> ApiResult<Vec<Value>> {
        self.columns
            .iter()
            .map(|column| read_cell(row, column.name, column.cell))
            .collect()
    }
}

fn read_cell(row: &QueryResult, name: &str, cell: Cell) -> ApiResult<Value> {
    let value = match cell {
        Cell::Text => row.try_get::<Option<String>>("", name)?.map(Value::from),
        Cell::Int => row.try_get::<Option<i32>>("", name)?.map(Value::from),
        Cell::BigInt => row.try_get::<Option<i64>>("", name)?.map(Value::from),
        Cell::Date => row
            .try_get::<Option<NaiveDate>>("", name)?
            .map(|date| Value::from(date.to_string())),
        Cell::Id(node_type) => row
            .try_get::<Option<Uuid>>("", name)?
            .map(|id| Value::from(encode(node_type, id))),
        Cell::Names => {
            let names = row.try_get::<Option<String>>("", name)?;
            let parsed = names.map(|text| serde_json::from_str::<Value>(&text)).transpose();
            Some(
                parsed
                    .map_err(|err| ApiError::Internal(format!("{name} of a row: {err}")))?
                    .unwrap_or(Value::Array(Vec::new())),
            )
        }
    };
    Ok(value.unwrap_or(Value::Null))
}

/// Encodes records in a format and an encoding, and hands them to a sink in blocks.
pub struct Writer<S: Sink> {
    format: ExportFormat,
    encoding: TextEncoding,
    sink: S,
    buffer: Vec<u8>,
    header: Vec<&'static str>,
    /// Records written.
    pub rows: u64,
}

/// Blocks are handed on when they reach this size.
const BLOCK_BYTES: usize = 64 * 1024;

/// The byte-order mark that tells spreadsheet software a CSV file is UTF-8.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

impl<S: Sink> Writer<S> {
    /// A writer of `format` in `encoding` into `sink`; nothing is written before [`Writer::start`].
    pub fn new(format: ExportFormat, encoding: TextEncoding, sink: S) -> Self {
        Self {
            format,
            encoding,
            sink,
            buffer: Vec::with_capacity(BLOCK_BYTES * 2),
            header: Vec::new(),
            rows: 0,
        }
    }

    /// Starts a file of records with these columns: the byte-order mark and header row of a CSV file.
    fn start(&mut self, header: Vec<&'static str>) -> ApiResult<()> {
        if self.format == ExportFormat::Csv {
            if self.encoding == TextEncoding::Utf8 {
                self.buffer.extend_from_slice(UTF8_BOM);
            }
            let cells: Vec<String> = header.iter().map(|name| (*name).to_owned()).collect();
            self.csv_row(&cells)?;
        }
        self.header = header;
        Ok(())
    }

    fn csv_row(&mut self, cells: &[String]) -> ApiResult<()> {
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut self.buffer);
        csv.write_record(cells)
            .and_then(|()| csv.flush().map_err(csv::Error::from))
            .map_err(|err| ApiError::Internal(format!("writing a CSV row: {err}")))
    }

    /// Writes one record, its values in the header's order.
    async fn record(&mut self, values: &[Value]) -> ApiResult<()> {
        match self.format {
            ExportFormat::Csv => {
                let cells: Vec<String> = values.iter().map(csv_cell).collect();
                self.csv_row(&cells)?;
            }
            ExportFormat::Jsonl => {
                self.buffer.push(b'{');
                for (index, (name, value)) in self.header.iter().zip(values).enumerate() {
                    if index > 0 {
                        self.buffer.push(b',');
                    }
                    serde_json::to_writer(&mut self.buffer, name)
                        .and_then(|()| {
                            self.buffer.push(b':');
                            serde_json::to_writer(&mut self.buffer, value)
                        })
                        .map_err(|err| ApiError::Internal(format!("writing a JSON line: {err}")))?;
                }
                self.buffer.extend_from_slice(b"}\n");
            }
        }
        self.rows += 1;
        if self.buffer.len() >= BLOCK_BYTES {
            self.flush().await?;
        }
        Ok(())
    }

    /// Hands what is buffered to the sink.
    pub async fn flush(&mut self) -> ApiResult<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let block = match self.encoding {
            TextEncoding::Utf8 => std::mem::replace(&mut self.buffer, Vec::with_capacity(BLOCK_BYTES * 2)),
            TextEncoding::Gb18030 => {
                // Rows are whole in the buffer, so it is whole UTF-8 text.
                let text = std::str::from_utf8(&self.buffer)
                    .map_err(|err| ApiError::Internal(format!("export text: {err}")))?;
                let (encoded, _, _) = encoding_rs::GB18030.encode(text);
                let block = encoded.into_owned();
                self.buffer.clear();
                block
            }
        };
        self.sink.put(block).await
    }

    /// Flushes and gives the sink back.
    pub async fn finish(mut self) -> ApiResult<S> {
        self.flush().await?;
        Ok(self.sink)
    }
}

/// A value as a CSV cell. Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or
/// carriage return first) is written after an apostrophe, as OWASP advises against CSV injection:
/// names come from registrars and imports, not from us.
fn csv_cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) if text.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{text}"),
        Value::String(text) => text.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().map_or_else(|| item.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join("；"),
        other => other.to_string(),
    }
}

/// A read transaction in which an export sees one state of the registry: repeatable read on
/// PostgreSQL, with the statement timeout set to `time_limit` when given (an export's statement runs
/// while its client reads) and lifted otherwise; on SQLite, a read transaction, which in WAL mode
/// reads one snapshot.
pub async fn begin_read(
    db: &DatabaseConnection,
    time_limit: Option<std::time::Duration>,
) -> ApiResult<DatabaseTransaction> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(db.begin().await?);
    }
    let txn = db
        .begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
        .await?;
    let milliseconds = time_limit.map_or(0, |limit| limit.as_millis());
    txn.execute_raw(Statement::from_string(
        DbBackend::Postgres,
        format!("SET LOCAL statement_timeout = {milliseconds}"),
    ))
    .await?;
    Ok(txn)
}

/// How a credential's `status` is written.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum StatusAs {
    /// As the API reads it on the business date: a granted credential past its end is `EXPIRED`.
    Today,
    /// As stored (a granted credential stays `GRANTED` past `validUntil`): it changes only with a change
    /// in the feed, so that a snapshot with the deltas after it equals a later snapshot.
    Stored,
}

/// What a list's rows are read under.
struct Scope<'a> {
    txn: &'a DatabaseTransaction,
    viewer: &'a Viewer,
    today: NaiveDate,
    status: StatusAs,
}

impl Scope<'_> {
    fn reading(&self, selection: &Selection) -> Reading {
        let expiry = (self.status == StatusAs::Today).then_some(self.today);
        Reading::of(
            ConnectionTrait::get_database_backend(self.txn),
            self.viewer,
            self.today,
            expiry,
            selection,
        )
    }

    /// Writes the rows of `selection` the viewer may see, narrowed by `extra`, through `writer`,
    /// skipping (and then adding) the global IDs in `written`.
    async fn write_rows<S: Sink>(
        &self,
        selection: &Selection,
        extra: Option<Expr>,
        writer: &mut Writer<S>,
        written: &mut BTreeSet<String>,
        remember: bool,
    ) -> ApiResult<()> {
        let mut reading = self.reading(selection);
        if let Some(condition) = extra {
            reading.statement.and_where(condition);
        }
        let statement = ConnectionTrait::get_database_backend(self.txn).build(&reading.statement);
        let mut emit = async |writer: &mut Writer<S>, record: Vec<Value>| -> ApiResult<()> {
            if remember {
                let Some(Value::String(id)) = record.first() else {
                    return Ok(());
                };
                if !written.insert(id.clone()) {
                    return Ok(());
                }
            }
            writer.record(&record).await
        };
        if let Selection::Agreements(_) = selection {
            // Agreements are few: read them, then their listings, in the same transaction.
            let rows = self.txn.query_all_raw(statement).await?;
            let agreement_ids = rows
                .iter()
                .map(|row| row.try_get::<Uuid>("", "id"))
                .collect::<Result<Vec<_>, _>>()?;
            let listed = listed_credentials(self.txn, self.today, &agreement_ids).await?;
            for (row, id) in rows.iter().zip(agreement_ids) {
                let mut record = reading.record(row)?;
                let credentials = listed.iter().filter(|(agreement, _)| *agreement == id);
                record.push(Value::Array(
                    credentials
                        .map(|(_, credential)| Value::from(encode(NodeType::Credential, *credential)))
                        .collect(),
                ));
                emit(writer, record).await?;
            }
            return Ok(());
        }
        let mut rows = self.txn.stream_raw(statement).await?;
        while let Some(row) = rows.next().await {
            emit(writer, reading.record(&row?)?).await?;
        }
        Ok(())
    }
}

/// The credentials on each of `agreements`' lists on `today`, as (agreement, credential) pairs in the
/// order they were listed.
async fn listed_credentials(
    txn: &DatabaseTransaction,
    today: NaiveDate,
    agreements: &[Uuid],
) -> ApiResult<Vec<(Uuid, Uuid)>> {
    use recognition_listing::Column as L;
    let mut pairs = Vec::new();
    for chunk in agreements.chunks(ID_CHUNK) {
        let rows = recognition_listing::Entity::find()
            .filter(L::AgreementId.is_in(chunk.iter().copied()))
            .order_by_asc(L::ListedOn)
            .order_by_asc(L::Id)
            .all(txn)
            .await?;
        pairs.extend(
            rows.iter()
                .filter(|row| super::recognition::is_listed_on(row, today))
                .map(|row| (row.agreement_id, row.credential_id)),
        );
    }
    Ok(pairs)
}

/// Ids are looked up this many at a time (well inside every backend's limit on parameters).
const ID_CHUNK: usize = 1_000;

/// Exports one list as the API lists it: the rows of `selection` the viewer may see, read in `txn` and
/// written through `writer`, with states as on `today`. Returns the number of rows.
pub async fn export_list<S: Sink>(
    txn: &DatabaseTransaction,
    viewer: &Viewer,
    today: NaiveDate,
    selection: &Selection,
    writer: &mut Writer<S>,
) -> ApiResult<u64> {
    let scope = Scope {
        txn,
        viewer,
        today,
        status: StatusAs::Today,
    };
    write_whole(&scope, selection, writer).await
}

async fn write_whole<S: Sink>(
    scope: &Scope<'_>,
    selection: &Selection,
    writer: &mut Writer<S>,
) -> ApiResult<u64> {
    writer.start(scope.reading(selection).header(selection))?;
    let before = writer.rows;
    scope
        .write_rows(selection, None, writer, &mut BTreeSet::new(), false)
        .await?;
    Ok(writer.rows - before)
}

/// Exports every row of `list` the viewer may see, for a snapshot: states as stored (see
/// [`StatusAs::Stored`]). Returns the number of rows.
pub async fn export_snapshot_list<S: Sink>(
    txn: &DatabaseTransaction,
    viewer: &Viewer,
    today: NaiveDate,
    list: ExportList,
    writer: &mut Writer<S>,
) -> ApiResult<u64> {
    let scope = Scope {
        txn,
        viewer,
        today,
        status: StatusAs::Stored,
    };
    write_whole(&scope, &Selection::everything(list), writer).await
}

/// The newest change the transaction sees: the cursor an export read in it corresponds to.
pub async fn cursor(txn: &DatabaseTransaction) -> ApiResult<FeedCursor> {
    Ok(FeedCursor(changes::newest(txn).await?))
}

/// What changed between two cursors, for a delta: the records of each list that changed.
pub struct Changed {
    /// The cursor the delta brings a copy to.
    pub cursor: FeedCursor,
    records: BTreeMap<ExportList, BTreeSet<Uuid>>,
}

impl Changed {
    fn of(&self, list: ExportList) -> Vec<Uuid> {
        self.records
            .get(&list)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default()
    }
}

/// The records changed after `since`, as far as the viewer may read the feed, read in `txn` up to the
/// newest change it sees.
pub async fn changed_since(
    txn: &DatabaseTransaction,
    viewer: &Viewer,
    since: FeedCursor,
) -> ApiResult<Changed> {
    let cursor = cursor(txn).await?;
    let rows: Vec<(String, Uuid)> = change_event::Entity::find()
        .select_only()
        .column(change_event::Column::Subject)
        .column(change_event::Column::EntityId)
        .filter(change_event::Column::Sequence.gt(since.0))
        .filter(change_event::Column::Sequence.lte(cursor.0))
        .filter(viewer.change_condition())
        .into_tuple()
        .all(txn)
        .await?;
    let mut records: BTreeMap<ExportList, BTreeSet<Uuid>> = BTreeMap::new();
    for (subject, id) in rows {
        if let Some(kind) = ChangeKind::parse(&subject) {
            records.entry(ExportList::of_change(kind)).or_default().insert(id);
        }
    }
    Ok(Changed { cursor, records })
}

/// Writes the delta of `list` after a snapshot (or the delta before): the current records of what
/// changed, as a snapshot writes them, through `writer`, including credentials whose holder (or, for
/// chief quality officers, employer) changed, since they show its name. Returns the global IDs of
/// changed records no longer in the list (removed from it, or no longer visible to the viewer).
pub async fn export_delta<S: Sink>(
    txn: &DatabaseTransaction,
    viewer: &Viewer,
    today: NaiveDate,
    list: ExportList,
    changed: &Changed,
    writer: &mut Writer<S>,
) -> ApiResult<Vec<String>> {
    let scope = Scope {
        txn,
        viewer,
        today,
        status: StatusAs::Stored,
    };
    let selection = Selection::everything(list);
    writer.start(scope.reading(&selection).header(&selection))?;
    let (node_type, key) = match list {
        ExportList::Enterprises => (
            NodeType::Enterprise,
            Expr::col((enterprise::Entity, enterprise::Column::Id)),
        ),
        ExportList::RecognitionAgreements => (
            NodeType::RecognitionAgreement,
            Expr::col((recognition_agreement::Entity, recognition_agreement::Column::Id)),
        ),
        _ => (
            NodeType::Credential,
            Expr::col((credential::Entity, credential::Column::Id)),
        ),
    };
    let ids = changed.of(list);
    let mut written = BTreeSet::new();
    for chunk in ids.chunks(ID_CHUNK) {
        let condition = key.clone().is_in(chunk.iter().copied());
        scope
            .write_rows(&selection, Some(condition), writer, &mut written, true)
            .await?;
    }
    let removed = ids
        .iter()
        .map(|id| encode(node_type, *id))
        .filter(|id| !written.contains(id))
        .collect();
    if list.credential_kind().is_some() {
        for chunk in changed.of(ExportList::Enterprises).chunks(ID_CHUNK) {
            let mut condition = Expr::col((credential::Entity, credential::Column::HolderEnterpriseId))
                .is_in(chunk.iter().copied());
            if list == ExportList::ChiefQualityOfficers {
                condition = condition.or(at(LINKED, enterprise::Column::Id).is_in(chunk.iter().copied()));
            }
            scope
                .write_rows(&selection, Some(condition), writer, &mut written, true)
                .await?;
        }
    }
    Ok(removed)
}
