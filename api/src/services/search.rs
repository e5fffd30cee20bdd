//! `search`: one box across enterprises, brands, geographic indications and persons, as agencies and
//! frontends' autocomplete use it. A hit is a name (or former name, pinyin spelling or USCC) that equals
//! the query, starts with it or contains it, in that order of rank; within a rank, names in order. Each
//! class is its own indexed query, so the best hits are found without ranking every match. (Ranking
//! shorter names first within a class was tried: no index serves it for a term common in long names,
//! such as an industry's, so it read every match.)
//!
//! Pages are offsets into the ranked list, at most [`MAX_DEPTH`] hits deep: search is for finding, and
//! a longer list is better served by a filtered list (`enterprises(filter: …)`).

use std::collections::HashMap;

use entity::{brand, enterprise, enterprise_former_name, geographic_indication as gi, person};
use sea_orm::sea_query::{Expr, ExprTrait, SelectStatement, UnionType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
};
use uuid::Uuid;

use super::{Branch, GramKey, GramWeights, among_first, contains, indexed_like, starts_with};
use crate::domain::name_forms::NameForms;
use crate::domain::{pinyin, text};
use crate::error::{ApiError, ApiResult};
use crate::i18n::Message;
use crate::policy::Viewer;

/// How deep into the ranked hits a page may start.
pub const MAX_DEPTH: u64 = 1_000;

/// What a search looks through.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, async_graphql::Enum)]
#[graphql(name = "SearchKind")]
pub enum Kind {
    /// Enterprises (企业), by name, former name, pinyin or USCC.
    Enterprise,
    /// Brands (品牌), by name or pinyin.
    Brand,
    /// Geographic indications (地理标志), by name or pinyin.
    GeographicIndication,
    /// Persons (award recipients, chief quality officers) the caller may see, by name or pinyin.
    Person,
}

/// How much of the matched text the query covers; hits rank in this order.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, async_graphql::Enum)]
#[graphql(name = "SearchMatchClass")]
pub enum MatchClass {
    /// The whole text is the query.
    Exact,
    /// The text starts with the query.
    Prefix,
    /// The text contains the query.
    Infix,
}

/// Which field of the hit the query matched.
#[derive(Copy, Clone, Debug, PartialEq, Eq, async_graphql::Enum)]
#[graphql(name = "SearchMatchedField")]
pub enum MatchedField {
    /// The current name (曾用名 excluded), in either script.
    Name,
    /// A name the enterprise had before (曾用名).
    FormerName,
    /// A pinyin spelling of the name, in full or as initials.
    Pinyin,
    /// The unified social credit code (by its start).
    Uscc,
}

/// A row a search found.
#[derive(Clone, Debug)]
pub enum Found {
    Enterprise(enterprise::Model),
    Brand(brand::Model),
    GeographicIndication(gi::Model),
    Person(person::Model),
}

/// One ranked hit: the row, and what of it matched how.
#[derive(Clone, Debug)]
pub struct Hit {
    pub found: Found,
    pub class: MatchClass,
    pub field: MatchedField,
    /// The text that matched, as stored: the name, the former name, the pinyin spelling or the USCC.
    pub matched: String,
}

/// A search query in the forms each field is searched in.
#[derive(Clone, Debug)]
pub struct Terms {
    /// Folded like stored names.
    folded: String,
    /// The pinyin it spells, if it spells one.
    pinyin: Option<String>,
    /// The start of a USCC it could be: letters and digits, upper case, at least four.
    uscc: Option<String>,
    backend: DbBackend,
}

impl Terms {
    /// Reads `query` (argument `field`): not blank, not longer than a name.
    pub fn parse(backend: DbBackend, field: &str, query: &str) -> ApiResult<Self> {
        if query.trim().is_empty() {
            return Err(ApiError::bad_input(field, Message::new("value-empty")));
        }
        super::limit(field, Some(query), super::MAX_NAME_CHARS)?;
        let folded = text::fold(query);
        let code = folded.to_ascii_uppercase();
        let uscc = (code.len() >= 4 && code.len() <= 18 && code.chars().all(|c| c.is_ascii_alphanumeric()))
            .then_some(code);
        Ok(Self {
            pinyin: pinyin::query(&folded),
            folded,
            uscc,
            backend,
        })
    }

