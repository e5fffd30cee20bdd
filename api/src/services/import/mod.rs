//! Batch import of an announcement list from CSV, of any kind `rows::ListKind` names (专精特新 tiers,
//! green lists, GI mark users, quality awards, chief quality officers, public-brand licensees): the
//! same proposal rules (`proposal::resolve`) and access policy as a single proposal, row by row, for
//! the CLI (`registry import`) and the `importCredentials` upload alike.
//!
//! - All rows or none: the report names every bad row (line, column, reason), not just the first, and
//!   nothing is written unless every row is good. A dry run checks the same way and writes nothing.
//! - Checked first, written after: the whole file is read and checked (reads only) before the write
//!   transaction begins, so on SQLite the single write lock is held only to re-check the keys held in
//!   the meantime and insert; other writers wait for that, not for parsing. The file is read a chunk at
//!   a time; the checked rows wait between the phases in an unnamed temporary file (`spill`), so
//!   memory holds one chunk, not the file. Checks are set-based per
//!   chunk (one query per table the rows name: enterprises, persons, held keys, prerequisite tiers, …;
//!   an indication, programme or brand named by text is looked up once per import), so the statement
//!   count grows with chunks, not rows.
//! - Idempotency: a committed import is recorded under its key; the same key again returns the first
//!   report and changes nothing.
//! - Imported rows are proposals handed in for review (`SUBMITTED`), proposed by the importing
//!   registrar; one audit event records the import.
//! - Persons (award winners, chief quality officers) are matched by identity number; one not yet
//!   registered is registered where its employer is, with its own `CREATE_PERSON` audit event that
//!   records which personal data was given, never its value.
//!
//! Columns: see [`ListKind`] and the templates in `api/templates/`. Text in UTF-8 or GB18030.

mod rows;
mod spill;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};

use chrono::{Datelike, NaiveDate, Utc};
use entity::{
    announcement, award_program, brand, bureau, credential, enterprise, enterprise_former_name,
    enums::{AnnouncedAct, BrandKind, BrandRecognitionKind, CredentialKind, CredentialStatus, Level},
    geographic_indication, import_run, person,
};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    EntityTrait, IntoActiveModel, QueryFilter, QuerySelect,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use rows::ListKind;
use rows::{Column, DetailText, Header, HolderText, ListRow, parse_row};

use super::proposal::{Detail, HolderInput, Lookups, Proposal, Resolved, exclusive_key, resolve};
use crate::actor::Actor;
use crate::domain::Uscc;
use crate::domain::text::fold;
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
    /// What the list holds.
    pub kind: ListKind,
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

/// What stays the same for every chunk of one import, and what one chunk tells the next.
struct Run<'a> {
    kind: ListKind,
    actor: &'a Account,
    competence: Vec<CredentialKind>,
    /// The granting bureau for each level the actor may propose at, resolved once.
    granting: HashMap<Level, Option<bureau::Model>>,
    batch: i32,
    today: NaiveDate,
    now: chrono::DateTime<Utc>,
    /// The announcement every row is granted by.
    announcement: Option<announcement::Model>,
    /// Indications, programmes and brands as the list names them, each looked up once.
    references: HashMap<String, Result<Uuid, Message>>,
    /// The persons this import registers, by identity number: a person listed twice is one person.
    new_persons: HashMap<String, person::Model>,
    /// The exclusive keys of the rows so far: the same credential twice in the file is an error.
    keys_in_file: HashSet<String>,
    /// The certificate numbers of the rows so far.
    certificates_in_file: HashSet<String>,
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

    /// The id of the indication, programme or brand a cell names (by registration number, code or
    /// trademark number, or by name), or why there is none.
    async fn reference(
        &mut self,
        db: &impl ConnectionTrait,
        detail: &DetailText,
    ) -> ApiResult<Result<Uuid, Message>> {
        let (text, condition) = match detail {
            DetailText::GiAuthorization { indication } => (
                indication,
                Condition::any()
                    .add(geographic_indication::Column::RegistrationNumber.eq(indication.as_str()))
                    .add(geographic_indication::Column::NameNormalized.eq(fold(indication))),
            ),
            DetailText::QualityAward { programme, .. } => (
                programme,
                Condition::any()
                    .add(award_program::Column::Code.eq(programme.as_str()))
                    .add(award_program::Column::Name.eq(programme.as_str())),
            ),
            DetailText::PublicBrandLicense { brand } => (
                brand,
                Condition::all()
                    .add(brand::Column::Kind.eq(BrandKind::RegionalPublic))
                    .add(
                        Condition::any()
                            .add(brand::Column::TrademarkNumber.eq(brand.as_str()))
                            .add(brand::Column::NameNormalized.eq(fold(brand))),
                    ),
            ),
            DetailText::LittleGiant(_)
            | DetailText::Green { .. }
            | DetailText::ChiefQualityOfficer { .. } => {
                return Err(ApiError::Internal("a list kind without references".to_owned()));
            }
        };
        if let Some(found) = self.references.get(text) {
            return Ok(found.clone());
        }
        let ids: Vec<Uuid> = match detail {
            DetailText::GiAuthorization { .. } => {
                ids_of::<geographic_indication::Entity>(db, geographic_indication::Column::Id, condition)
                    .await?
            }
            DetailText::QualityAward { .. } => {
                ids_of::<award_program::Entity>(db, award_program::Column::Id, condition).await?
            }
            _ => ids_of::<brand::Entity>(db, brand::Column::Id, condition).await?,
        };
        let found = match ids.as_slice() {
            [id] => Ok(*id),
            [] => Err(Message::new("import-reference-unknown").with("value", text.as_str())),
            _ => Err(Message::new("import-reference-ambiguous")
                .with("value", text.as_str())
                .with("count", ids.len())),
        };
        self.references.insert(text.clone(), found.clone());
        Ok(found)
    }
}

