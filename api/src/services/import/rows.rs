//! The kinds of announcement list an import reads, their columns, and how one row of each is read.
//!
//! Column names are matched in English or Chinese, case and surrounding spaces ignored; other columns
//! are ignored. Enumerated values (tier, level, green kind) are read as the API's enum names or their
//! Chinese names. What a cell refers to (an enterprise, a person, an indication, a programme, a brand)
//! is looked up later, a chunk at a time; here each row is only read.

use entity::enums::{CredentialKind, GreenKind, Level, LittleGiantTier};

use super::RowError;
use crate::domain::Uscc;
use crate::i18n::Message;

/// The kinds of announcement list that can be imported; each has its CSV template, served at
/// `GET /templates/{kind}.csv` under the name `registry import --kind` takes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, async_graphql::Enum, clap::ValueEnum)]
#[graphql(name = "ImportListKind")]
pub enum ListKind {
    /// 专精特新 designations: `uscc`, `tier`; optional `name`, `year`.
    LittleGiant,
    /// Green-manufacturing lists (factories, parks, design products, supply chains): `green_kind`,
    /// `level`, `uscc` (not for a park), `subject_name` (the product or park), `region` (a park's region
    /// code); optional `name`, `year`.
    Green,
    /// Users of a geographic indication's special mark: `uscc`, `indication` (registration number or
    /// name), `level`; optional `name`, `year`.
    GiAuthorization,
    /// Quality-award winners, enterprises or persons: `programme` (code or name), and `uscc` for an
    /// enterprise or `identity_number` and `person_name` for a person (`uscc` then names the employer);
    /// optional `edition`, `citation`, `phone`, `name`, `year`.
    QualityAward,
    /// Chief quality officers: `identity_number`, `person_name`, `uscc` (the employer),
    /// `certificate_number`, `level`; optional `phone`, `name`, `year`. Personal data is audited.
    ChiefQualityOfficer,
    /// Licensees of a regional public brand: `brand` (name or trademark number), `uscc`, `level`;
    /// optional `name`, `year`.
    PublicBrandLicense,
}

impl ListKind {
    /// Every kind, in the order the templates are listed.
    pub const ALL: [Self; 6] = [
        Self::LittleGiant,
        Self::Green,
        Self::GiAuthorization,
        Self::QualityAward,
        Self::ChiefQualityOfficer,
        Self::PublicBrandLicense,
    ];

    /// The kind's name in `registry import --kind` and in its template's path.
    pub fn name(self) -> &'static str {
        match self {
            Self::LittleGiant => "little-giant",
            Self::Green => "green",
            Self::GiAuthorization => "gi-authorization",
            Self::QualityAward => "quality-award",
            Self::ChiefQualityOfficer => "chief-quality-officer",
            Self::PublicBrandLicense => "public-brand-license",
        }
    }

    /// The kind of the credentials the list proposes.
    pub fn credential_kind(self) -> CredentialKind {
        match self {
            Self::LittleGiant => CredentialKind::LittleGiant,
            Self::Green => CredentialKind::Green,
            Self::GiAuthorization => CredentialKind::GiAuthorization,
            Self::QualityAward => CredentialKind::QualityAward,
            Self::ChiefQualityOfficer => CredentialKind::ChiefQualityOfficer,
            Self::PublicBrandLicense => CredentialKind::BrandRecognition,
        }
    }

    /// The columns the kind reads, and whether each must be in the header.
    fn columns(self) -> &'static [(Column, bool)] {
        use Column::*;
        match self {
            Self::LittleGiant => &[(Uscc, true), (Tier, true), (Name, false), (Year, false)],
            Self::Green => &[
                (GreenKind, true),
                (Level, true),
                (Uscc, false),
                (SubjectName, false),
                (Region, false),
                (Name, false),
                (Year, false),
            ],
            Self::GiAuthorization => &[
                (Uscc, true),
                (Indication, true),
                (Level, true),
                (Name, false),
                (Year, false),
            ],
            Self::QualityAward => &[
                (Programme, true),
                (Uscc, false),
                (IdentityNumber, false),
                (PersonName, false),
                (Phone, false),
                (Edition, false),
                (Citation, false),
                (Name, false),
                (Year, false),
            ],
            Self::ChiefQualityOfficer => &[
                (IdentityNumber, true),
                (PersonName, true),
                (Uscc, true),
                (CertificateNumber, true),
                (Level, true),
                (Phone, false),
                (Name, false),
                (Year, false),
            ],
            Self::PublicBrandLicense => &[
                (Brand, true),
                (Uscc, true),
                (Level, true),
                (Name, false),
                (Year, false),
            ],
        }
    }
}

