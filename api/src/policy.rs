//! The access policy: the one place that answers "may this viewer see or do this" and "which rows may
//! this viewer see" (as a SQL condition, so lists are filtered in the database, not after loading).
//! Every resolver and service asks here; nothing else decides visibility.
//!
//! The public (DESIGN §5) sees credentials on public notice, granted (including expired) and
//! revoked, never drafts or rejected proposals, and never personal identity numbers or phones.
//! Signed-in users see the same until the role rules (jurisdiction, competence, staff visibility)
//! land; denying by default keeps that step safe.

use entity::{bureau, credential, enums::CredentialStatus, enums::Role};
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

/// Who is asking.
#[derive(Clone, Debug, Default)]
pub enum Viewer {
    /// No token.
    #[default]
    Public,
    /// A signed-in local account.
    User(Box<Account>),
}

/// A signed-in user as the policy sees it: re-read from the database on every request, so a disabled
/// account or a removed role takes effect at once.
#[derive(Clone, Debug)]
pub struct Account {
    /// The user's id.
    pub user_id: Uuid,
    /// Login name.
    pub username: String,
    /// Name to show.
    pub display_name: String,
    /// Roles held now.
    pub roles: Vec<Role>,
    /// The bureau a staff member belongs to.
    pub bureau: Option<bureau::Model>,
    /// The enterprise an enterprise user belongs to.
    pub enterprise_id: Option<Uuid>,
}

/// Stored credential states the public may see. `EXPIRED` is stored as `GRANTED`.
const PUBLIC_CREDENTIAL_STATES: [CredentialStatus; 3] = [
    CredentialStatus::PublicNotice,
    CredentialStatus::Granted,
    CredentialStatus::Revoked,
];

/// How much of a person's personal data (identity number, phone) a viewer gets.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PersonalData {
    /// Nothing: the field reads as null.
    Hidden,
    /// The first and last characters only, e.g. `5001**********123X`.
    Masked,
    /// The whole value.
    Full,
}

impl PersonalData {
    /// What of `value` the viewer gets.
    pub fn apply(self, value: Option<&str>) -> Option<String> {
        match self {
            Self::Hidden => None,
            Self::Masked => value.map(mask),
            Self::Full => value.map(str::to_owned),
        }
    }
}

/// Keeps the first four and last four characters and stars the rest (everything, when that short).
fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let hidden = chars.len() - 8;
    chars[..4]
        .iter()
        .chain(std::iter::repeat_n(&'*', hidden))
        .chain(&chars[chars.len() - 4..])
        .collect()
}

impl Viewer {
    /// The condition a credential row must meet to be visible to this viewer.
    pub fn credential_condition(&self) -> Condition {
        match self {
            Self::Public | Self::User(_) => {
                Condition::all().add(credential::Column::Status.is_in(PUBLIC_CREDENTIAL_STATES))
            }
        }
    }

    /// Whether this viewer may see a credential in the given stored state.
    pub fn may_see_credential(&self, status: CredentialStatus) -> bool {
        match self {
            Self::Public | Self::User(_) => PUBLIC_CREDENTIAL_STATES.contains(&status),
        }
    }

    /// How much personal data of a person this viewer may read.
    pub fn personal_data(&self) -> PersonalData {
        match self {
            Self::Public | Self::User(_) => PersonalData::Hidden,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_sees_only_published_states() {
        let public = Viewer::Public;
        for (status, visible) in [
            (CredentialStatus::Draft, false),
            (CredentialStatus::Submitted, false),
            (CredentialStatus::Rejected, false),
            (CredentialStatus::Withdrawn, false),
            (CredentialStatus::PublicNotice, true),
            (CredentialStatus::Granted, true),
            (CredentialStatus::Revoked, true),
        ] {
            assert_eq!(public.may_see_credential(status), visible, "{status:?}");
        }
    }

    #[test]
    fn masking_keeps_only_the_ends() {
        assert_eq!(mask("50010319800101123X"), "5001**********123X");
        assert_eq!(mask("13800138000"), "1380***8000");
        assert_eq!(mask("12345678"), "********");
        assert_eq!(PersonalData::Full.apply(Some("x")), Some("x".to_owned()));
        assert_eq!(PersonalData::Hidden.apply(Some("x")), None);
    }

    #[test]
    fn the_public_never_reads_personal_data() {
        assert_eq!(Viewer::Public.personal_data(), PersonalData::Hidden);
    }
}