/// The ids (column `id`) of `E`'s rows that meet `condition`: at most a few, a name shared by
/// several records.
async fn ids_of<E: EntityTrait>(
    db: &impl ConnectionTrait,
    id: E::Column,
    condition: Condition,
) -> ApiResult<Vec<Uuid>> {
    Ok(E::find()
        .select_only()
        .column(id)
        .filter(condition)
        .limit(10)
        .into_tuple::<Uuid>()
        .all(db)
        .await?)
}

/// A row that passed every check, ready to insert.
#[derive(Serialize, Deserialize)]
struct Checked {
    line: u64,
    /// The column that names the holder, where a held key is reported.
    holder_column: Column,
    model: credential::Model,
    detail: Detail,
}

/// The column that names a row's holder.
fn holder_column(row: &ListRow) -> Column {
    match &row.holder {
        HolderText::Enterprise(_) => Column::Uscc,
        HolderText::Person { .. } => Column::IdentityNumber,
        HolderText::Site(_) => Column::Region,
    }
}

/// The column of a row that a proposal rule's error about `field` points at.
fn column_of(field: &[String], row: &ListRow) -> &'static str {
    let column = match field.last().map(String::as_str).unwrap_or_default() {
        // The only rule about a little giant's holder is the ladder: the tier is at fault.
        "holderId" if matches!(row.detail, DetailText::LittleGiant(_)) => Column::Tier,
        "regionCode" => Column::Region,
        "brandId" => Column::Brand,
        "geographicIndicationId" => Column::Indication,
        "programId" => Column::Programme,
        "employerId" => Column::Uscc,
        "subjectName" => Column::SubjectName,
        "certificateNumber" => Column::CertificateNumber,
        "level" => Column::Level,
        "year" => Column::Year,
        _ => holder_column(row),
    };
    column.name()
}

/// The registry's records a chunk's rows name by code: enterprises by USCC, persons by identity
/// number (one query each).
struct Named {
    enterprises: HashMap<String, enterprise::Model>,
    persons: HashMap<String, person::Model>,
}

impl Named {
    async fn load(db: &impl ConnectionTrait, rows: &[ListRow]) -> ApiResult<Self> {
        let backend = db.get_database_backend();
        let mut codes = Vec::new();
        let mut identities = Vec::new();
        for row in rows {
            match &row.holder {
                HolderText::Enterprise(uscc) => codes.push(uscc.to_string()),
                HolderText::Person {
                    identity_number,
                    employer,
                    ..
                } => {
                    identities.push(identity_number.clone());
                    codes.extend(employer.as_ref().map(Uscc::to_string));
                }
                HolderText::Site(_) => {}
            }
        }
        let enterprises = enterprise::Entity::find()
            .filter(one_of(backend, enterprise::Column::Uscc, codes))
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.uscc.clone(), e))
            .collect();
        let persons = if identities.is_empty() {
            HashMap::new()
        } else {
            person::Entity::find()
                .filter(one_of(backend, person::Column::IdentityNumber, identities))
                .all(db)
                .await?
                .into_iter()
                .filter_map(|p| p.identity_number.clone().map(|number| (number, p)))
                .collect()
        };
        Ok(Self { enterprises, persons })
    }
}