    /// The branch of a folded-name column for `class`, if it needs its own; `grams` is the row's gram
    /// form, `key` the query's gram there.
    fn name<C: ColumnTrait>(&self, column: C, grams: C, class: MatchClass, key: &GramKey) -> Option<Branch> {
        match class {
            // None: the Prefix range holds the exact name, and reads it first.
            MatchClass::Exact => None,
            // A range of the name index, for terms of any length.
            MatchClass::Prefix => Some(Branch::First(starts_with(column, &self.folded).into())),
            MatchClass::Infix => {
                let pattern = format!("%{}%", text::escape_like(&self.folded));
                Some(self.containing(column, grams, pattern, &self.folded, key))
            }
        }
    }

    /// The condition of a pinyin form column for `class`; none when the query spells nothing, or
    /// when it is a two-letter infix (pinyin has no grams: nothing could serve it, and it says little).
    fn pinyin(&self, column: impl ColumnTrait, class: MatchClass) -> Option<Branch> {
        let spelled = self.pinyin.as_ref()?;
        let (pattern, needle) = enclosed(spelled, ' ', class);
        let servable = needle.chars().count() >= 3;
        servable.then(|| Branch::First(indexed_like(self.backend, column, pattern, &needle).into()))
    }

    /// Rows with a former name (in `column`) containing the query, whatever their class (each hit's
    /// class is found from its names): all of them, as few enterprises were renamed. `grams` is the
    /// row's gram form, which holds the former names' grams, marked.
    fn former_name<C: ColumnTrait>(&self, column: C, grams: C, key: &GramKey) -> Branch {
        let contained = contains(self.backend, column, &self.folded);
        Branch::All(match key.grams.is_empty() {
            false => Condition::all()
                .add(key.held(self.backend, grams, true))
                .add(contained),
            true => {
                let pattern = format!("%{}%", text::escape_like(&self.folded));
                Condition::all().add(indexed_like(self.backend, column, pattern, &self.folded))
            }
        })
    }

    /// Rows whose name `column` contains `needle` (`pattern` as a `LIKE`), served by the best index
    /// there is: the query's key grams in the rows' gram form `grams`, each row checked for the needle,
    /// or for a key common in names, a walk of the order checking each row; for a query without a key,
    /// the column's trigrams (or, for a needle too short to have one, the walk).
    fn containing<C: ColumnTrait>(
        &self,
        column: C,
        grams: C,
        pattern: String,
        needle: &str,
        key: &GramKey,
    ) -> Branch {
        // Not a `LIKE`: with the pattern a parameter, PostgreSQL's generic plan may look a two-character
        // pattern up in the trigram index, which holds no trigram for it and reads every entry.
        let contained = Condition::all().add(contains(self.backend, column, needle));
        if !key.grams.is_empty() {
            key.branch(
                Condition::all().add(key.held(self.backend, grams, false)),
                contained,
            )
        } else if needle.chars().count() >= 3 {
            Branch::First(indexed_like(self.backend, column, pattern, needle).into())
        } else {
            Branch::First(contained)
        }
    }

    /// Enterprises whose name contains the query after its start, one of its pairs being `pair`
    /// (PostgreSQL): the holders of the pair in name order, from `enterprise_name_pair`'s key, each
    /// checked for the query there, so that the first are found without reading the others.
    fn holding_pair(&self, pair: &str) -> Branch {
        use sea_orm::sea_query::{Alias, Order, Query};
        let ids = Query::select()
            .expr_as(Expr::col(super::name_pair("enterprise_id")), Alias::new("id"))
            .from(Alias::new(super::NAME_PAIRS))
            .cond_where(super::holding_pair(pair, &self.folded))
            .order_by(super::name_pair("name_normalized"), Order::Asc)
            .order_by(super::name_pair("enterprise_id"), Order::Asc)
            .to_owned();
        Branch::Listed {
            table: "enterprise",
            ids: Box::new(ids),
        }
    }

