//! Batch import of an announcement list (a batch of 专精特新 designations) from CSV: the same proposal
//! rules and access policy as `proposeLittleGiant`, row by row, for the CLI (`registry import`) and the
//! `importCredentials` upload alike.
//!
//! - All rows or none: the report names every bad row (line, column, reason), not just the first, and
//!   nothing is written unless every row is good. A dry run checks the same way and writes nothing.
//! - Checked first, written after: the whole file is read and checked (reads only) before the write
//!   transaction begins, so on SQLite the single write lock is held only to re-check the keys held in
//!   the meantime and insert; other writers wait for that, not for parsing. The file is read a chunk at
//!   a time; what is kept between the phases is the checked rows, not the file. Checks are set-based per
//!   chunk (one query for the chunk's enterprises, one for held keys, one for prerequisite tiers), so
//!   the statement count grows with chunks, not rows.
//! - Idempotency: a committed import is recorded under its key; the same key again returns the first
//!   report and changes nothing.
//! - Imported rows are proposals handed in for review (`SUBMITTED`), proposed by the importing
//!   registrar; one audit event records the import.
//!
//! Columns (header row required; English or Chinese names, other columns ignored): `uscc`
//! (统一社会信用代码, required), `tier` (梯度, required: `SPECIALIZED_SME`, `LITTLE_GIANT`,
//! `KEY_LITTLE_GIANT`, `INNOVATIVE_SME` or the Chinese names), `name` (企业名称, optional; checked
//! against the registered name), `year` (年度, optional; default this year). Text in UTF-8 or GB18030.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};

use chrono::{Datelike, NaiveDate, Utc};
use entity::{
    announcement, bureau, credential, enterprise, enterprise_former_name,
    enums::{AnnouncedAct, CredentialKind, CredentialStatus, Level, LittleGiantTier},
    import_run, little_giant_designation,
};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    EntityTrait, IntoActiveModel, QueryFilter, QuerySelect,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::proposal::{Detail, exclusive_key, prerequisite, tier_level};
use crate::actor::Actor;
use crate::domain::Uscc;
use crate::error::{ApiError, ApiResult};
use crate::i18n::Message;
use crate::policy::Account;

/// Rows read, checked and inserted together.
const CHUNK_ROWS: usize = 1_000;

/// The audit action of an import, and the change of each credential it proposes.
const IMPORT_ACTION: &str = "IMPORT_CREDENTIALS";

/// The text encoding of an uploaded file.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, async_graphql::Enum, clap::ValueEnum)]
pub enum CsvEncoding {
    /// UTF-8 when the start of the file is valid UTF-8 (or has a UTF-8 byte-order mark), else GB18030.
    #[default]
    Auto,
    /// UTF-8.
    #[value(name = "utf-8")]
    Utf8,
    /// GB18030 (a superset of GBK and GB2312), as Chinese spreadsheet software often exports.
    Gb18030,
}

/// What to import and how.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// The announcement batch (批次) every row belongs to.
    pub batch: i32,
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// A repeated submission with this key returns the first report and changes nothing.
    pub idempotency_key: Option<String>,
    /// The file's encoding.
    pub encoding: CsvEncoding,
    /// The announcement (公告) the list was published in: it is recorded as granting every row, and
    /// must be the granting bureau's own.
    pub announcement: Option<Uuid>,
}

/// How far an import is, as told to its `progress` callback after each chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportProgress {
    /// This many rows were read and checked; nothing is written yet.
    Checked(u64),
    /// This many rows were written, inside the transaction that still holds the write lock.
    Written(u64),
}

/// One bad row: where, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, async_graphql::SimpleObject)]
#[graphql(complex)]
#[serde(rename_all = "camelCase")]
pub struct RowError {
    /// Line in the file (the header is line 1).
    pub line: u64,
    /// The column at fault (empty for a row that could not be read at all).
    pub column: String,
    /// What is wrong (stored with the report, said in the language of whoever reads it).
    #[graphql(skip)]
    pub reason: Message,
}

