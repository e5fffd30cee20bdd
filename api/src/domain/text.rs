//! Folding of names for search: NFKC turns full-width forms into half-width ones (ＡＢＣ１２３ → ABC123,
//! （ → (), then lower case. Stored beside each searchable name and applied to the search term, so a
//! `nameContains` filter is one `LIKE` on an indexed column.

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// The search form of a name or a search term.
pub fn fold(text: &str) -> String {
    text.trim().nfkc().collect::<String>().to_lowercase()
}

/// A `LIKE` pattern matching any value containing `term` (folded), with `%`, `_` and `\` escaped.
pub fn contains_pattern(term: &str) -> String {
    let mut pattern = String::from("%");
    for c in fold(term).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The SHA-256 of `text` in lower-case hex: the form keys, log fields and persisted-query hashes use.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_case_fold_together() {
        assert_eq!(fold("重庆ＡＢＣ科技（集团）"), "重庆abc科技(集团)");
        assert_eq!(fold("  Ｈｕａｗｅｉ "), "huawei");
    }

    #[test]
    fn like_wildcards_in_the_term_are_literal() {
        assert_eq!(contains_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
