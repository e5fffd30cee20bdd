//! Parsed documents, kept by their text: the apps and agencies send the same few queries over and
//! over with different variables, and parsing was a quarter of a point lookup's CPU. Only documents
//! that parsed and passed the document limits are kept, so a hit skips nothing that could refuse it;
//! validation against the schema still runs on every request.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerResult, Variables};
use lru::LruCache;

/// Documents kept at most.
const CAPACITY: NonZeroUsize = match NonZeroUsize::new(256) {
    Some(capacity) => capacity,
    None => NonZeroUsize::MIN,
};
/// Longest document text kept, in bytes: what apps send by hand fits, while a stranger's huge
/// documents cannot fill the memory (at most `CAPACITY` × this much text, plus the parsed forms).
const MAX_TEXT_BYTES: usize = 8 * 1024;

/// Installs the cache, shared by every request to one schema.
pub struct DocumentCache {
    documents: Arc<Mutex<LruCache<String, ExecutableDocument>>>,
}

impl Default for DocumentCache {
    fn default() -> Self {
        Self {
            documents: Arc::new(Mutex::new(LruCache::new(CAPACITY))),
        }
    }
}

impl ExtensionFactory for DocumentCache {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DocumentCacheExtension {
            documents: Arc::clone(&self.documents),
        })
    }
}

struct DocumentCacheExtension {
    documents: Arc<Mutex<LruCache<String, ExecutableDocument>>>,
}

impl DocumentCacheExtension {
    fn kept(&self, query: &str) -> Option<ExecutableDocument> {
        self.documents.lock().ok()?.get(query).cloned()
    }

    fn keep(&self, query: &str, document: &ExecutableDocument) {
        if query.len() <= MAX_TEXT_BYTES
            && let Ok(mut documents) = self.documents.lock()
        {
            documents.put(query.to_owned(), document.clone());
        }
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for DocumentCacheExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if let Some(document) = self.kept(query) {
            return Ok(document);
        }
        let document = next.run(ctx, query, variables).await?;
        self.keep(query, &document);
        Ok(document)
    }
}