#[async_graphql::ComplexObject]
impl RowError {
    /// What is wrong, in the language `Accept-Language` asked for (Simplified Chinese or English).
    async fn reason(&self, ctx: &async_graphql::Context<'_>) -> String {
        self.reason.render(crate::graphql::language(ctx))
    }
}

/// The outcome of an import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// The batch imported.
    pub batch: i32,
    /// Whether nothing was meant to be written.
    pub dry_run: bool,
    /// Whether this answer repeats an earlier import with the same idempotency key.
    pub replayed: bool,
    /// Data rows read.
    pub rows: u64,
    /// Credentials written (0 when any row was bad, and for a dry run).
    pub imported: u64,
    /// Every bad row.
    pub errors: Vec<RowError>,
}

/// Picks the decoder for `source` and hands back a CSV reader over UTF-8 text.
fn csv_reader(source: impl Read, encoding: CsvEncoding) -> std::io::Result<csv::Reader<impl Read>> {
    let mut buffered = BufReader::with_capacity(64 * 1024, source);
    let encoding = match encoding {
        CsvEncoding::Utf8 => encoding_rs::UTF_8,
        CsvEncoding::Gb18030 => encoding_rs::GB18030,
        CsvEncoding::Auto => {
            let start = buffered.fill_buf()?;
            // A multi-byte character cut off by the end of the sniffed block is still UTF-8.
            let utf8 = match std::str::from_utf8(start) {
                Ok(_) => true,
                Err(err) => err.error_len().is_none(),
            };
            if utf8 {
                encoding_rs::UTF_8
            } else {
                encoding_rs::GB18030
            }
        }
    };
    let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .build(buffered);
    Ok(csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(decoded))
}

/// Where each known column sits in the header.
struct Columns {
    uscc: usize,
    tier: usize,
    name: Option<usize>,
    year: Option<usize>,
}

impl Columns {
    fn from_header(header: &csv::StringRecord) -> Result<Self, RowError> {
        let find = |names: &[&str]| {
            header.iter().position(|cell| {
                let cell = cell.trim_start_matches('\u{feff}').trim().to_lowercase();
                names.contains(&cell.as_str())
            })
        };
        let missing = |column: &str| RowError {
            line: 1,
            column: column.to_owned(),
            reason: Message::new("import-header-missing").with("column", column),
        };
        Ok(Self {
            uscc: find(&["uscc", "统一社会信用代码"]).ok_or_else(|| missing("uscc"))?,
            tier: find(&["tier", "梯度", "层级"]).ok_or_else(|| missing("tier"))?,
            name: find(&["name", "企业名称", "名称"]),
            year: find(&["year", "年度"]),
        })
    }
}

/// A tier as written in a list: the enum name or its Chinese name.
fn parse_tier(text: &str) -> Option<LittleGiantTier> {
    let folded: String = text
        .chars()
        .filter(|c| !matches!(c, '"' | '“' | '”' | '「' | '」' | ' ' | '　'))
        .collect::<String>()
        .to_uppercase();
    Some(match folded.as_str() {
        "SPECIALIZED_SME" | "专精特新中小企业" | "市级专精特新中小企业" | "省级专精特新中小企业" => {
            LittleGiantTier::SpecializedSme
        }
        "LITTLE_GIANT" | "专精特新小巨人" | "小巨人" | "国家级专精特新小巨人" => {
            LittleGiantTier::LittleGiant
        }
        "KEY_LITTLE_GIANT" | "重点小巨人" => LittleGiantTier::KeyLittleGiant,
        "INNOVATIVE_SME" | "创新型中小企业" => LittleGiantTier::InnovativeSme,
        _ => return None,
    })
}

/// A row that parsed.
struct Row {
    line: u64,
    uscc: Uscc,
    name: Option<String>,
    tier: LittleGiantTier,
    year: i32,
}