    /// How `text` (folded) matches the query, if it does.
    fn class_of(&self, text: &str) -> Option<MatchClass> {
        classify(text, &self.folded)
    }
}

/// The `LIKE` pattern for `class` on a column of entries each enclosed in `separator` (pinyin
/// spellings in spaces, former names in line breaks), and the text between its wildcards: ` a ` is a
/// whole entry, ` a` the start of one.
fn enclosed(text: &str, separator: char, class: MatchClass) -> (String, String) {
    let escaped = text::escape_like(text);
    match class {
        MatchClass::Exact => (
            format!("%{separator}{escaped}{separator}%"),
            format!("{separator}{text}{separator}"),
        ),
        MatchClass::Prefix => (format!("%{separator}{escaped}%"), format!("{separator}{text}")),
        MatchClass::Infix => (format!("%{escaped}%"), text.to_owned()),
    }
}

fn classify(text: &str, query: &str) -> Option<MatchClass> {
    if text == query {
        Some(MatchClass::Exact)
    } else if text.starts_with(query) {
        Some(MatchClass::Prefix)
    } else if text.contains(query) {
        Some(MatchClass::Infix)
    } else {
        None
    }
}

/// The best pinyin spelling in `form` for the query: the one with the best class.
fn spelling_match(form: Option<&str>, spelled: Option<&str>) -> Option<(MatchClass, String)> {
    let (form, spelled) = (form?, spelled?);
    form.split_whitespace()
        .filter_map(|spelling| classify(spelling, spelled).map(|class| (class, spelling.to_owned())))
        .min_by_key(|(class, _)| *class)
}

const CLASSES: [MatchClass; 3] = [MatchClass::Exact, MatchClass::Prefix, MatchClass::Infix];

/// One kind of searched row: which rows the viewer may find, what matches a class, and the columns
/// hits rank by.
trait Searched: EntityTrait<Model: FromQueryResult + Send + Sync> {
    /// Whether the rows are many enough for a query's key gram to be weighed ([`GramKey::weighed`]):
    /// in a small table, reading every row that holds any gram costs little.
    const WEIGHED: bool = false;
    /// The rows `viewer` may find.
    fn visible(_viewer: &Viewer) -> Select<Self> {
        Self::find()
    }
    /// The ways a row matches `terms` in `class`, one per field searched (each served by its index);
    /// `key`: the query's gram in the rows' gram form.
    fn branches(terms: &Terms, class: MatchClass, key: &GramKey) -> Vec<Branch>;
    /// The gram form of the names.
    fn grams() -> Self::Column;
    /// The folded name, which hits rank by within a class.
    fn name() -> Self::Column;
    /// The primary key, the last tie-breaker.
    fn id() -> Self::Column;
}

/// A kind searched by its name and the name's pinyin form only (enterprises have more: see [`hits`]).
/// Such kinds are few rows each: they are searched together in one statement reading only what ranks
/// a hit ([`Named`]), and the rows of the page's hits are read afterwards.
trait SearchedByName: Searched {
    /// The kind its hits are of.
    const KIND: Kind;
    /// The name as registered, and its pinyin form.
    fn registered_name() -> Self::Column;
    fn pinyin() -> Self::Column;
    /// A row's primary key.
    fn id_of(row: &Self::Model) -> Uuid;
    /// A row found.
    fn found(row: Self::Model) -> Found;
}

/// What ranks a hit on a kind searched by name, read before the row itself.
#[derive(FromQueryResult)]
struct Named {
    /// The kind's place in [`NAMED`].
    kind: i32,
    id: Uuid,
    name: String,
    name_normalized: String,
    name_pinyin: Option<String>,
}