/// A row turned into a proposal: its references looked up, its persons found or about to be
/// registered.
struct Proposed {
    row: ListRow,
    proposal: Proposal,
}

/// Looks up what `row` names; says which cell names nothing registered.
async fn propose_row(
    db: &impl ConnectionTrait,
    run: &mut Run<'_>,
    named: &Named,
    row: ListRow,
) -> ApiResult<Result<Proposed, RowError>> {
    let error = |column: Column, reason: Message| RowError {
        line: row.line,
        column: column.name().to_owned(),
        reason,
    };
    let registered = |uscc: &Uscc| named.enterprises.get(uscc.as_str());
    let mut employer_id = None;
    let holder = match &row.holder {
        HolderText::Enterprise(uscc) => match registered(uscc) {
            Some(holder) => HolderInput::Enterprise(holder.id),
            None => return Ok(Err(error(Column::Uscc, Message::new("import-uscc-unregistered")))),
        },
        HolderText::Site(region) => HolderInput::Site(region.clone()),
        HolderText::Person {
            identity_number,
            name,
            phone,
            employer,
        } => {
            let employer = match employer {
                Some(uscc) => match registered(uscc) {
                    Some(found) => Some(found),
                    None => return Ok(Err(error(Column::Uscc, Message::new("import-uscc-unregistered")))),
                },
                None => None,
            };
            employer_id = employer.map(|e| e.id);
            let known = named
                .persons
                .get(identity_number)
                .or_else(|| run.new_persons.get(identity_number));
            match (known, employer) {
                (Some(person), _) if person.name_normalized != fold(name) => {
                    return Ok(Err(error(
                        Column::PersonName,
                        Message::new("import-person-name-differs"),
                    )));
                }
                (Some(person), _) => HolderInput::Person(person.id),
                (None, None) => {
                    return Ok(Err(error(
                        Column::Uscc,
                        Message::new("import-person-needs-employer"),
                    )));
                }
                (None, Some(employer)) => {
                    let person = new_person_row(name, identity_number, phone.clone(), employer, run.now);
                    let id = person.id;
                    run.new_persons.insert(identity_number.clone(), person);
                    HolderInput::Person(id)
                }
            }
        }
    };
    let detail = match &row.detail {
        DetailText::LittleGiant(tier) => Detail::LittleGiant { tier: *tier },
        DetailText::Green {
            green_kind,
            subject_name,
        } => Detail::Green {
            green_kind: *green_kind,
            subject_name: subject_name.clone(),
        },
        DetailText::ChiefQualityOfficer { certificate_number } => Detail::ChiefQualityOfficer {
            certificate_number: certificate_number.clone(),
            employer_id: employer_id.unwrap_or_default(),
        },
        referring => {
            let id = match run.reference(db, referring).await? {
                Ok(id) => id,
                Err(reason) => {
                    let column = match referring {
                        DetailText::GiAuthorization { .. } => Column::Indication,
                        DetailText::QualityAward { .. } => Column::Programme,
                        _ => Column::Brand,
                    };
                    return Ok(Err(error(column, reason)));
                }
            };
            match referring {
                DetailText::GiAuthorization { .. } => Detail::GiAuthorization { gi_id: id },
                DetailText::QualityAward {
                    edition, citation, ..
                } => Detail::QualityAward {
                    program_id: id,
                    edition: *edition,
                    citation: citation.clone(),
                },
                _ => Detail::BrandRecognition {
                    brand_id: id,
                    recognition_kind: BrandRecognitionKind::PublicBrandLicense,
                },
            }
        }
    };
    let proposal = Proposal {
        holder,
        level: row.level,
        batch: Some(run.batch),
        year: Some(row.year),
        detail,
    };
    Ok(Ok(Proposed { row, proposal }))
}

/// A person the list names who is not registered yet, registered where the employer is.
fn new_person_row(
    name: &str,
    identity_number: &str,
    phone: Option<String>,
    employer: &enterprise::Model,
    now: chrono::DateTime<Utc>,
) -> person::Model {
    let forms = crate::domain::name_forms::NameForms::of(name, None);
    person::Model {
        id: Uuid::now_v7(),
        created_at: now,
        updated_at: now,
        version: 1,
        name: name.to_owned(),
        name_normalized: forms.normalized,
        name_pinyin: forms.pinyin,
        name_grams: forms.grams,
        identity_number: Some(identity_number.to_owned()),
        phone,
        employer_id: Some(employer.id),
        region_code: employer.region_code.clone(),
    }
}