/// Parses one record, or says every column that is wrong.
fn parse_row(
    record: &csv::StringRecord,
    line: u64,
    columns: &Columns,
    this_year: i32,
) -> Result<Row, Vec<RowError>> {
    let mut errors = Vec::new();
    let error = |column: &str, reason: Message| RowError {
        line,
        column: column.to_owned(),
        reason,
    };
    let cell = |index: usize| record.get(index).unwrap_or_default();
    let uscc = Uscc::parse(cell(columns.uscc)).map_err(|reason| errors.push(error("uscc", reason.message())));
    let tier = match parse_tier(cell(columns.tier)) {
        Some(tier) => Ok(tier),
        None => {
            errors.push(error(
                "tier",
                Message::new("import-tier-unknown").with("tier", cell(columns.tier)),
            ));
            Err(())
        }
    };
    let year = match columns.year.map(cell).filter(|text| !text.is_empty()) {
        None => Ok(this_year),
        Some(text) => text
            .parse::<i32>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))
            .ok_or_else(|| {
                errors.push(error(
                    "year",
                    Message::new("import-year-invalid").with("year", text),
                ));
            }),
    };
    let name = columns
        .name
        .map(cell)
        .filter(|text| !text.is_empty())
        .map(str::to_owned);
    match (uscc, tier, year) {
        (Ok(uscc), Ok(tier), Ok(year)) => Ok(Row {
            line,
            uscc,
            name,
            tier,
            year,
        }),
        _ => Err(errors),
    }
}

/// What stays the same for every chunk of one import.
struct Run<'a> {
    actor: &'a Account,
    competence: Vec<CredentialKind>,
    /// The granting bureau for each level the actor may propose at, resolved once.
    granting: HashMap<Level, Option<bureau::Model>>,
    batch: i32,
    today: NaiveDate,
    now: chrono::DateTime<Utc>,
    /// The announcement every row is granted by.
    announcement: Option<announcement::Model>,
}

impl Run<'_> {
    async fn granting_bureau(&mut self, txn: &impl ConnectionTrait, level: Level) -> ApiResult<Option<Uuid>> {
        if !self.granting.contains_key(&level) {
            let found = match self.actor.bureau.as_ref() {
                Some(own) => super::bureau::at_level_above(txn, own, level).await?,
                None => None,
            };
            self.granting.insert(level, found);
        }
        Ok(self.granting.get(&level).and_then(|b| b.as_ref().map(|b| b.id)))
    }
}

/// A row that passed every check, ready to insert.
struct Checked {
    line: u64,
    model: credential::Model,
    tier: LittleGiantTier,
}

