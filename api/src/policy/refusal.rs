//! Why the access policy refused: the rule, and a message a registrar understands.

use crate::i18n::Message;

/// The rule that refused. Clients read it from `extensions.reason`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// None of the caller's roles may call the operation.
    Role,
    /// The target lies outside the caller's bureau's region.
    Jurisdiction,
    /// The caller's kind of bureau does not grant this kind of credential.
    Competence,
    /// The credential is of a level the caller's bureau may not act at.
    Level,
    /// Whoever proposed a credential (or raised an objection) does not decide it.
    MakerChecker,
    /// The caller's bureau is not a party to the agreement.
    NotAParty,
    /// The caller may not manage this account or grant this role.
    Administration,
}

impl Reason {
    /// The value of `extensions.reason`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Role => "ROLE",
            Self::Jurisdiction => "JURISDICTION",
            Self::Competence => "COMPETENCE",
            Self::Level => "LEVEL",
            Self::MakerChecker => "MAKER_CHECKER",
            Self::NotAParty => "NOT_A_PARTY",
            Self::Administration => "ADMINISTRATION",
        }
    }
}

/// A refusal by the access policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The rule that refused.
    pub reason: Reason,
    /// What was refused and why, naming the bureau and the region or kind at stake.
    pub message: Message,
}

impl Refusal {
    /// A refusal by `reason`, explained by `message`.
    pub fn new(reason: Reason, message: Message) -> Self {
        Self { reason, message }
    }
}

/// The outcome of one rule: allowed, or refused and why.
pub type Decision = Result<(), Refusal>;