/// A column a list may have.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub(super) enum Column {
    Uscc,
    Name,
    Year,
    Tier,
    Level,
    GreenKind,
    SubjectName,
    Region,
    Indication,
    Programme,
    Edition,
    Citation,
    IdentityNumber,
    PersonName,
    Phone,
    CertificateNumber,
    Brand,
}

impl Column {
    /// The column's name in reports and templates.
    pub(super) fn name(self) -> &'static str {
        self.names()[0]
    }

    /// The longest text the column takes, in characters: what its database column holds, and for
    /// names and free text the limits of the API's own inputs.
    fn max_chars(self) -> usize {
        match self {
            Self::Phone => 32,
            Self::CertificateNumber => 64,
            Self::Citation => crate::services::MAX_TEXT_CHARS,
            _ => crate::services::MAX_NAME_CHARS,
        }
    }

    /// The header names the column is found under: English first, then Chinese.
    fn names(self) -> &'static [&'static str] {
        match self {
            Self::Uscc => &["uscc", "统一社会信用代码"],
            Self::Name => &["name", "企业名称", "名称"],
            Self::Year => &["year", "年度"],
            Self::Tier => &["tier", "梯度", "层级"],
            Self::Level => &["level", "级别"],
            Self::GreenKind => &["green_kind", "类别", "名单类别"],
            Self::SubjectName => &["subject_name", "产品名称", "园区名称"],
            Self::Region => &["region", "行政区划代码", "区划代码"],
            Self::Indication => &["indication", "地理标志", "地理标志登记号", "登记号"],
            Self::Programme => &["programme", "奖项", "奖项代码"],
            Self::Edition => &["edition", "届次"],
            Self::Citation => &["citation", "获奖事迹", "评语"],
            Self::IdentityNumber => &["identity_number", "身份证号", "公民身份号码"],
            Self::PersonName => &["person_name", "姓名"],
            Self::Phone => &["phone", "联系电话", "电话"],
            Self::CertificateNumber => &["certificate_number", "证书编号"],
            Self::Brand => &["brand", "区域公用品牌", "品牌"],
        }
    }
}

/// Where each column of a kind sits in the header.
pub(super) struct Header {
    positions: Vec<(Column, usize)>,
}

impl Header {
    /// Finds the kind's columns, or reports the required ones missing.
    pub(super) fn read(kind: ListKind, header: &csv::StringRecord) -> Result<Self, Vec<RowError>> {
        let cells: Vec<String> = header
            .iter()
            .map(|cell| cell.trim_start_matches('\u{feff}').trim().to_lowercase())
            .collect();
        let mut positions = Vec::new();
        let mut missing = Vec::new();
        for &(column, required) in kind.columns() {
            match cells
                .iter()
                .position(|cell| column.names().contains(&cell.as_str()))
            {
                Some(index) => positions.push((column, index)),
                None if required => missing.push(RowError {
                    line: 1,
                    column: column.name().to_owned(),
                    reason: Message::new("import-header-missing").with("column", column.name()),
                }),
                None => {}
            }
        }
        if missing.is_empty() {
            Ok(Self { positions })
        } else {
            Err(missing)
        }
    }
}