/// Checks one chunk of parsed rows against the registry (reads only) and returns the good ones;
/// `keys_in_file` catches the same enterprise and tier twice anywhere in the file.
async fn check_chunk(
    db: &impl ConnectionTrait,
    run: &mut Run<'_>,
    rows: Vec<Row>,
    keys_in_file: &mut HashSet<String>,
    errors: &mut Vec<RowError>,
) -> ApiResult<Vec<Checked>> {
    let backend = db.get_database_backend();
    let codes: Vec<String> = rows.iter().map(|row| row.uscc.to_string()).collect();
    let enterprises: HashMap<String, enterprise::Model> = enterprise::Entity::find()
        .filter(one_of(backend, enterprise::Column::Uscc, codes))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.uscc.clone(), e))
        .collect();
    let candidates: Vec<Uuid> = rows
        .iter()
        .filter(|row| prerequisite(row.tier).is_some())
        .filter_map(|row| enterprises.get(row.uscc.as_str()).map(|e| e.id))
        .collect();
    let held = super::proposal::tiers_held(db, &candidates, run.today).await?;
    // A list published before a rename names the enterprise as it was then.
    let former_names: HashSet<(Uuid, String)> = enterprise_former_name::Entity::find()
        .filter(enterprise_former_name::Column::EnterpriseId.is_in(enterprises.values().map(|e| e.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|former| (former.enterprise_id, former.name_normalized))
        .collect();

    let mut accepted: Vec<Checked> = Vec::with_capacity(rows.len());
    for row in rows {
        let error = |column: &str, reason: Message| RowError {
            line: row.line,
            column: column.to_owned(),
            reason,
        };
        let Some(holder) = enterprises.get(row.uscc.as_str()) else {
            errors.push(error("uscc", Message::new("import-uscc-unregistered")));
            continue;
        };
        if let Some(name) = row.name.as_deref().map(crate::domain::text::fold)
            && name != holder.name_normalized
            && !former_names.contains(&(holder.id, name))
        {
            errors.push(error(
                "name",
                Message::new("import-name-differs").with("name", &holder.name),
            ));
            continue;
        }
        let level = tier_level(row.tier);
        // The same rules as a single proposal's: the access policy's, then the ladder.
        if let Err(refusal) = run.actor.may_propose(
            CredentialKind::LittleGiant,
            level,
            &holder.region_code,
            &run.competence,
        ) {
            errors.push(error("uscc", refusal.message));
            continue;
        }
        if let Some(reason) = super::proposal::missing_prerequisite(row.tier, holder.id, &held) {
            errors.push(error("tier", reason));
            continue;
        }
        let Some(granting_bureau_id) = run.granting_bureau(db, level).await? else {
            errors.push(error("tier", Message::new("import-no-bureau-above")));
            continue;
        };
        if let Some(announcement) = &run.announcement
            && announcement.issuing_bureau_id != granting_bureau_id
        {
            errors.push(error(
                "tier",
                Message::new("announcement-other-bureau").with("document", &announcement.document_number),
            ));
            continue;
        }
        let blank = super::credential::Blank {
            kind: CredentialKind::LittleGiant,
            level,
            granting_bureau_id,
            region_code: holder.region_code.clone(),
            status: CredentialStatus::Submitted,
            now: run.now,
        };
        let mut model = credential::Model {
            holder_enterprise_id: Some(holder.id),
            batch: Some(run.batch),
            year: Some(row.year),
            proposed_by: Some(run.actor.user_id),
            ..blank.row()
        };
        let detail = Detail::LittleGiant { tier: row.tier };
        let key = exclusive_key(&model, &detail);
        if !keys_in_file.insert(key.clone()) {
            errors.push(error("uscc", Message::new("import-row-twice")));
            continue;
        }
        model.exclusive_key = Some(key);
        if let Detail::LittleGiant { tier } = detail {
            accepted.push(Checked {
                line: row.line,
                model,
                tier,
            });
        }
    }

    without_held_keys(db, accepted, errors).await
}

/// The rows whose exclusive key no credential holds yet; the others are reported.
async fn without_held_keys(
    db: &impl ConnectionTrait,
    rows: Vec<Checked>,
    errors: &mut Vec<RowError>,
) -> ApiResult<Vec<Checked>> {
    let keys: Vec<String> = rows
        .iter()
        .filter_map(|row| row.model.exclusive_key.clone())
        .collect();
    let taken: HashSet<String> = credential::Entity::find()
        .select_only()
        .column(credential::Column::ExclusiveKey)
        .filter(one_of(
            db.get_database_backend(),
            credential::Column::ExclusiveKey,
            keys,
        ))
        .into_tuple::<Option<String>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect();
    let (fresh, held): (Vec<Checked>, Vec<Checked>) = rows.into_iter().partition(|row| {
        !row.model
            .exclusive_key
            .as_ref()
            .is_some_and(|key| taken.contains(key))
    });
    errors.extend(held.into_iter().map(|row| RowError {
        line: row.line,
        column: "uscc".to_owned(),
        reason: Message::new("import-designation-held"),
    }));
    Ok(fresh)
}

/// Inserts checked rows inside the write transaction, after checking again that no credential took
/// their keys since they were checked; returns how many were inserted.
async fn insert_chunk(
    txn: &DatabaseTransaction,
    run: &Run<'_>,
    rows: Vec<Checked>,
    errors: &mut Vec<RowError>,
) -> ApiResult<u64> {
    let fresh: Vec<(credential::Model, LittleGiantTier)> = without_held_keys(txn, rows, errors)
        .await?
        .into_iter()
        .map(|row| (row.model, row.tier))
        .collect();
    let inserted = fresh.len() as u64;
    if fresh.is_empty() {
        return Ok(0);
    }
    let changes = fresh
        .iter()
        .map(|(model, _)| super::changes::Published::credential(IMPORT_ACTION, model));
    super::changes::publish_all(txn, changes).await?;
    let announced: Vec<(Uuid, AnnouncedAct)> = match &run.announcement {
        Some(_) => fresh
            .iter()
            .map(|(model, _)| (model.id, AnnouncedAct::Grant))
            .collect(),
        None => Vec::new(),
    };
    if txn.get_database_backend() == DbBackend::Postgres {
        insert_unnested(txn, run, fresh).await?;
    } else {
        let details: Vec<_> = fresh
            .iter()
            .map(|(model, tier)| {
                little_giant_designation::Model {
                    credential_id: model.id,
                    tier: *tier,
                }
                .into_active_model()
            })
            .collect();
        let credentials: Vec<_> = fresh
            .into_iter()
            .map(|(model, _)| model.into_active_model())
            .collect();
        credential::Entity::insert_many(credentials)
            .exec_without_returning(txn)
            .await?;
        little_giant_designation::Entity::insert_many(details)
            .exec_without_returning(txn)
            .await?;
    }
    if let Some(announcement) = &run.announcement {
        super::announcement::announce_all(txn, announcement.id, announced).await?;
    }
    Ok(inserted)
}

/// `column IN (values)`; on PostgreSQL `column = ANY($1)`: one array parameter instead of a thousand,
/// which PostgreSQL parses and plans far faster.
fn one_of(
    backend: DbBackend,
    column: impl ColumnTrait,
    values: Vec<String>,
) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Expr, ExprTrait, extension::postgres::PgFunc};
    match backend {
        DbBackend::Postgres => Expr::col(column).eq(PgFunc::any(Expr::val(values))),
        _ => column.is_in(values),
    }
}

