//! Resident identity numbers (公民身份号码, GB 11643): 17 digits (region, birth date, sequence) and an
//! ISO 7064 MOD 11-2 check character.

use crate::i18n::Message;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// The check character of a 17-digit body, or `None` if the body is not 17 digits.
pub fn check_character(body: &str) -> Option<char> {
    if body.len() != 17 || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, weight)| c.to_digit(10).unwrap_or(0) * weight)
        .sum();
    Some(char::from(CHECK[(sum % 11) as usize]))
}

/// Parses an identity number (surrounding spaces and a lower-case `x` accepted), or says what is wrong.
pub fn parse(input: &str) -> Result<String, Message> {
    let value = input.trim().to_uppercase();
    if value.chars().count() != 18 {
        return Err(Message::new("identity-number-length").with("length", value.chars().count()));
    }
    let (body, last) = value.split_at(17);
    let Some(expected) = check_character(body) else {
        return Err(Message::new("identity-number-digits"));
    };
    if !last.starts_with(expected) {
        return Err(Message::new("check-character").with("expected", expected.to_string()));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_numbers_are_checked() {
        // The standard's own example.
        assert_eq!(parse(" 11010519491231002x"), Ok("11010519491231002X".to_owned()));
        assert_eq!(
            parse("110105194912310021"),
            Err(Message::new("check-character").with("expected", "X"))
        );
        assert_eq!(
            parse("1101051949123100"),
            Err(Message::new("identity-number-length").with("length", 16))
        );
        assert_eq!(
            parse("11010519491231A02X"),
            Err(Message::new("identity-number-digits"))
        );
    }
}