/// The statement reading what ranks the best hits of one kind searched by name ([`named_of`]).
type NamedOf = fn(&Viewer, &Terms, u64, i32) -> SelectStatement;

/// The kinds searched by name only, with their statements, in the order [`Named::kind`] numbers them.
const NAMED: [(Kind, NamedOf); 3] = [
    (Kind::Brand, named_of::<brand::Entity>),
    (Kind::GeographicIndication, named_of::<gi::Entity>),
    (Kind::Person, named_of::<person::Entity>),
];

/// Rows of kind `E` the viewer may find that match `terms`, among them the best `need` (best class
/// first; within a class, by name and id), in one statement: every class's branches at once, each
/// limited to twice the hits needed. A hit among the best `need` is preceded in its branch (ordered by
/// name) by fewer than `need` hits of a better class (else it would not be among the best) and fewer
/// than `need` of its own, so each branch's first `2 × need` rows hold every such hit.
async fn ranked<E: Searched>(
    db: &DatabaseConnection,
    weights: &GramWeights,
    viewer: &Viewer,
    terms: &Terms,
    need: u64,
) -> ApiResult<Vec<E::Model>> {
    let ordered = E::visible(viewer).order_by_asc(E::name()).order_by_asc(E::id());
    let key = if E::WEIGHED {
        GramKey::weighed(db, weights, E::grams(), &terms.folded).await?
    } else {
        GramKey::unweighed(&terms.folded)
    };
    let branches = CLASSES
        .into_iter()
        .flat_map(|class| E::branches(terms, class, &key));
    let matching = among_first(terms.backend, &ordered, E::id(), branches, 2 * need);
    Ok(ordered.filter(matching).all(db).await?)
}

/// The statement reading what ranks the best `need` hits of kind `E` ([`ranked`], whose reasoning
/// holds here), with the kind's number `kind`.
fn named_of<E: SearchedByName>(viewer: &Viewer, terms: &Terms, need: u64, kind: i32) -> SelectStatement {
    let ordered = E::visible(viewer).order_by_asc(E::name()).order_by_asc(E::id());
    let key = GramKey::unweighed(&terms.folded);
    let branches = CLASSES
        .into_iter()
        .flat_map(|class| E::branches(terms, class, &key));
    let matching = among_first(terms.backend, &ordered, E::id(), branches, 2 * need);
    E::visible(viewer)
        .filter(matching)
        .select_only()
        .expr_as(Expr::val(kind), "kind")
        .column_as(E::id(), "id")
        .column_as(E::registered_name(), "name")
        .column_as(E::name(), "name_normalized")
        .column_as(E::pinyin(), "name_pinyin")
        .into_query()
}

/// The best `need` hits of each of `kinds` searched by name, before their rows are read, in one
/// statement.
async fn named_hits(
    db: &DatabaseConnection,
    viewer: &Viewer,
    terms: &Terms,
    kinds: &[Kind],
    need: u64,
) -> ApiResult<Vec<Ranked>> {
    let statements = NAMED
        .into_iter()
        .zip(0..)
        .filter(|((kind, _), _)| kinds.contains(kind))
        .map(|((_, statement), number)| statement(viewer, terms, need, number));
    let Some(union) = statements.reduce(|mut union, next| union.union(UnionType::All, next).to_owned())
    else {
        return Ok(Vec::new());
    };
    // Planned once: the tables are small, and planning the statement's many branches took three to
    // five times as long as running them.
    let statement = terms.backend.build(&union);
    let rows = crate::db::planned_once(db, async |db| {
        Ok::<_, ApiError>(Named::find_by_statement(statement).all(db).await?)
    })
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let (kind, _) = *NAMED.get(usize::try_from(row.kind).ok()?)?;
            let (class, field, matched) =
                named_match(terms, &row.name_normalized, &row.name, row.name_pinyin.as_deref())?;
            Some(Ranked::Named {
                kind,
                id: row.id,
                name_normalized: row.name_normalized,
                hit: (class, field, matched),
            })
        })
        .collect())
}