/// Who a row is about, as the list names it.
#[derive(Clone, Debug)]
pub(super) enum HolderText {
    /// A registered enterprise.
    Enterprise(Uscc),
    /// A person, registered or to be registered, working for the enterprise `employer`.
    Person {
        identity_number: String,
        name: String,
        phone: Option<String>,
        employer: Option<Uscc>,
    },
    /// A green industrial park in this region.
    Site(String),
}

/// The kind's own fields, references still as the list writes them.
#[derive(Clone, Debug)]
pub(super) enum DetailText {
    LittleGiant(LittleGiantTier),
    Green {
        green_kind: GreenKind,
        subject_name: Option<String>,
    },
    GiAuthorization {
        indication: String,
    },
    QualityAward {
        programme: String,
        edition: Option<i32>,
        citation: Option<String>,
    },
    ChiefQualityOfficer {
        certificate_number: String,
    },
    PublicBrandLicense {
        brand: String,
    },
}

/// A row that was read.
#[derive(Clone, Debug)]
pub(super) struct ListRow {
    pub(super) line: u64,
    pub(super) holder: HolderText,
    /// The enterprise's name as the list gives it, to check against the registry.
    pub(super) enterprise_name: Option<String>,
    pub(super) year: i32,
    pub(super) level: Option<Level>,
    pub(super) detail: DetailText,
}

/// Reads one record's cells, collecting every problem.
struct Cells<'a> {
    record: &'a csv::StringRecord,
    header: &'a Header,
    line: u64,
    errors: Vec<RowError>,
}

impl Cells<'_> {
    /// The cell of `column`, if the file has the column and the cell is not empty.
    fn text(&self, column: Column) -> Option<&str> {
        let (_, index) = self.header.positions.iter().find(|(c, _)| *c == column)?;
        self.record.get(*index).filter(|text| !text.is_empty())
    }

    fn fail(&mut self, column: Column, reason: Message) {
        self.errors.push(RowError {
            line: self.line,
            column: column.name().to_owned(),
            reason,
        });
    }

    /// The cell of a column every row must fill.
    fn required(&mut self, column: Column) -> Option<String> {
        let text = self.text(column).map(str::to_owned);
        if text.is_none() {
            self.fail(column, Message::new("import-cell-empty"));
        }
        text
    }

    /// The cell parsed by `parse`; `unknown` names the message for a value it does not know.
    fn parsed<T>(
        &mut self,
        column: Column,
        parse: fn(&str) -> Option<T>,
        unknown: &'static str,
    ) -> Option<T> {
        let text = self.required(column)?;
        let value = parse(&text);
        if value.is_none() {
            self.fail(column, Message::new(unknown).with("value", text));
        }
        value
    }

    fn uscc(&mut self, column: Column) -> Option<Uscc> {
        let text = self.required(column)?;
        Uscc::parse(&text)
            .map_err(|reason| self.fail(column, reason.message()))
            .ok()
    }

    fn number(
        &mut self,
        column: Column,
        range: std::ops::RangeInclusive<i32>,
        invalid: &'static str,
    ) -> Option<Option<i32>> {
        let Some(text) = self.text(column).map(str::to_owned) else {
            return Some(None);
        };
        match text.parse::<i32>().ok().filter(|n| range.contains(n)) {
            Some(number) => Some(Some(number)),
            None => {
                self.fail(column, Message::new(invalid).with("value", text));
                None
            }
        }
    }

    fn person(&mut self, employer: Option<Uscc>) -> Option<HolderText> {
        let identity = self.required(Column::IdentityNumber);
        let identity_number = identity.and_then(|text| {
            crate::domain::identity_number::parse(&text)
                .map_err(|reason| self.fail(Column::IdentityNumber, reason))
                .ok()
        });
        let name = self.required(Column::PersonName);
        Some(HolderText::Person {
            identity_number: identity_number?,
            name: name?,
            phone: self.text(Column::Phone).map(str::to_owned),
            employer,
        })
    }
}

