//! Automatic persisted queries, the protocol Apollo clients use: a client sends the SHA-256 of its
//! document in `extensions.persistedQuery` instead of the document; the first time, when the server
//! does not know it yet (`PERSISTED_QUERY_NOT_FOUND`), it sends both, and the server keeps the document.
//! Resolved here, before anything else looks at the request, so a mutation sent by hash over GET is
//! still refused (`405`) and the access log still names the document's hash.
//!
//! The store keeps the most recently used documents up to a total size and forgets the least recently
//! used first, so a client cannot grow it without bound.

use std::sync::{Mutex, PoisonError};

use lru::LruCache;
use serde_json::Value;

use super::GraphqlParams;
use crate::domain::text::sha256_hex;
use crate::i18n::Message;

/// Why a persisted query could not be used.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum PersistedQueryError {
    /// The hash is not known (yet): the client should send the document with it.
    NotFound,
    /// The extension is malformed, of another version, or its hash is not the document's.
    Invalid(Message),
}

/// The documents clients have registered, by SHA-256 in lower-case hex.
pub(super) struct PersistedQueries {
    store: Mutex<Store>,
}

struct Store {
    documents: LruCache<String, String>,
    bytes: usize,
    max_bytes: usize,
}

impl PersistedQueries {
    /// A store holding at most `max_bytes` of documents.
    pub(super) fn new(max_bytes: usize) -> Self {
        Self {
            store: Mutex::new(Store {
                documents: LruCache::unbounded(),
                bytes: 0,
                max_bytes,
            }),
        }
    }

    /// Fills in the document of a request that names one by hash, and keeps the document of a request
    /// that sends both. A request without the extension passes untouched.
    pub(super) fn resolve(&self, params: &mut GraphqlParams) -> Result<(), PersistedQueryError> {
        let Some(hash) = requested_hash(params)? else {
            return Ok(());
        };
        let mut store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        if params.query.is_empty() {
            params.query = store
                .documents
                .get(&hash)
                .cloned()
                .ok_or(PersistedQueryError::NotFound)?;
            return Ok(());
        }
        if sha256_hex(&params.query) != hash {
            return Err(PersistedQueryError::Invalid(Message::new(
                "persisted-hash-mismatch",
            )));
        }
        store.keep(hash, params.query.clone());
        Ok(())
    }
}

impl Store {
    fn keep(&mut self, hash: String, document: String) {
        if document.len() > self.max_bytes || self.documents.contains(&hash) {
            self.documents.promote(&hash);
            return;
        }
        self.bytes += document.len();
        self.documents.put(hash, document);
        while self.bytes > self.max_bytes {
            match self.documents.pop_lru() {
                Some((_, forgotten)) => self.bytes -= forgotten.len(),
                None => break,
            }
        }
    }
}

/// The hash `extensions.persistedQuery` names, if the request carries the extension.
fn requested_hash(params: &GraphqlParams) -> Result<Option<String>, PersistedQueryError> {
    let Some(extension) = params
        .extensions
        .as_ref()
        .and_then(|extensions| extensions.get("persistedQuery"))
    else {
        return Ok(None);
    };
    let invalid = |reason: &'static str| {
        PersistedQueryError::Invalid(
            Message::new("field-reason")
                .with("field", "extensions.persistedQuery")
                .with("reason", Message::new(reason)),
        )
    };
    if extension.get("version") != Some(&Value::from(1)) {
        return Err(invalid("persisted-version"));
    }
    let hash = extension
        .get("sha256Hash")
        .and_then(Value::as_str)
        .filter(|hash| hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| invalid("persisted-hash-format"))?;
    Ok(Some(hash.to_ascii_lowercase()))
}

/// The bound of the store when nothing else is said: 16 MiB of documents.
pub(super) const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(query: &str, hash: &str) -> GraphqlParams {
        GraphqlParams {
            query: query.to_owned(),
            operation_name: None,
            variables: None,
            extensions: json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
                .as_object()
                .cloned(),
        }
    }

    #[test]
    fn a_document_sent_once_is_found_by_its_hash() {
        let store = PersistedQueries::new(1024);
        let document = "{ __typename }";
        assert_eq!(
            store.resolve(&mut params("", &sha256_hex(document))),
            Err(PersistedQueryError::NotFound)
        );
        store
            .resolve(&mut params(document, &sha256_hex(document)))
            .unwrap();
        let mut by_hash = params("", &sha256_hex(document));
        store.resolve(&mut by_hash).unwrap();
        assert_eq!(by_hash.query, document);
        assert!(matches!(
            store.resolve(&mut params(document, &sha256_hex("{ other }"))),
            Err(PersistedQueryError::Invalid(_))
        ));
    }

    #[test]
    fn the_least_recently_used_is_forgotten_beyond_the_bound() {
        let documents = ["{ a }", "{ b }", "{ c }"];
        let store = PersistedQueries::new(10);
        for document in &documents[..2] {
            store
                .resolve(&mut params(document, &sha256_hex(document)))
                .unwrap();
        }
        // Using "{ a }" makes "{ b }" the least recently used; "{ c }" then pushes it out.
        store.resolve(&mut params("", &sha256_hex("{ a }"))).unwrap();
        store.resolve(&mut params("{ c }", &sha256_hex("{ c }"))).unwrap();
        assert_eq!(
            store.resolve(&mut params("", &sha256_hex("{ b }"))),
            Err(PersistedQueryError::NotFound)
        );
        assert!(store.resolve(&mut params("", &sha256_hex("{ a }"))).is_ok());
        assert!(store.resolve(&mut params("", &sha256_hex("{ c }"))).is_ok());
    }
}
