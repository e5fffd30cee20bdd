//! The access policy: the one place that answers "may this viewer see or do this" and "which rows may
//! this viewer see" (as a SQL condition, so lists are filtered in the database, not after loading).
//! Every resolver and service asks here; nothing else decides visibility.
//!
//! Until accounts exist every caller is the public (DESIGN §5): it sees credentials on public notice,
//! granted (including expired) and revoked, never drafts or rejected proposals, and never personal
//! identity numbers or phones.

use entity::{credential, enums::CredentialStatus};
use sea_orm::{ColumnTrait, Condition};

/// Who is asking.
#[derive(Clone, Debug, Default)]
pub enum Viewer {
    /// No token.
    #[default]
    Public,
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
}

impl Viewer {
    /// The condition a credential row must meet to be visible to this viewer.
    pub fn credential_condition(&self) -> Condition {
        match self {
            Self::Public => Condition::all().add(credential::Column::Status.is_in(PUBLIC_CREDENTIAL_STATES)),
        }
    }

    /// Whether this viewer may see a credential in the given stored state.
    pub fn may_see_credential(&self, status: CredentialStatus) -> bool {
        match self {
            Self::Public => PUBLIC_CREDENTIAL_STATES.contains(&status),
        }
    }

    /// How much personal data of a person this viewer may read.
    pub fn personal_data(&self) -> PersonalData {
        match self {
            Self::Public => PersonalData::Hidden,
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
    fn the_public_never_reads_personal_data() {
        assert_eq!(Viewer::Public.personal_data(), PersonalData::Hidden);
    }
}
