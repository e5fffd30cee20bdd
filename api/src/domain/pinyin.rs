//! The pinyin search form of a name, so that `chongqing` or `cqwz` finds 重庆万州….
//!
//! Readings come from the `pinyin` crate (the pinyin-data tables), one character at a time, most
//! common first. A character with several readings (多音字: 重 is zhòng or chóng, 长 cháng or zhǎng)
//! has no single right spelling without knowing the word, so the form keeps its two most common
//! readings, combined with the other characters' into at most [`MAX_SPELLINGS`] spellings, each in
//! full and as initials: 重庆 gives ` zhongqing chongqing zq cq `. Characters are varied from the
//! start of the name, as its first characters (the place, the trade name) are what people type; past
//! the cap, characters keep their most common reading. (pinyin-data lists rare readings too, 广 as
//! yǎn and 司 as cì: varying every reading of every character would make hundreds of spellings of an
//! ordinary name.) Letters and digits in a name stay as they are; other characters are left out. Every
//! spelling is enclosed in spaces, so a `LIKE` on the form finds an exact spelling (`% q %`), a prefix
//! (`% q%`) or an infix (`%q%`), never one spanning two spellings.

use ::pinyin::ToPinyinMulti;

/// Most spellings kept for one name.
pub const MAX_SPELLINGS: usize = 4;

/// Most readings of one character spelled.
const MAX_READINGS: usize = 2;

/// The pinyin search form of `folded` (a name already folded by [`super::text::fold`]); empty when
/// the name has nothing to spell.
pub fn search_form(folded: &str) -> String {
    // Every spelling so far, in full and as initials, built up one character at a time.
    let mut spellings = vec![(String::new(), String::new())];
    for (character, readings) in folded.chars().zip(folded.to_pinyin_multi()) {
        let Some(readings) = readings else {
            if character.is_ascii_alphanumeric() {
                for (full, initials) in &mut spellings {
                    full.push(character);
                    initials.push(character);
                }
            }
            continue;
        };
        let mut plain: Vec<&str> = Vec::new();
        for reading in readings.into_iter().take(MAX_READINGS) {
            // Readings that differ only in tone are one spelling here.
            if !plain.contains(&reading.plain()) {
                plain.push(reading.plain());
            }
        }
        if spellings.len() * plain.len() > MAX_SPELLINGS {
            plain.truncate(1);
        }
        spellings = spellings
            .iter()
            .flat_map(|(full, initials)| {
                plain.iter().map(move |reading| {
                    let initial = reading.get(..1).unwrap_or_default();
                    (format!("{full}{reading}"), format!("{initials}{initial}"))
                })
            })
            .collect();
    }
    let mut distinct: Vec<&str> = Vec::new();
    let (full, initials): (Vec<&String>, Vec<&String>) = spellings.iter().map(|(f, i)| (f, i)).unzip();
    for spelling in full.into_iter().chain(initials) {
        if !spelling.is_empty() && !distinct.contains(&spelling.as_str()) {
            distinct.push(spelling);
        }
    }
    if distinct.is_empty() {
        return String::new();
    }
    format!(" {} ", distinct.join(" "))
}

/// The pinyin a search term spells, when it spells one: letters (and digits) only once spaces and
/// apostrophes (`xi'an`) are taken out, at least two of them. `None` for any other term.
pub fn query(folded: &str) -> Option<String> {
    let spelled: String = folded
        .chars()
        .filter(|c| !matches!(c, ' ' | '\'' | '’'))
        .collect();
    let is_spelling = spelled.chars().count() >= 2
        && spelled.chars().all(|c| c.is_ascii_alphanumeric())
        && spelled.chars().any(|c| c.is_ascii_alphabetic());
    is_spelling.then_some(spelled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reading_of_a_polyphonic_character_is_spelled() {
        let form = search_form("重庆万州");
        assert!(form.contains(" chongqingwanzhou "), "{form}");
        assert!(form.contains(" zhongqingwanzhou "), "{form}");
        assert!(form.contains(" cqwz "), "{form}");
        assert!(form.starts_with(' ') && form.ends_with(' '));
    }

    #[test]
    fn letters_and_digits_stay_and_punctuation_goes() {
        let form = search_form("abc(集团)3号");
        assert!(form.contains(" abcjituan3hao "), "{form}");
        assert!(form.contains(" abcjt3h "), "{form}");
        assert_eq!(search_form("(—)"), "");
    }

    #[test]
    fn long_names_keep_at_most_the_cap() {
        let form = search_form("重庆长安汽车行重庆长安汽车行重庆长安汽车行");
        assert!(form.split_whitespace().count() <= 2 * MAX_SPELLINGS, "{form}");
        assert!(form.contains(" cqca"), "{form}");
    }

    #[test]
    fn only_spelled_terms_are_pinyin_queries() {
        assert_eq!(query("chong qing").as_deref(), Some("chongqing"));
        assert_eq!(query("xi'an").as_deref(), Some("xian"));
        assert_eq!(query("cqwz").as_deref(), Some("cqwz"));
        assert_eq!(query("重庆"), None);
        assert_eq!(query("c"), None);
        assert_eq!(query("915001"), None);
    }
}