/// The rows of kind `E` of `hits` (those of other kinds pass untouched), in one statement if any.
async fn read_rows<E: SearchedByName>(db: &DatabaseConnection, hits: Vec<Ranked>) -> ApiResult<Vec<Ranked>> {
    let ids: Vec<Uuid> = hits
        .iter()
        .filter_map(|hit| match hit {
            Ranked::Named { kind, id, .. } if *kind == E::KIND => Some(*id),
            _ => None,
        })
        .collect();
    if ids.is_empty() {
        return Ok(hits);
    }
    let mut rows: HashMap<Uuid, E::Model> = HashMap::new();
    for row in E::find().filter(E::id().is_in(ids)).all(db).await? {
        rows.insert(E::id_of(&row), row);
    }
    // A row deleted since it was ranked is no longer found.
    Ok(hits
        .into_iter()
        .filter_map(|hit| match hit {
            Ranked::Named {
                kind,
                id,
                hit: (class, field, matched),
                ..
            } if kind == E::KIND => rows.remove(&id).map(|row| {
                Ranked::Read(Box::new(Hit {
                    found: E::found(row),
                    class,
                    field,
                    matched,
                }))
            }),
            other => Some(other),
        })
        .collect())
}

/// How many rows of kind `E` the viewer may find match `terms` in any class. Every row holding the key
/// grams is read, as a count must, so the key is not weighed.
async fn matching<E: Searched>(db: &DatabaseConnection, viewer: &Viewer, terms: &Terms) -> ApiResult<u64> {
    let key = GramKey::unweighed(&terms.folded);
    let any = CLASSES
        .into_iter()
        .flat_map(|class| E::branches(terms, class, &key))
        .map(Branch::into_condition)
        .fold(Condition::any(), Condition::add);
    Ok(E::visible(viewer).filter(any).count(db).await?)
}

impl Searched for enterprise::Entity {
    /// A national registry holds millions.
    const WEIGHED: bool = true;
    /// Name, pinyin, former names (read once, with the infix class: every hit by former name), and
    /// the USCC by its start.
    fn branches(terms: &Terms, class: MatchClass, key: &GramKey) -> Vec<Branch> {
        use enterprise::Column as C;
        let by_pair = key.pair(terms.backend).filter(|_| class == MatchClass::Infix);
        let mut branches = match by_pair {
            Some(pair) => std::iter::once(terms.holding_pair(pair))
                .chain(terms.pinyin(C::NamePinyin, class))
                .collect(),
            None => named(terms, C::NameNormalized, C::NamePinyin, C::NameGrams, class, key),
        };
        if class == MatchClass::Infix {
            branches.push(terms.former_name(C::FormerNamesNormalized, C::NameGrams, key));
        }
        match (&terms.uscc, class) {
            (Some(code), MatchClass::Exact) => branches.push(Branch::First(C::Uscc.eq(code.as_str()).into())),
            (Some(code), MatchClass::Prefix) => {
                branches.push(Branch::First(starts_with(C::Uscc, code).into()))
            }
            _ => {}
        }
        branches
    }
    fn grams() -> Self::Column {
        enterprise::Column::NameGrams
    }
    fn name() -> Self::Column {
        enterprise::Column::NameNormalized
    }
    fn id() -> Self::Column {
        enterprise::Column::Id
    }
}

/// [`Searched`] and [`SearchedByName`] for a kind with `name_normalized` and `name_pinyin` columns.
macro_rules! searched_by_name {
    ($entity:ident, $found:ident $(, $visible:expr)?) => {
        impl Searched for $entity::Entity {
            $(fn visible(viewer: &Viewer) -> Select<Self> {
                Self::find().filter($visible(viewer))
            })?
            fn branches(terms: &Terms, class: MatchClass, key: &GramKey) -> Vec<Branch> {
                use $entity::Column as C;
                named(terms, C::NameNormalized, C::NamePinyin, C::NameGrams, class, key)
            }
            fn grams() -> Self::Column {
                $entity::Column::NameGrams
            }
            fn name() -> Self::Column {
                $entity::Column::NameNormalized
            }
            fn id() -> Self::Column {
                $entity::Column::Id
            }
        }

        impl SearchedByName for $entity::Entity {
            const KIND: Kind = Kind::$found;
            fn registered_name() -> Self::Column {
                $entity::Column::Name
            }
            fn pinyin() -> Self::Column {
                $entity::Column::NamePinyin
            }
            fn id_of(row: &Self::Model) -> Uuid {
                row.id
            }
            fn found(row: Self::Model) -> Found {
                Found::$found(row)
            }
        }
    };
}

