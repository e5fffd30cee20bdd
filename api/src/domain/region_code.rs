//! GB/T 2260 administrative division codes (行政区划代码).
//!
//! Six digits: province (2), prefecture (2), county (2). A province's code ends in `0000`, a
//! prefecture's in `00`; `000000` stands for the nation. The code alone therefore says which codes lie
//! below it, which lets region filters become one index range instead of a list of sub-regions.

use std::fmt;

use crate::i18n::Message;

/// A syntactically valid region code. Whether the region exists is the region service's question.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(String);

/// The code of the whole nation, the root of the tree.
pub const NATION: &str = "000000";

impl RegionCode {
    /// Parses six ASCII digits, surrounding white space ignored.
    pub fn parse(input: &str) -> Result<Self, Message> {
        let code = input.trim();
        if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(code.to_owned()))
        } else {
            Err(Message::new("region-code-format").with("code", code))
        }
    }

    /// The whole nation, the root of the tree.
    pub fn nation() -> Self {
        Self(NATION.to_owned())
    }

    /// The code as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The prefix every code of this region and of the regions below it starts with (GB/T 2260 codes
    /// nest by prefix: `51` for Sichuan, `5101` for Chengdu, the whole code for a county), or `None`
    /// for the nation (everything).
    pub fn subtree_prefix(&self) -> Option<&str> {
        if self.0 == NATION {
            None
        } else if self.0.ends_with("0000") {
            Some(&self.0[..2])
        } else if self.0.ends_with("00") {
            Some(&self.0[..4])
        } else {
            Some(&self.0)
        }
    }

    /// The half-open range `[from, to)` of the codes of this region and every region below it, or `None`
    /// for the nation (everything).
    pub fn subtree_range(&self) -> Option<(String, String)> {
        let prefix = self.subtree_prefix()?;
        let prefix_len = prefix.len();
        let number: u32 = prefix.parse().ok()?;
        let zeros = "0".repeat(6 - prefix_len);
        let from = format!("{number:0prefix_len$}{zeros}");
        let to = format!("{:0prefix_len$}{zeros}", number + 1);
        Some((from, to))
    }
}

impl RegionCode {
    /// Whether `code` is this region or lies below it.
    pub fn contains(&self, code: &str) -> bool {
        self.subtree_prefix()
            .is_none_or(|prefix| code.len() == self.0.len() && code.starts_with(prefix))
    }

    /// Whether `code` is this region or one it could lie below: one of [`Self::with_ancestors`],
    /// answered without building the list (verdicts ask it of every credential they judge).
    pub fn lies_within(&self, code: &str) -> bool {
        let own = self.0.as_bytes();
        let other = code.as_bytes();
        other.len() == own.len()
            && (code == NATION
                || [2, 4, 6].iter().any(|&kept| {
                    other[..kept] == own[..kept] && other[kept..].iter().all(|&digit| digit == b'0')
                }))
    }

    /// This code and the codes of every region it could lie below, nearest first, ending with the
    /// nation: `510104` → `510104`, `510100`, `510000`, `000000`. Read from the code's structure, so a
    /// prefecture code in the list may not exist (Chongqing's districts hang under the municipality).
    pub fn with_ancestors(&self) -> Vec<String> {
        let mut codes = vec![self.0.clone()];
        for prefix_len in [4, 2] {
            let candidate = format!("{}{}", &self.0[..prefix_len], "0".repeat(6 - prefix_len));
            if !codes.contains(&candidate) {
                codes.push(candidate);
            }
        }
        if !codes.iter().any(|code| code == NATION) {
            codes.push(NATION.to_owned());
        }
        codes
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn subtree_ranges_follow_the_code_structure() {
        assert_eq!(code("000000").subtree_range(), None);
        assert_eq!(
            code("500000").subtree_range(),
            Some(("500000".into(), "510000".into()))
        );
        assert_eq!(
            code("510100").subtree_range(),
            Some(("510100".into(), "510200".into()))
        );
        assert_eq!(
            code("500103").subtree_range(),
            Some(("500103".into(), "500104".into()))
        );
        assert_eq!(
            code("650000").subtree_range(),
            Some(("650000".into(), "660000".into()))
        );
    }

    #[test]
    fn subtree_prefixes_follow_the_code_structure() {
        assert_eq!(code("000000").subtree_prefix(), None);
        assert_eq!(code("510000").subtree_prefix(), Some("51"));
        assert_eq!(code("510100").subtree_prefix(), Some("5101"));
        assert_eq!(code("500103").subtree_prefix(), Some("500103"));
    }

    #[test]
    fn a_region_contains_itself_and_what_lies_below_it() {
        assert!(code("510000").contains("510104"));
        assert!(code("510100").contains("510100"));
        assert!(!code("510100").contains("510200"));
        assert!(!code("500000").contains("510104"));
        assert!(code("000000").contains("310115"));
        assert!(!code("500103").contains("500000"));
    }

    #[test]
    fn ancestors_follow_the_code_structure_up_to_the_nation() {
        assert_eq!(
            code("510104").with_ancestors(),
            ["510104", "510100", "510000", "000000"]
        );
        assert_eq!(code("510100").with_ancestors(), ["510100", "510000", "000000"]);
        assert_eq!(code("500000").with_ancestors(), ["500000", "000000"]);
        assert_eq!(code("000000").with_ancestors(), ["000000"]);
        for region in ["510104", "510100", "500000", "000000", "500103"] {
            for other in [
                "510104", "510100", "510000", "500000", "000000", "510200", "500103", "51",
            ] {
                assert_eq!(
                    code(region).lies_within(other),
                    code(region).with_ancestors().iter().any(|code| code == other),
                    "{other} above {region}"
                );
            }
        }
    }

    #[test]
    fn only_six_digits_parse() {
        assert_eq!(code(" 500103 ").as_str(), "500103");
        for bad in ["", "50010", "5001030", "50010a", "５００１０３"] {
            assert!(RegionCode::parse(bad).is_err(), "{bad:?}");
        }
    }
}