/// Checks one chunk of read rows against the registry (reads only) and returns the good ones: the
/// same rules and policy as a single proposal's, looked up a chunk at a time.
async fn check_chunk(
    db: &impl ConnectionTrait,
    run: &mut Run<'_>,
    rows: Vec<ListRow>,
    errors: &mut Vec<RowError>,
) -> ApiResult<Vec<Checked>> {
    let named = Named::load(db, &rows).await?;
    let mut proposed = Vec::with_capacity(rows.len());
    for row in rows {
        match propose_row(db, run, &named, row).await? {
            Ok(row) => proposed.push(row),
            Err(error) => errors.push(error),
        }
    }
    // The rules read what the proposals name; what this chunk already loaded is not read again.
    let mut known = Lookups::default();
    known
        .enterprises
        .extend(named.enterprises.values().map(|e| (e.id, e.clone())));
    known
        .persons
        .extend(named.persons.into_values().map(|p| (p.id, p)));
    for Proposed { row, .. } in &proposed {
        if let HolderText::Person { identity_number, .. } = &row.holder
            && let Some(person) = run.new_persons.get(identity_number)
        {
            known.persons.insert(person.id, person.clone());
        }
    }
    let proposals: Vec<&Proposal> = proposed.iter().map(|p| &p.proposal).collect();
    let found = known.load(db, run.today, &proposals).await?;
    // A list published before a rename names the enterprise as it was then.
    let former_names: HashSet<(Uuid, String)> = enterprise_former_name::Entity::find()
        .filter(enterprise_former_name::Column::EnterpriseId.is_in(named.enterprises.values().map(|e| e.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|former| (former.enterprise_id, former.name_normalized))
        .collect();

    let mut accepted: Vec<Checked> = Vec::with_capacity(proposed.len());
    for Proposed { row, proposal } in proposed {
        let error = |column: &str, reason: Message| RowError {
            line: row.line,
            column: column.to_owned(),
            reason,
        };
        let resolved = match resolve(&proposal, &found) {
            Ok(resolved) => resolved,
            Err(rule_errors) => {
                errors.extend(
                    rule_errors
                        .into_iter()
                        .map(|e| error(column_of(&e.field, &row), e.message)),
                );
                continue;
            }
        };
        let holder_column = holder_column(&row);
        if let (HolderInput::Enterprise(id), Some(name)) = (&proposal.holder, row.enterprise_name.as_deref())
            && let Some(holder) = found.enterprises.get(id)
            && fold(name) != holder.name_normalized
            && !former_names.contains(&(holder.id, fold(name)))
        {
            errors.push(error(
                Column::Name.name(),
                Message::new("import-name-differs").with("name", &holder.name),
            ));
            continue;
        }
        // The same rules as a single proposal's: the access policy's, then the ladder.
        if let Err(refusal) = run.actor.may_propose(
            run.kind.credential_kind(),
            resolved.level,
            &resolved.region_code,
            &run.competence,
        ) {
            errors.push(error(holder_column.name(), refusal.message));
            continue;
        }
        let Some(granting_bureau_id) = run.granting_bureau(db, resolved.level).await? else {
            errors.push(error(
                holder_column.name(),
                Message::new("import-no-bureau-above"),
            ));
            continue;
        };
        if let Some(announcement) = &run.announcement
            && announcement.issuing_bureau_id != granting_bureau_id
        {
            errors.push(error(
                holder_column.name(),
                Message::new("announcement-other-bureau").with("document", &announcement.document_number),
            ));
            continue;
        }
        let mut model = proposed_credential(&proposal, &resolved, granting_bureau_id, run);
        let key = exclusive_key(&model, &proposal.detail);
        if !run.keys_in_file.insert(key.clone()) {
            errors.push(error(holder_column.name(), Message::new("import-row-twice")));
            continue;
        }
        if let Detail::ChiefQualityOfficer {
            certificate_number, ..
        } = &proposal.detail
            && !run
                .certificates_in_file
                .insert(certificate_number.trim().to_owned())
        {
            errors.push(error(
                Column::CertificateNumber.name(),
                Message::new("import-certificate-twice"),
            ));
            continue;
        }
        model.exclusive_key = Some(key);
        accepted.push(Checked {
            line: row.line,
            holder_column,
            model,
            detail: proposal.detail,
        });
    }

    without_held_keys(db, accepted, errors).await
}

/// The credential a checked row proposes, submitted for review.
fn proposed_credential(
    proposal: &Proposal,
    resolved: &Resolved,
    granting_bureau_id: Uuid,
    run: &Run<'_>,
) -> credential::Model {
    let blank = super::credential::Blank {
        kind: run.kind.credential_kind(),
        level: resolved.level,
        granting_bureau_id,
        region_code: resolved.region_code.clone(),
        status: CredentialStatus::Submitted,
        now: run.now,
    };
    let (holder_enterprise_id, holder_person_id) = match &proposal.holder {
        HolderInput::Enterprise(id) => (Some(*id), None),
        HolderInput::Person(id) => (None, Some(*id)),
        HolderInput::Site(_) => (None, None),
    };
    credential::Model {
        holder_enterprise_id,
        holder_person_id,
        batch: proposal.batch,
        year: proposal.year,
        proposed_by: Some(run.actor.user_id),
        ..blank.row()
    }
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
        column: row.holder_column.name().to_owned(),
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
    let fresh = without_held_keys(txn, rows, errors).await?;
    let inserted = fresh.len() as u64;
    if fresh.is_empty() {
        return Ok(0);
    }
    let changes = fresh
        .iter()
        .map(|row| super::changes::Published::credential(IMPORT_ACTION, &row.model));
    super::changes::publish_all(txn, changes).await?;
    let announced: Vec<(Uuid, AnnouncedAct)> = match &run.announcement {
        Some(_) => fresh
            .iter()
            .map(|row| (row.model.id, AnnouncedAct::Grant))
            .collect(),
        None => Vec::new(),
    };
    let (credentials, details): (Vec<credential::Model>, Vec<(Uuid, Detail)>) = fresh
        .into_iter()
        .map(|row| {
            let id = row.model.id;
            (row.model, (id, row.detail))
        })
        .unzip();
    if txn.get_database_backend() == DbBackend::Postgres {
        insert_unnested(txn, run, credentials).await?;
    } else {
        super::proposal::insert_rows::<credential::Entity>(txn, credentials).await?;
    }
    Detail::insert_all(txn, details).await?;
    if let Some(announcement) = &run.announcement {
        super::announcement::announce_all(txn, announcement.id, announced).await?;
    }
    Ok(inserted)
}

/// Registers the persons the list names who were not registered, each with its audit event (which
/// records that an identity number and phone were given, never their values).
async fn register_persons(
    txn: &DatabaseTransaction,
    actor: &Actor,
    account: &Account,
    persons: Vec<person::Model>,
) -> ApiResult<()> {
    let mut persons = persons.into_iter().peekable();
    while persons.peek().is_some() {
        let chunk: Vec<person::Model> = persons.by_ref().take(CHUNK_ROWS).collect();
        let created = chunk
            .iter()
            .map(|person| (person.id, super::person::snapshot(person)))
            .collect();
        super::audit::record_creations(
            txn,
            account,
            actor.request_id.as_str(),
            "CREATE_PERSON",
            "person",
            created,
        )
        .await?;
        super::proposal::insert_rows::<person::Entity>(txn, chunk).await?;
    }
    Ok(())
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
/// named. A holder that is not an enterprise or not a person is an empty text, stored as null.
async fn insert_unnested(
    txn: &DatabaseTransaction,
    run: &Run<'_>,
    fresh: Vec<credential::Model>,
) -> ApiResult<()> {
    use sea_orm::{Statement, Value};
    let mut ids = Vec::with_capacity(fresh.len());
    let mut enterprises = Vec::with_capacity(fresh.len());
    let mut persons = Vec::with_capacity(fresh.len());
    let mut levels = Vec::with_capacity(fresh.len());
    let mut bureaus = Vec::with_capacity(fresh.len());
    let mut regions = Vec::with_capacity(fresh.len());
    let mut years = Vec::with_capacity(fresh.len());
    let mut keys = Vec::with_capacity(fresh.len());
    let holder = |id: Option<Uuid>| id.map(|id| id.to_string()).unwrap_or_default();
    for model in fresh {
        ids.push(model.id);
        enterprises.push(holder(model.holder_enterprise_id));
        persons.push(holder(model.holder_person_id));
        levels.push(model.level.to_value());
        bureaus.push(model.granting_bureau_id);
        regions.push(model.region_code);
        years.push(model.year.unwrap_or_default());
        keys.push(model.exclusive_key.unwrap_or_default());
    }
    let credentials = Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO credential (id, created_at, updated_at, version, kind, holder_enterprise_id, \
         holder_person_id, level, granting_bureau_id, region_code, status, batch, year, proposed_by, \
         exclusive_key) \
         SELECT u.id, $1, $1, 1, $2, NULLIF(u.enterprise, '')::uuid, NULLIF(u.person, '')::uuid, u.level, \
         u.bureau, u.region, $3, $4, u.year, $5, u.key \
         FROM UNNEST($6::uuid[], $7::text[], $8::text[], $9::text[], $10::uuid[], $11::text[], $12::int[], \
         $13::text[]) AS u(id, enterprise, person, level, bureau, region, year, key)",
        [
            Value::from(run.now),
            Value::from(run.kind.credential_kind().to_value()),
            Value::from(CredentialStatus::Submitted.to_value()),
            Value::from(run.batch),
            Value::from(run.actor.user_id),
            Value::from(ids),
            Value::from(enterprises),
            Value::from(persons),
            Value::from(levels),
            Value::from(bureaus),
            Value::from(regions),
            Value::from(years),
            Value::from(keys),
        ],
    );
    txn.execute_raw(credentials).await?;
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

/// Imports a list of `options.kind` from CSV `source` for `actor` (a registrar of a bureau competent
/// for the kind), telling `progress` how far it is after each chunk.
pub async fn import_list(
    db: &DatabaseConnection,
    actor: &Actor,
    options: ImportOptions,
    source: impl Read,
    progress: &mut (dyn FnMut(ImportProgress) + Send),
) -> ApiResult<ImportReport> {
    let account = actor.require("importCredentials")?;
    let bureau = account.own_bureau()?;
    let competence = super::bureau::competence_of(db, bureau.kind).await?;
    account.may_handle(options.kind.credential_kind(), &competence)?;
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
    let header = match reader.headers() {
        Ok(header) => match Header::read(options.kind, header) {
            Ok(header) => header,
            Err(errors) => {
                report.errors = errors;
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
        kind: options.kind,
        actor: account,
        competence,
        granting: HashMap::new(),
        batch: options.batch,
        today: actor.today,
        now: Utc::now(),
        announcement,
        references: HashMap::new(),
        new_persons: HashMap::new(),
        keys_in_file: HashSet::new(),
        certificates_in_file: HashSet::new(),
    };
    // First every row is read and checked, with reads only: no write lock is taken yet.
    let mut records = reader.records();
    let mut checked = spill::Spill::new()?;
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
                    match parse_row(options.kind, &record, line, &header, actor.today.year()) {
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
            let good = check_chunk(db, &mut run, chunk, &mut report.errors).await?;
            // Once a row is bad (or on a dry run) nothing will be written: the rest is only checked.
            if report.errors.is_empty() && !options.dry_run {
                checked.extend(&good)?;
            }
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
    let new_persons: Vec<person::Model> = std::mem::take(&mut run.new_persons).into_values().collect();
    register_persons(&txn, actor, account, new_persons).await?;
    let mut inserted = 0;
    for chunk in checked.chunks(CHUNK_ROWS)? {
        inserted += insert_chunk(&txn, &run, chunk?, &mut report.errors).await?;
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
            "kind": options.kind.credential_kind(), "list": options.kind.name(), "batch": options.batch, "imported": inserted,
            "idempotencyKey": key,
        })),
    )
    .await?;
    if let Some(key) = &key {
        let recorded = import_run::Entity::insert(
            import_run::Model {
                id: Uuid::now_v7(),
                idempotency_key: key.clone(),
                kind: options.kind.credential_kind(),
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
    fn gb18030_files_are_recognised() {
        let text = "统一社会信用代码,梯度\n91500000MA5U00000X,专精特新中小企业\n";
        let (bytes, _, _) = encoding_rs::GB18030.encode(text);
        let mut reader = csv_reader(&bytes[..], CsvEncoding::Auto).unwrap();
        assert_eq!(reader.headers().unwrap().get(1), Some("梯度"));
        let first = reader.records().next().unwrap().unwrap();
        assert_eq!(first.get(1), Some("专精特新中小企业"));
    }
}