/// Inserts a chunk's proposals on PostgreSQL as `INSERT … SELECT FROM UNNEST(arrays)`: a handful of
/// array parameters instead of 25 per row (parsing and planning the row-by-row `VALUES` list dominated
/// the import). Columns every row shares are single parameters; those an import leaves empty are not
/// named.
async fn insert_unnested(
    txn: &DatabaseTransaction,
    run: &Run<'_>,
    fresh: Vec<(credential::Model, LittleGiantTier)>,
) -> ApiResult<()> {
    use sea_orm::{Statement, Value};
    let mut ids = Vec::with_capacity(fresh.len());
    let mut holders = Vec::with_capacity(fresh.len());
    let mut levels = Vec::with_capacity(fresh.len());
    let mut bureaus = Vec::with_capacity(fresh.len());
    let mut regions = Vec::with_capacity(fresh.len());
    let mut years = Vec::with_capacity(fresh.len());
    let mut keys = Vec::with_capacity(fresh.len());
    let mut tiers = Vec::with_capacity(fresh.len());
    for (model, tier) in fresh {
        ids.push(model.id);
        holders.push(model.holder_enterprise_id.unwrap_or_default());
        levels.push(model.level.to_value());
        bureaus.push(model.granting_bureau_id);
        regions.push(model.region_code);
        years.push(model.year.unwrap_or_default());
        keys.push(model.exclusive_key.unwrap_or_default());
        tiers.push(tier.to_value());
    }
    let credentials = Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO credential (id, created_at, updated_at, version, kind, holder_enterprise_id, level, \
         granting_bureau_id, region_code, status, batch, year, proposed_by, exclusive_key) \
         SELECT u.id, $1, $1, 1, $2, u.holder, u.level, u.bureau, u.region, $3, $4, u.year, $5, u.key \
         FROM UNNEST($6::uuid[], $7::uuid[], $8::text[], $9::uuid[], $10::text[], $11::int[], $12::text[]) \
         AS u(id, holder, level, bureau, region, year, key)",
        [
            Value::from(run.now),
            Value::from(CredentialKind::LittleGiant.to_value()),
            Value::from(CredentialStatus::Submitted.to_value()),
            Value::from(run.batch),
            Value::from(run.actor.user_id),
            Value::from(ids.clone()),
            Value::from(holders),
            Value::from(levels),
            Value::from(bureaus),
            Value::from(regions),
            Value::from(years),
            Value::from(keys),
        ],
    );
    txn.execute_raw(credentials).await?;
    let details = Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO little_giant_designation (credential_id, tier) SELECT * FROM UNNEST($1::uuid[], $2::text[])",
        [Value::from(ids), Value::from(tiers)],
    );
    txn.execute_raw(details).await?;
    Ok(())
}

