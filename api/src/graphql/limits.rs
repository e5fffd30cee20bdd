//! Request limits async-graphql does not have built in (aliases), and machine codes on the errors
//! async-graphql makes itself ([`crate::graphql::errors`]), so clients and the HTTP layer can tell
//! them apart.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Variables};

use crate::error::ErrorCode;
use crate::graphql::OperationName;
use crate::graphql::errors::{from_execution, from_validation, with_code};
use crate::i18n::{Language, Message};

/// Installs the alias and nesting limits and the error codes.
pub struct RequestLimits {
    /// Most aliased fields a document may contain.
    pub max_aliases: usize,
    /// Deepest bracket nesting (`{`, `[`, `(`) a document may contain.
    pub max_nesting: usize,
}

impl ExtensionFactory for RequestLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestLimitsExtension {
            max_aliases: self.max_aliases,
            max_nesting: self.max_nesting,
        })
    }
}

struct RequestLimitsExtension {
    max_aliases: usize,
    max_nesting: usize,
}

/// The deepest nesting of brackets in a document, outside strings and comments. Checked before the
/// parser runs: the parser recurses on nested list and object values, so a document of thousands of
/// `[` would exhaust its stack.
pub fn bracket_depth(document: &str) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut chars = document.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' || c == '\r' {
                        break;
                    }
                }
            }
            '"' if chars.peek() == Some(&'"') => {
                chars.next();
                if chars.peek() == Some(&'"') {
                    // A block string: runs to the next unescaped `"""`.
                    chars.next();
                    let mut quotes = 0;
                    while let Some(c) = chars.next() {
                        match c {
                            '"' => {
                                quotes += 1;
                                if quotes == 3 {
                                    break;
                                }
                            }
                            '\\' => {
                                quotes = 0;
                                chars.next();
                            }
                            _ => quotes = 0,
                        }
                    }
                }
            }
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' | '(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Counts aliased fields in a selection set and everything nested in it. The parser's recursion limit
/// bounds the depth of this walk.
fn count_aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some()) + count_aliases(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => count_aliases(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

fn document_aliases(document: &ExecutableDocument) -> usize {
    let in_operations: usize = document
        .operations
        .iter()
        .map(|(_, op)| count_aliases(&op.node.selection_set.node))
        .sum();
    let in_fragments: usize = document
        .fragments
        .values()
        .map(|fragment| count_aliases(&fragment.node.selection_set.node))
        .sum();
    in_operations + in_fragments
}

#[async_graphql::async_trait::async_trait]
impl Extension for RequestLimitsExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let nesting = bracket_depth(query);
        if nesting > self.max_nesting {
            return Err(with_code(
                ServerError::new(
                    Message::new("nested-too-deeply")
                        .with("nesting", nesting)
                        .with("max", self.max_nesting)
                        .render(language(ctx)),
                    None,
                ),
                ErrorCode::GraphqlParseFailed,
            ));
        }
        let document = next
            .run(ctx, query, variables)
            .await
            .map_err(|e| with_code(e, ErrorCode::GraphqlParseFailed))?;
        let aliases = document_aliases(&document);
        if aliases > self.max_aliases {
            return Err(with_code(
                ServerError::new(
                    Message::new("too-many-aliases")
                        .with("aliases", aliases)
                        .with("max", self.max_aliases)
                        .render(language(ctx)),
                    None,
                ),
                ErrorCode::GraphqlValidationFailed,
            ));
        }
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let validated = next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|error| from_validation(error, language(ctx)))
                .collect::<Vec<_>>()
        })?;
        // A valid document is charged its complexity before anything runs.
        if let Some(meter) = ctx.data_opt::<crate::rate_limit::CostMeter>()
            && let Err(spent) = meter.charge(validated.complexity)
        {
            let wait = spent.retry_after.unwrap_or_default().as_secs().max(1);
            return Err(vec![with_code(
                ServerError::new(
                    Message::new("cost-allowance-spent")
                        .with("cost", validated.complexity)
                        .with("seconds", wait)
                        .render(language(ctx)),
                    None,
                ),
                ErrorCode::RateLimited,
            )]);
        }
        Ok(validated)
    }

    /// Notes which operation runs, and gives errors from execution that async-graphql made without a
    /// code one.
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if let (Some(name), Some(slot)) = (operation_name, ctx.data_opt::<OperationName>()) {
            slot.set(name);
        }
        let mut response = next.run(ctx, operation_name).await;
        response.errors = response
            .errors
            .into_iter()
            .map(|error| from_execution(error, language(ctx)))
            .collect();
        response
    }
}

/// The request's language, as the extension sees it.
fn language(ctx: &ExtensionContext<'_>) -> Language {
    ctx.data_opt::<Language>().copied().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        assert_eq!(bracket_depth("{ a(x: [[1]]) { b } }"), 4);
        assert_eq!(bracket_depth(r#"{ a(x: "[[[[") }"#), 2);
        assert_eq!(bracket_depth("{ a # {{{{\n }"), 1);
        assert_eq!(bracket_depth(r#"{ a(x: """ {{{ \""" {{ """) }"#), 2);
        assert_eq!(bracket_depth(r#"{ a(x: "") { b { c } } }"#), 3);
        assert_eq!(bracket_depth(&"[".repeat(10_000)), 10_000);
    }

    #[test]
    fn aliases_are_counted_in_operations_and_fragments() {
        let document = async_graphql::parser::parse_query(
            "{ a: x { b: y } ...F } fragment F on Q { c: z ... on Q { d: w } }",
        )
        .unwrap();
        assert_eq!(document_aliases(&document), 4);
    }
}