searched_by_name!(brand, Brand);
searched_by_name!(gi, GeographicIndication);
searched_by_name!(person, Person, |viewer: &Viewer| viewer.person_condition());

/// One page of hits for `terms` over `kinds`, skipping the best `skip`, and whether more follow.
pub async fn hits(
    db: &DatabaseConnection,
    weights: &GramWeights,
    viewer: &Viewer,
    terms: &Terms,
    kinds: &[Kind],
    skip: u64,
    take: u64,
) -> ApiResult<(Vec<Hit>, bool)> {
    if skip > MAX_DEPTH {
        return Err(ApiError::bad_input(
            "after",
            Message::new("search-too-deep").with("max", MAX_DEPTH),
        ));
    }
    let need = skip + take + 1;
    // Enterprises and the kinds searched by name at once, on two connections: a search waits for the
    // slower, not for both.
    let (enterprises, named) = futures_util::try_join!(
        enterprise_hits(db, weights, viewer, terms, kinds, need),
        named_hits(db, viewer, terms, kinds, need),
    )?;
    let mut hits: Vec<Ranked> = enterprises
        .into_iter()
        .map(Box::new)
        .map(Ranked::Read)
        .chain(named)
        .collect();
    hits.sort_by(|a, b| a.rank().cmp(&b.rank()));
    let more = hits.len() as u64 > skip + take;
    let mut page: Vec<Ranked> = hits.into_iter().skip(skip as usize).take(take as usize).collect();
    page = read_rows::<brand::Entity>(db, page).await?;
    page = read_rows::<gi::Entity>(db, page).await?;
    page = read_rows::<person::Entity>(db, page).await?;
    let read = page.into_iter().filter_map(|hit| match hit {
        Ranked::Read(hit) => Some(*hit),
        Ranked::Named { .. } => None,
    });
    Ok((read.collect(), more))
}

/// The best `need` enterprise hits, when `kinds` has enterprises.
async fn enterprise_hits(
    db: &DatabaseConnection,
    weights: &GramWeights,
    viewer: &Viewer,
    terms: &Terms,
    kinds: &[Kind],
    need: u64,
) -> ApiResult<Vec<Hit>> {
    if !kinds.contains(&Kind::Enterprise) {
        return Ok(Vec::new());
    }
    // Enterprises also match by former name: read those of all hits that have one containing the
    // query at once.
    let rows = ranked::<enterprise::Entity>(db, weights, viewer, terms, need).await?;
    let former = former_names(db, terms, &rows).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let names = former.get(&row.id).map(Vec::as_slice).unwrap_or_default();
            enterprise_hit(terms, row, names)
        })
        .collect())
}

/// A hit being ranked: with its row read (enterprises), or only what ranks it (the kinds searched by
/// name, whose rows are read for the page's hits only).
enum Ranked {
    Read(Box<Hit>),
    Named {
        kind: Kind,
        id: Uuid,
        name_normalized: String,
        hit: (MatchClass, MatchedField, String),
    },
}

