//! Folding of names for search: NFKC turns full-width forms into half-width ones (ＡＢＣ１２３ → ABC123,
//! （ → (), OpenCC's `t2s` turns traditional characters into simplified ones (重慶 → 重庆), then lower
//! case. Stored beside each searchable name and applied to the search term, so a `nameContains` filter
//! compares folded text with folded text in indexed columns, whichever script the name was written or
//! asked in.

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

/// The longest term that is itself a gram ([`grams`]); a longer one is looked up by its pairs
/// ([`key_candidates`]).
pub const MAX_GRAM_CHARS: usize = 2;

/// The short-term search form of a folded name and the names it had before: every letter or digit,
/// and every pair of adjacent ones, once each, enclosed in spaces (` 庆 庆万 万 `), except those that
/// start the current name; those of former names marked as such ([`former_gram`]), so that a search
/// by former name reads only rows that had one. Trigram indexes cannot look up a term of one or two
/// characters; these grams can, as whole tokens. The start is left out because it is the one place
/// where a term is clustered:
/// names begin with their province, so a province's names sit together in name order, and a planner
/// walking that order to find them passes everything before. A term at the start is found by a range on
/// the name's ordinary index instead ([`starts_with`](crate::services::starts_with)), in name order.
pub fn grams<'a>(current: &str, former: impl IntoIterator<Item = &'a str>) -> String {
    let mut distinct: Vec<String> = Vec::new();
    let names = std::iter::once((current, 1, false)).chain(former.into_iter().map(|name| (name, 0, true)));
    for (name, skipped, is_former) in names {
        let characters: Vec<char> = name.chars().collect();
        for (i, c) in characters.iter().enumerate().skip(skipped) {
            if !c.is_alphanumeric() {
                continue;
            }
            let single = c.to_string();
            let pair = characters
                .get(i + 1)
                .filter(|next| next.is_alphanumeric())
                .map(|next| format!("{c}{next}"));
            for gram in std::iter::once(single).chain(pair) {
                let gram = if is_former { former_gram(&gram) } else { gram };
                if !distinct.contains(&gram) {
                    distinct.push(gram);
                }
            }
        }
    }
    if distinct.is_empty() {
        return String::new();
    }
    format!(" {} ", distinct.join(" "))
}

/// Marks a gram of a former name: a private-use character, which no gram holds (grams are letters and
/// digits) and which both the PostgreSQL array and SQLite's grams tokenizer keep in the token.
const FORMER_GRAM_MARK: char = '\u{E000}';

/// `gram` as it is stored for a former name.
pub fn former_gram(gram: &str) -> String {
    format!("{FORMER_GRAM_MARK}{gram}")
}

/// The gram a folded search term is, when it is short enough to be one: one or two letters or digits.
pub fn gram(folded: &str) -> Option<&str> {
    let count = folded.chars().count();
    let is_gram = (1..=MAX_GRAM_CHARS).contains(&count) && folded.chars().all(char::is_alphanumeric);
    is_gram.then_some(folded)
}

/// How many of a longer term's pairs it is looked up by (each weighed once, then intersected): enough
/// to pass a name's region, whose pairs are common, into the rarer rest.
const MAX_KEY_CANDIDATES: usize = 6;

/// The grams a folded term can be looked up by: the term itself when it is one gram; else its pairs of
/// letters or digits after the first character (at most a few), which every name containing the term
/// holds in its grams, after the start of the name or in a former name. None when it has no such pair.
pub fn key_candidates(folded: &str) -> Vec<String> {
    if let Some(gram) = gram(folded) {
        return vec![gram.to_owned()];
    }
    let characters: Vec<char> = folded.chars().collect();
    characters
        .windows(2)
        .skip(1)
        .filter(|pair| pair.iter().all(|c| c.is_alphanumeric()))
        .map(|pair| pair.iter().collect())
        .take(MAX_KEY_CANDIDATES)
        .collect()
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
    fn grams_are_every_letter_and_adjacent_pair_once_but_the_start_of_the_name() {
        assert_eq!(grams("重庆(重庆)", []), " 庆 重 重庆 ");
        assert_eq!(grams("ab c", ["重a"]), " b c \u{E000}重 \u{E000}重a \u{E000}a ");
        assert_eq!(grams("()", []), "");
        assert_eq!(grams("重", ["重"]), format!(" {} ", former_gram("重")));
        assert_eq!(gram("重庆"), Some("重庆"));
        assert_eq!(gram("a"), Some("a"));
        assert_eq!(gram("重庆万"), None);
        assert_eq!(gram("a("), None);
    }

    #[test]
    fn a_longer_term_is_looked_up_by_its_pairs_after_the_first_character() {
        assert_eq!(key_candidates("重庆"), ["重庆"]);
        assert_eq!(key_candidates("福建城厢"), ["建城", "城厢"]);
        assert_eq!(key_candidates("a(bcd"), ["bc", "cd"]);
        assert!(key_candidates("a(b").is_empty());
        // Every name containing the term holds the pairs, wherever the term starts.
        for name in ["福建城厢电子", "新福建城厢"] {
            let held = grams(name, []);
            assert!(
                key_candidates("福建城厢")
                    .iter()
                    .all(|pair| held.contains(&format!(" {pair} ")))
            );
        }
    }

    #[test]
    fn like_wildcards_in_the_term_are_literal() {
        assert_eq!(escape_like("50%_a\\"), "50\\%\\_a\\\\");
    }
}
