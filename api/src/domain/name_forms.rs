//! The search forms stored beside every searchable name (enterprise, brand, geographic indication,
//! person), derived in this one place so that every writer stores the same forms.

use super::{pinyin, text};

/// A name's search forms: the columns `name_normalized`, `name_pinyin` and `name_grams`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameForms {
    /// Folded (NFKC, simplified script, lower case): what `LIKE` terms are matched against.
    pub normalized: String,
    /// The pinyin spellings, in full and as initials.
    pub pinyin: Option<String>,
    /// The letters and adjacent pairs of the name (after its start) and of the former names, for one-
    /// and two-character terms.
    pub grams: Option<String>,
}

impl NameForms {
    /// The forms of `name`; an enterprise's former names (their search form, `\nold\nolder\n`) are
    /// in its grams too, so that a short term finds an enterprise by either.
    pub fn of(name: &str, former_names: Option<&str>) -> Self {
        let normalized = text::fold(name);
        let former = former_names.unwrap_or_default().split('\n');
        Self {
            pinyin: Some(pinyin::search_form(&normalized)),
            grams: Some(text::grams(&normalized, former)),
            normalized,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn former_names_are_in_the_grams_only() {
        let forms = NameForms::of("重慶万州", Some("\n长安\n"));
        assert_eq!(forms.normalized, "重庆万州");
        assert!(forms.grams.as_deref().is_some_and(
            |g| g.contains(&format!(" {} ", text::former_gram("长安")))
                && g.contains(" 庆万 ")
                && !g.contains(" 重庆 ")
        ));
        assert!(
            forms
                .pinyin
                .as_deref()
                .is_some_and(|p| p.contains(" cqwz ") && !p.contains("chang"))
        );
    }
}