impl Ranked {
    /// The sort key across kinds: class, then name, kind and id.
    fn rank(&self) -> (MatchClass, &str, Kind, Uuid) {
        match self {
            Self::Read(hit) => {
                let (kind, name, id) = match &hit.found {
                    Found::Enterprise(row) => (Kind::Enterprise, &row.name_normalized, row.id),
                    Found::Brand(row) => (Kind::Brand, &row.name_normalized, row.id),
                    Found::GeographicIndication(row) => {
                        (Kind::GeographicIndication, &row.name_normalized, row.id)
                    }
                    Found::Person(row) => (Kind::Person, &row.name_normalized, row.id),
                };
                (hit.class, name, kind, id)
            }
            Self::Named {
                kind,
                id,
                name_normalized,
                hit: (class, ..),
            } => (*class, name_normalized, *kind, *id),
        }
    }
}

/// How many rows match `terms` over `kinds`, in all.
pub async fn count(
    db: &DatabaseConnection,
    viewer: &Viewer,
    terms: &Terms,
    kinds: &[Kind],
) -> ApiResult<u64> {
    let mut total = 0;
    for kind in kinds {
        total += match kind {
            Kind::Enterprise => matching::<enterprise::Entity>(db, viewer, terms).await?,
            Kind::Brand => matching::<brand::Entity>(db, viewer, terms).await?,
            Kind::GeographicIndication => matching::<gi::Entity>(db, viewer, terms).await?,
            Kind::Person => matching::<person::Entity>(db, viewer, terms).await?,
        };
    }
    Ok(total)
}

/// The branches on a name, its pinyin form and its gram form for `class`.
fn named<C: ColumnTrait>(
    terms: &Terms,
    name: C,
    form: C,
    grams: C,
    class: MatchClass,
    key: &GramKey,
) -> Vec<Branch> {
    terms
        .name(name, grams, class, key)
        .into_iter()
        .chain(terms.pinyin(form, class))
        .collect()
}

/// How a row with a name and a pinyin form matches: by the name if it does, else by its best spelling.
fn named_match(
    terms: &Terms,
    folded: &str,
    name: &str,
    form: Option<&str>,
) -> Option<(MatchClass, MatchedField, String)> {
    let by_name = terms
        .class_of(folded)
        .map(|class| (class, MatchedField::Name, name.to_owned()));
    let by_pinyin = spelling_match(form, terms.pinyin.as_deref())
        .map(|(class, spelling)| (class, MatchedField::Pinyin, spelling));
    best([by_name, by_pinyin])
}

/// The hit on an enterprise: by name, USCC, former name or pinyin, whichever matches best.
fn enterprise_hit(
    terms: &Terms,
    row: enterprise::Model,
    former: &[enterprise_former_name::Model],
) -> Option<Hit> {
    let by_name = terms
        .class_of(&row.name_normalized)
        .map(|class| (class, MatchedField::Name, row.name.clone()));
    let by_uscc = terms.uscc.as_deref().and_then(|code| {
        let class = match classify(&row.uscc, code)? {
            MatchClass::Infix => return None,
            class => class,
        };
        Some((class, MatchedField::Uscc, row.uscc.clone()))
    });
    let by_former = former
        .iter()
        .filter_map(|f| {
            terms
                .class_of(&f.name_normalized)
                .map(|class| (class, MatchedField::FormerName, f.name.clone()))
        })
        .min_by_key(|(class, ..)| *class);
    let by_pinyin = spelling_match(row.name_pinyin.as_deref(), terms.pinyin.as_deref())
        .map(|(class, spelling)| (class, MatchedField::Pinyin, spelling));
    best([by_name, by_uscc, by_former, by_pinyin]).map(|(class, field, matched)| Hit {
        found: Found::Enterprise(row),
        class,
        field,
        matched,
    })
}

/// The best of the matches found, preferring earlier fields within a class.
fn best<const N: usize>(
    matches: [Option<(MatchClass, MatchedField, String)>; N],
) -> Option<(MatchClass, MatchedField, String)> {
    matches.into_iter().flatten().min_by_key(|(class, ..)| *class)
}