/// Reads one record of a `kind` list, or says every cell that is wrong; `this_year` is the default
/// year.
pub(super) fn parse_row(
    kind: ListKind,
    record: &csv::StringRecord,
    line: u64,
    header: &Header,
    this_year: i32,
) -> Result<ListRow, Vec<RowError>> {
    let mut cells = Cells {
        record,
        header,
        line,
        errors: Vec::new(),
    };
    let year = cells
        .number(Column::Year, 1990..=2100, "import-year-invalid")
        .map(|year| year.unwrap_or(this_year));
    let level = match kind {
        ListKind::LittleGiant | ListKind::QualityAward => Some(None),
        _ => cells
            .parsed(Column::Level, parse_level, "import-level-unknown")
            .map(Some),
    };
    let (holder, detail) = match kind {
        ListKind::LittleGiant => {
            let uscc = cells.uscc(Column::Uscc);
            let tier = cells.parsed(Column::Tier, parse_tier, "import-tier-unknown");
            (
                uscc.map(HolderText::Enterprise),
                tier.map(DetailText::LittleGiant),
            )
        }
        ListKind::Green => {
            let green_kind = cells.parsed(Column::GreenKind, parse_green_kind, "import-green-kind-unknown");
            let subject_name = cells.text(Column::SubjectName).map(str::to_owned);
            let holder = match green_kind {
                Some(GreenKind::IndustrialPark) => cells.required(Column::Region).map(HolderText::Site),
                _ => cells.uscc(Column::Uscc).map(HolderText::Enterprise),
            };
            let detail = green_kind.map(|green_kind| DetailText::Green {
                green_kind,
                subject_name,
            });
            (holder, detail)
        }
        ListKind::GiAuthorization => {
            let uscc = cells.uscc(Column::Uscc);
            let indication = cells.required(Column::Indication);
            (
                uscc.map(HolderText::Enterprise),
                indication.map(|indication| DetailText::GiAuthorization { indication }),
            )
        }
        ListKind::QualityAward => {
            let programme = cells.required(Column::Programme);
            let edition = cells.number(Column::Edition, 1..=1000, "import-edition-invalid");
            let citation = cells.text(Column::Citation).map(str::to_owned);
            // A person's row names the person; its `uscc`, if any, is the employer's.
            let holder = if cells.text(Column::IdentityNumber).is_some() {
                let employer = match cells.text(Column::Uscc) {
                    Some(_) => cells.uscc(Column::Uscc),
                    None => None,
                };
                cells.person(employer)
            } else {
                cells.uscc(Column::Uscc).map(HolderText::Enterprise)
            };
            let detail = match (programme, edition) {
                (Some(programme), Some(edition)) => Some(DetailText::QualityAward {
                    programme,
                    edition,
                    citation,
                }),
                _ => None,
            };
            (holder, detail)
        }
        ListKind::ChiefQualityOfficer => {
            let employer = cells.uscc(Column::Uscc);
            let holder = cells.person(employer.clone());
            let certificate = cells.required(Column::CertificateNumber);
            let holder = holder.filter(|_| employer.is_some());
            (
                holder,
                certificate.map(|certificate_number| DetailText::ChiefQualityOfficer { certificate_number }),
            )
        }
        ListKind::PublicBrandLicense => {
            let brand = cells.required(Column::Brand);
            let uscc = cells.uscc(Column::Uscc);
            (
                uscc.map(HolderText::Enterprise),
                brand.map(|brand| DetailText::PublicBrandLicense { brand }),
            )
        }
    };
    let enterprise_name = cells.text(Column::Name).map(str::to_owned);
    for &(column, index) in &header.positions {
        let length = record.get(index).map_or(0, |text| text.chars().count());
        if length > column.max_chars() {
            cells.fail(
                column,
                Message::new("value-too-long")
                    .with("max", column.max_chars())
                    .with("length", length),
            );
        }
    }
    match (holder, detail, year, level) {
        (Some(holder), Some(detail), Some(year), Some(level)) if cells.errors.is_empty() => Ok(ListRow {
            line,
            holder,
            enterprise_name,
            year,
            level,
            detail,
        }),
        _ => Err(cells.errors),
    }
}

