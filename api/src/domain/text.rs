//! Folding of names for search: NFKC turns full-width forms into half-width ones (ＡＢＣ１２３ → ABC123,
//! （ → (), OpenCC's `t2s` turns traditional characters into simplified ones (重慶 → 重庆), then lower
//! case. Stored beside each searchable name and applied to the search term, so a `nameContains` filter
//! is one `LIKE` on an indexed column, whichever script the name was written or asked in.

use std::sync::LazyLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// OpenCC's traditional-to-simplified conversion, with its dictionaries built into the binary.
static T2S: LazyLock<Option<OpenCC>> = LazyLock::new(|| match OpenCC::from_config(BuiltinConfig::T2s) {
    Ok(converter) => Some(converter),
    Err(err) => {
        // Built in, so this does not happen; if it did, search would still work within one script.
        tracing::error!(error.detail = %err, "OpenCC t2s is not available");
        None
    }
});

/// The search form of a name or a search term.
pub fn fold(text: &str) -> String {
    let half_width: String = text.trim().nfkc().collect();
    match T2S.as_ref() {
        Some(t2s) => t2s.convert(&half_width).to_lowercase(),
        None => half_width.to_lowercase(),
    }
}

/// The longest term looked up in a name's grams ([`grams`]); longer ones are looked up by trigram.
pub const MAX_GRAM_CHARS: usize = 2;

/// The short-term search form of folded names (a name and the names it had before): every letter or
/// digit, and every pair of adjacent ones, once each, enclosed in spaces (` 重 庆 重庆 `). Trigram
/// indexes cannot look up a term of one or two characters; these grams can, as whole tokens.
pub fn grams<'a>(folded_names: impl IntoIterator<Item = &'a str>) -> String {
    let mut distinct: Vec<String> = Vec::new();
    let mut add = |gram: String| {
        if !distinct.contains(&gram) {
            distinct.push(gram);
        }
    };
    for name in folded_names {
        let characters: Vec<char> = name.chars().collect();
        for (i, c) in characters.iter().enumerate() {
            if !c.is_alphanumeric() {
                continue;
            }
            add(c.to_string());
            if let Some(next) = characters.get(i + 1).filter(|next| next.is_alphanumeric()) {
                add(format!("{c}{next}"));
            }
        }
    }
    if distinct.is_empty() {
        return String::new();
    }
    format!(" {} ", distinct.join(" "))
}

/// The gram a folded search term is, when it is short enough to be one: one or two letters or digits.
pub fn gram(folded: &str) -> Option<&str> {
    let count = folded.chars().count();
    let is_gram = (1..=MAX_GRAM_CHARS).contains(&count) && folded.chars().all(char::is_alphanumeric);
    is_gram.then_some(folded)
}

/// `text` with the `LIKE` wildcards `%` and `_` and the escape character `\` escaped by `\`.
pub fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
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
    fn traditional_and_simplified_script_fold_together() {
        assert_eq!(fold("重慶萬州三峽新材料"), "重庆万州三峡新材料");
        assert_eq!(fold("四川長虹電器股份有限公司"), fold("四川长虹电器股份有限公司"));
        assert_eq!(fold("臺灣ＡＢＣ"), "台湾abc");
    }

    #[test]
    fn grams_are_every_letter_and_adjacent_pair_once() {
        assert_eq!(grams(["重庆(重庆)"]), " 重 重庆 庆 ");
        assert_eq!(grams(["ab c", "重a"]), " a ab b c 重 重a ");
        assert_eq!(grams(["()"]), "");
        assert_eq!(gram("重庆"), Some("重庆"));
        assert_eq!(gram("a"), Some("a"));
        assert_eq!(gram("重庆万"), None);
        assert_eq!(gram("a("), None);
    }

    #[test]
    fn like_wildcards_in_the_term_are_literal() {
        assert_eq!(escape_like("50%_a\\"), "50\\%\\_a\\\\");
    }
}
