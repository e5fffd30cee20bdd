//! The unified social credit code (统一社会信用代码), GB 32100-2015.
//!
//! 18 characters from `0-9A-HJ-NPQRTUWXY` (no I, O, S, V, Z): registration authority (1), organisation
//! type (1), the registering authority's GB/T 2260 region code (6 digits), the organisation code (9), and
//! a check character: `31 - (Σ value(cᵢ)·3ⁱ mod 31) mod 31` over the first 17, mapped back to the alphabet.

use std::fmt;

use crate::i18n::Message;

/// The code alphabet; a character's value is its index.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const LENGTH: usize = 18;

/// A syntactically valid unified social credit code, upper case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Uscc(String);

/// Why a string is not a valid code; the message names the position (1-based) where it applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UsccError {
    /// Not 18 characters after trimming.
    WrongLength(usize),
    /// A character outside the alphabet.
    IllegalCharacter { position: usize, character: char },
    /// Characters 3–8 are not six digits.
    RegionNotNumeric,
    /// The 18th character does not match the checksum.
    CheckCharacter { expected: char },
}

impl UsccError {
    /// Why, in words.
    pub fn message(&self) -> Message {
        match self {
            Self::WrongLength(length) => Message::new("uscc-length").with("length", *length),
            Self::IllegalCharacter { position, character } => Message::new("uscc-character")
                .with("character", character.to_string())
                .with("position", *position),
            Self::RegionNotNumeric => Message::new("uscc-region"),
            Self::CheckCharacter { expected } => {
                Message::new("check-character").with("expected", expected.to_string())
            }
        }
    }
}

fn value_of(character: char) -> Option<usize> {
    ALPHABET.iter().position(|&c| char::from(c) == character)
}

/// The check character for the first 17 values.
fn check_character(values: &[usize]) -> char {
    let mut weight = 1;
    let mut sum = 0;
    for value in values {
        sum += value * weight;
        weight = weight * 3 % 31;
    }
    char::from(ALPHABET[(31 - sum % 31) % 31])
}

impl Uscc {
    /// Parses a code, accepting lower case and surrounding white space.
    pub fn parse(input: &str) -> Result<Self, UsccError> {
        let code = input.trim().to_ascii_uppercase();
        let length = code.chars().count();
        if length != LENGTH {
            return Err(UsccError::WrongLength(length));
        }
        let mut values = Vec::with_capacity(LENGTH);
        for (index, character) in code.chars().enumerate() {
            let value = value_of(character).ok_or(UsccError::IllegalCharacter {
                position: index + 1,
                character,
            })?;
            values.push(value);
        }
        if !code.as_bytes()[2..8].iter().all(u8::is_ascii_digit) {
            return Err(UsccError::RegionNotNumeric);
        }
        let expected = check_character(&values[..LENGTH - 1]);
        if !code.ends_with(expected) {
            return Err(UsccError::CheckCharacter { expected });
        }
        Ok(Self(code))
    }

    /// Builds a valid code from its first 17 characters by appending the check character (demo data).
    pub fn with_check_character(first17: &str) -> Result<Self, UsccError> {
        let values: Option<Vec<usize>> = first17.chars().map(value_of).collect();
        let values = values
            .filter(|v| v.len() == LENGTH - 1)
            .ok_or(UsccError::WrongLength(first17.len()))?;
        Self::parse(&format!("{first17}{}", check_character(&values)))
    }

    /// The registering authority's region code (characters 3–8); the region may since have been abolished.
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }

    /// The code as stored and shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    #[test]
    fn real_published_codes_are_valid() {
        for code in [
            "914403001922038216", // 华为技术有限公司
            "9144030071526726XG", // 深圳市腾讯计算机系统有限公司
            "91330100799655058B", // 阿里巴巴（中国）有限公司
            "91110108551385082Q", // 小米科技有限责任公司
            "91110000100010433L", // 中国石油天然气集团有限公司
            "91310000132200821H", // 上海汽车集团股份有限公司
        ] {
            assert_eq!(
                Uscc::parse(code).map(|u| u.to_string()),
                Ok(code.to_owned()),
                "{code}"
            );
        }
    }

    #[test]
    fn lower_case_and_spaces_are_normalised() {
        let uscc = Uscc::parse("  9144030071526726xg ").unwrap();
        assert_eq!(uscc.as_str(), "9144030071526726XG");
        assert_eq!(uscc.region_code(), "440300");
    }

    #[test]
    fn invalid_codes_say_why() {
        let cases = [
            ("", UsccError::WrongLength(0)),
            ("91440300192203821", UsccError::WrongLength(17)),
            ("9144030019220382166", UsccError::WrongLength(19)),
            (
                "9144030019220382I6",
                UsccError::IllegalCharacter {
                    position: 17,
                    character: 'I',
                },
            ),
            (
                "91440300192203821O",
                UsccError::IllegalCharacter {
                    position: 18,
                    character: 'O',
                },
            ),
            (
                "91440300192203821-",
                UsccError::IllegalCharacter {
                    position: 18,
                    character: '-',
                },
            ),
            ("91A40300192203821X", UsccError::RegionNotNumeric),
            ("914403001922038217", UsccError::CheckCharacter { expected: '6' }),
            ("9144030071526726XH", UsccError::CheckCharacter { expected: 'G' }),
        ];
        for (input, expected) in cases {
            assert_eq!(Uscc::parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn non_ascii_input_is_measured_in_characters() {
        assert_eq!(
            Uscc::parse("９１４４０３００１９２２０３８２１６"),
            Err(UsccError::IllegalCharacter {
                position: 1,
                character: '９'
            })
        );
    }

    #[test]
    fn the_check_character_is_appended() {
        assert_eq!(
            Uscc::with_check_character("91440300192203821").unwrap().as_str(),
            "914403001922038216"
        );
    }

    #[test]
    fn error_messages_name_the_reason() {
        let english = |error: UsccError| error.message().render(Language::English);
        assert_eq!(
            english(UsccError::CheckCharacter { expected: '6' }),
            "check character should be 6"
        );
        assert!(
            english(UsccError::IllegalCharacter {
                position: 3,
                character: 'I'
            })
            .contains("position 3")
        );
    }
}