/// The former names of those of `rows`' enterprises that had one containing `terms`, by enterprise,
/// in one statement; none when no row had (most searches: few enterprises were renamed). A row's
/// folded former names, stored together, tell whether any contains the query.
async fn former_names(
    db: &impl ConnectionTrait,
    terms: &Terms,
    rows: &[enterprise::Model],
) -> ApiResult<HashMap<Uuid, Vec<enterprise_former_name::Model>>> {
    let mut by_enterprise: HashMap<Uuid, Vec<_>> = HashMap::new();
    let renamed: Vec<Uuid> = rows
        .iter()
        .filter(|row| {
            let former = row.former_names_normalized.as_deref().unwrap_or_default();
            former.contains(terms.folded.as_str())
        })
        .map(|row| row.id)
        .collect();
    if renamed.is_empty() {
        return Ok(by_enterprise);
    }
    let names = enterprise_former_name::Entity::find()
        .filter(enterprise_former_name::Column::EnterpriseId.is_in(renamed))
        .order_by_asc(enterprise_former_name::Column::UsedUntil)
        .all(db)
        .await?;
    for name in names {
        by_enterprise.entry(name.enterprise_id).or_default().push(name);
    }
    Ok(by_enterprise)
}

/// Rows filled in at a time by [`fill_search_forms`].
const FILL_CHUNK: u64 = 1_000;

#[derive(FromQueryResult)]
struct Unfilled {
    id: Uuid,
    name: String,
    former_names_normalized: Option<String>,
}

/// Fills in the pinyin and gram forms of every name that lacks one (rows from before the form
/// existed, or whose form a migration cleared because the rules changed). Runs after migrations; the
/// application owns the rules ([`NameForms`]), so a migration never has to carry a copy of them.
pub async fn fill_search_forms(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::{Alias, Query};
    let backend = db.get_database_backend();
    for table in ["enterprise", "brand", "geographic_indication", "person"] {
        // Only enterprises have former names, and their grams include them.
        let former = match table {
            "enterprise" => Expr::col(Alias::new("former_names_normalized")),
            _ => Expr::cust("CAST(NULL AS TEXT)"),
        };
        loop {
            let select = Query::select()
                .columns([Alias::new("id"), Alias::new("name")])
                .expr_as(former.clone(), Alias::new("former_names_normalized"))
                .from(Alias::new(table))
                .cond_where(
                    Condition::any()
                        .add(Expr::col(Alias::new("name_pinyin")).is_null())
                        .add(Expr::col(Alias::new("name_grams")).is_null()),
                )
                .limit(FILL_CHUNK)
                .to_owned();
            let rows = Unfilled::find_by_statement(backend.build(&select))
                .all(db)
                .await?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                let forms = NameForms::of(&row.name, row.former_names_normalized.as_deref());
                let update = Query::update()
                    .table(Alias::new(table))
                    .value(Alias::new("name_pinyin"), forms.pinyin)
                    .value(Alias::new("name_grams"), forms.grams)
                    .and_where(Expr::col(Alias::new("id")).eq(row.id))
                    .to_owned();
                db.execute(&update).await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_searched_as_name_pinyin_and_uscc_as_it_can_be() {
        let terms = Terms::parse(DbBackend::Sqlite, "query", " 9150 ").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(terms.uscc.as_deref(), Some("9150"));
        assert_eq!(terms.pinyin, None);
        let terms = Terms::parse(DbBackend::Sqlite, "query", "CQwz").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(terms.pinyin.as_deref(), Some("cqwz"));
        assert_eq!(terms.folded, "cqwz");
        assert!(Terms::parse(DbBackend::Sqlite, "query", "  ").is_err());
    }

    #[test]
    fn the_best_spelling_is_the_one_reported() {
        let form = Some(" zhongqing chongqing zq cq ");
        assert_eq!(
            spelling_match(form, Some("chongqing")),
            Some((MatchClass::Exact, "chongqing".to_owned()))
        );
        assert_eq!(
            spelling_match(form, Some("qing")),
            Some((MatchClass::Infix, "zhongqing".to_owned()))
        );
        assert_eq!(spelling_match(form, Some("xian")), None);
    }
}
