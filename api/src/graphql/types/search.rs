//! Search hits.

use async_graphql::{Object, Union};

use super::brand::Brand;
use super::enterprise::{Enterprise, Person};
use super::geographic_indication::GeographicIndication;
use crate::services::search::{Found, Hit, Kind, MatchClass, MatchedField};

/// What a search found: an enterprise, a brand, a geographic indication or a person.
#[derive(Union, Clone)]
pub enum SearchResult {
    /// An enterprise.
    Enterprise(Enterprise),
    /// A brand.
    Brand(Brand),
    /// A geographic indication.
    GeographicIndication(GeographicIndication),
    /// A person.
    Person(Person),
}

/// One hit of `search`: what was found, and what of it matched the query how.
pub struct SearchHit(pub Hit);

/// One hit of `search`: what was found, and what of it matched the query how.
#[Object]
impl SearchHit {
    /// What kind of thing was found.
    async fn kind(&self) -> Kind {
        match self.0.found {
            Found::Enterprise(_) => Kind::Enterprise,
            Found::Brand(_) => Kind::Brand,
            Found::GeographicIndication(_) => Kind::GeographicIndication,
            Found::Person(_) => Kind::Person,
        }
    }

    /// The field the query matched: the name, a former name, a pinyin spelling or the USCC.
    async fn matched_field(&self) -> MatchedField {
        self.0.field
    }

    /// Whether the query is the whole matched text, its start or a part of it; hits rank in this order.
    async fn match_class(&self) -> MatchClass {
        self.0.class
    }

    /// The text that matched, as registered: the name, the former name, the pinyin spelling (lower
    /// case, no tones) or the USCC.
    async fn matched_text(&self) -> &str {
        &self.0.matched
    }

    /// What was found.
    async fn item(&self) -> SearchResult {
        match &self.0.found {
            Found::Enterprise(row) => SearchResult::Enterprise(Enterprise(row.clone())),
            Found::Brand(row) => SearchResult::Brand(Brand(row.clone())),
            Found::GeographicIndication(row) => {
                SearchResult::GeographicIndication(GeographicIndication(row.clone()))
            }
            Found::Person(row) => SearchResult::Person(Person(row.clone())),
        }
    }
}