/// A value as written in a list: quotes, brackets and spaces dropped, upper-cased.
fn folded(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '"' | '“' | '”' | '「' | '」' | ' ' | '　'))
        .collect::<String>()
        .to_uppercase()
}

/// A tier: the enum name or its Chinese name.
pub(super) fn parse_tier(text: &str) -> Option<LittleGiantTier> {
    Some(match folded(text).as_str() {
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

/// A level: the enum name or its Chinese name.
fn parse_level(text: &str) -> Option<Level> {
    Some(match folded(text).as_str() {
        "NATIONAL" | "国家级" | "国家" => Level::National,
        "PROVINCIAL" | "省级" | "省" => Level::Provincial,
        "PREFECTURAL" | "市级" | "地市级" | "市" => Level::Prefectural,
        "COUNTY" | "县级" | "区县级" | "县" => Level::County,
        _ => return None,
    })
}

/// A green list's kind: the enum name or its Chinese name.
fn parse_green_kind(text: &str) -> Option<GreenKind> {
    Some(match folded(text).as_str() {
        "FACTORY" | "绿色工厂" => GreenKind::Factory,
        "INDUSTRIAL_PARK" | "绿色园区" | "绿色工业园区" => GreenKind::IndustrialPark,
        "DESIGN_PRODUCT" | "绿色设计产品" => GreenKind::DesignProduct,
        "SUPPLY_CHAIN" | "绿色供应链" | "绿色供应链管理企业" => GreenKind::SupplyChain,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_in_english_or_chinese() {
        assert_eq!(
            parse_tier("专精特新\u{201c}小巨人\u{201d}"),
            Some(LittleGiantTier::LittleGiant)
        );
        assert_eq!(
            parse_tier("specialized_sme"),
            Some(LittleGiantTier::SpecializedSme)
        );
        assert_eq!(parse_tier("巨人"), None);
        assert_eq!(parse_level("省级"), Some(Level::Provincial));
        assert_eq!(parse_green_kind("绿色工厂"), Some(GreenKind::Factory));
        assert_eq!(parse_green_kind("工厂"), None);
    }

    #[test]
    fn a_person_row_reports_every_bad_cell() {
        let header = csv::StringRecord::from(vec![
            "identity_number",
            "person_name",
            "uscc",
            "certificate_number",
            "level",
        ]);
        let header = Header::read(ListKind::ChiefQualityOfficer, &header).unwrap();
        let record = csv::StringRecord::from(vec!["12345", "", "X", "", "省级"]);
        let errors = parse_row(ListKind::ChiefQualityOfficer, &record, 2, &header, 2026).unwrap_err();
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(
            columns,
            ["uscc", "identity_number", "person_name", "certificate_number"]
        );
    }

    #[test]
    fn a_cell_longer_than_its_column_holds_is_reported() {
        let header = csv::StringRecord::from(vec!["uscc", "tier", "name"]);
        let header = Header::read(ListKind::LittleGiant, &header).unwrap();
        let long_name = "长".repeat(201);
        let uscc = Uscc::with_check_character("91500000MA5U00000")
            .unwrap()
            .to_string();
        let record = csv::StringRecord::from(vec![uscc.as_str(), "SPECIALIZED_SME", long_name.as_str()]);
        let errors = parse_row(ListKind::LittleGiant, &record, 2, &header, 2026).unwrap_err();
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(columns, ["name"]);
    }
}