/// The report of an earlier import under `key`, if there was one.
async fn earlier(db: &impl ConnectionTrait, key: &str) -> ApiResult<Option<ImportReport>> {
    let Some(run) = import_run::Entity::find()
        .filter(import_run::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let mut report: ImportReport = serde_json::from_value(run.report)
        .map_err(|err| ApiError::Internal(format!("stored import report unreadable: {err}")))?;
    report.replayed = true;
    Ok(Some(report))
}

/// Imports a batch of 专精特新 designations from CSV `source` for `actor` (a registrar of a bureau
/// competent for them), telling `progress` how far it is after each chunk.
pub async fn import_little_giants(
    db: &DatabaseConnection,
    actor: &Actor,
    options: ImportOptions,
    source: impl Read,
    progress: &mut (dyn FnMut(ImportProgress) + Send),
) -> ApiResult<ImportReport> {
    let account = actor.require("importCredentials")?;
    let bureau = account.own_bureau()?;
    let competence = super::bureau::competence_of(db, bureau.kind).await?;
    account.may_handle(CredentialKind::LittleGiant, &competence)?;
    let key = options
        .idempotency_key
        .as_deref()
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .map(str::to_owned);
    if let Some(key) = &key {
        if key.chars().count() > 128 {
            return Err(ApiError::bad_input(
                "idempotencyKey",
                Message::new("import-key-too-long"),
            ));
        }
        if let Some(report) = earlier(db, key).await? {
            return Ok(report);
        }
    }
    let mut report = ImportReport {
        batch: options.batch,
        dry_run: options.dry_run,
        replayed: false,
        rows: 0,
        imported: 0,
        errors: Vec::new(),
    };
    let mut reader = csv_reader(source, options.encoding).map_err(|err| {
        ApiError::bad_input(
            "file",
            Message::new("import-file-unreadable").with("detail", err.to_string()),
        )
    })?;
    let columns = match reader.headers() {
        Ok(header) => match Columns::from_header(header) {
            Ok(columns) => columns,
            Err(error) => {
                report.errors.push(error);
                return Ok(report);
            }
        },
        Err(err) => {
            return Err(ApiError::bad_input(
                "file",
                Message::new("import-header-unreadable").with("detail", err.to_string()),
            ));
        }
    };
    let announcement = match options.announcement {
        Some(id) => Some(
            announcement::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(|| ApiError::bad_input("announcementId", Message::new("no-such-announcement")))?,
        ),
        None => None,
    };
    let mut run = Run {
        actor: account,
        competence,
        granting: HashMap::new(),
        batch: options.batch,
        today: actor.today,
        now: Utc::now(),
        announcement,
    };
    // First every row is read and checked, with reads only: no write lock is taken yet.
    let mut records = reader.records();
    let mut checked = Vec::new();
    let mut keys_in_file = HashSet::new();
    loop {
        let mut chunk = Vec::with_capacity(CHUNK_ROWS);
        let mut exhausted = false;
        while chunk.len() < CHUNK_ROWS {
            let Some(record) = records.next() else {
                exhausted = true;
                break;
            };
            report.rows += 1;
            match record {
                Ok(record) => {
                    let line = record.position().map_or(report.rows + 1, |p| p.line());
                    match parse_row(&record, line, &columns, actor.today.year()) {
                        Ok(row) => chunk.push(row),
                        Err(errors) => report.errors.extend(errors),
                    }
                }
                Err(err) => report.errors.push(RowError {
                    line: err.position().map_or(report.rows + 1, |p| p.line()),
                    column: String::new(),
                    reason: Message::new("import-row-unreadable").with("detail", err.to_string()),
                }),
            }
        }
        if !chunk.is_empty() {
            let good = check_chunk(db, &mut run, chunk, &mut keys_in_file, &mut report.errors).await?;
            checked.extend(good);
        }
        progress(ImportProgress::Checked(report.rows));
        if exhausted {
            break;
        }
    }
    // Rows that fail to parse are reported as they are read, the others once their chunk is checked.
    report.errors.sort_by_key(|error| error.line);
    if options.dry_run || !report.errors.is_empty() {
        return Ok(report);
    }

    // Then the writes, the write lock taken up front.
    let txn = super::changes::begin(db).await?;
    let locked_at = std::time::Instant::now();
    let mut inserted = 0;
    let mut rows = checked.into_iter();
    loop {
        let chunk: Vec<Checked> = rows.by_ref().take(CHUNK_ROWS).collect();
        if chunk.is_empty() {
            break;
        }
        inserted += insert_chunk(&txn, &run, chunk, &mut report.errors).await?;
        progress(ImportProgress::Written(inserted));
    }
    if !report.errors.is_empty() {
        // Some keys were taken between the check and the lock: nothing is written.
        txn.rollback().await?;
        report.errors.sort_by_key(|error| error.line);
        return Ok(report);
    }
    report.imported = inserted;
    super::audit::record_change(
        &txn,
        account,
        actor.request_id.as_str(),
        IMPORT_ACTION,
        "credential",
        None,
        None,
        Some(serde_json::json!({
            "kind": CredentialKind::LittleGiant, "batch": options.batch, "imported": inserted,
            "idempotencyKey": key,
        })),
    )
    .await?;
    if let Some(key) = &key {
        let recorded = import_run::Entity::insert(
            import_run::Model {
                id: Uuid::now_v7(),
                idempotency_key: key.clone(),
                kind: CredentialKind::LittleGiant,
                batch: options.batch,
                actor_user_id: account.user_id,
                created_at: Utc::now(),
                report: serde_json::to_value(&report).unwrap_or_default(),
            }
            .into_active_model(),
        )
        .exec_without_returning(&txn)
        .await;
        if let Err(err) = recorded {
            // The same key committed by a concurrent submission: this one changes nothing.
            if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) {
                drop(txn);
                return earlier(db, key)
                    .await?
                    .ok_or_else(|| ApiError::Internal("import key vanished".to_owned()));
            }
            return Err(err.into());
        }
    }
    txn.commit().await?;
    tracing::info!(
        import.rows = inserted,
        import.write_lock_ms = locked_at.elapsed().as_millis() as u64,
        "import committed"
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_are_read_in_english_or_chinese() {
        assert_eq!(
            parse_tier("专精特新\u{201c}小巨人\u{201d}"),
            Some(LittleGiantTier::LittleGiant)
        );
        assert_eq!(
            parse_tier("specialized_sme"),
            Some(LittleGiantTier::SpecializedSme)
        );
        assert_eq!(
            parse_tier("市级专精特新中小企业"),
            Some(LittleGiantTier::SpecializedSme)
        );
        assert_eq!(parse_tier("巨人"), None);
    }

    #[test]
    fn gb18030_files_are_recognised() {
        let text = "统一社会信用代码,梯度\n91500000MA5U00000X,专精特新中小企业\n";
        let (bytes, _, _) = encoding_rs::GB18030.encode(text);
        let mut reader = csv_reader(&bytes[..], CsvEncoding::Auto).unwrap();
        assert_eq!(reader.headers().unwrap().get(1), Some("梯度"));
        let first = reader.records().next().unwrap().unwrap();
        assert_eq!(first.get(1), Some("专精特新中小企业"));
    }
}
