//! The rules on writes, one function each, over the signed-in account and the target. Each answers
//! allowed or a [`Refusal`] that names its rule and says, in words a registrar understands, which
//! bureau may not do what, where or with which kind. The role rule lives in the table of operations
//! ([`super::operations`]); these decide whether a call may act on its particular target.

use entity::bureau;
use entity::enums::{CredentialKind, Level, Role};
use sea_orm::ActiveEnum;
use uuid::Uuid;

use super::refusal::{Decision, Reason, Refusal};
use super::{Account, Placement};
use crate::domain::rank;
use crate::i18n::Message;

/// The accounts an administrator manages.
pub enum ManagedAccounts {
    /// Every account (system administrators).
    Everyone,
    /// The staff of `bureau` and the bureaus below it, and the users of enterprises registered in
    /// `enterprises_in`.
    Below {
        bureau: Uuid,
        enterprises_in: crate::services::region::RegionScope,
    },
}

/// Roles a bureau administrator may grant: its own and those below it.
const BUREAU_ADMIN_GRANTS: [Role; 5] = [
    Role::AgencyViewer,
    Role::Registrar,
    Role::Reviewer,
    Role::BureauAdmin,
    Role::Enterprise,
];

impl Account {
    /// The caller as messages name it: its bureau, or its username without one.
    fn who(&self) -> String {
        self.bureau
            .as_ref()
            .map_or_else(|| self.username.clone(), |bureau| bureau.name.clone())
    }

    /// Its bureau's region as messages name it.
    fn home(&self) -> Message {
        match &self.bureau {
            Some(bureau) => Message::new("region-code").with("code", &bureau.region_code),
            None => Message::new("no-region"),
        }
    }

    /// The caller's bureau: staff act through it, and without one they act nowhere.
    pub fn own_bureau(&self) -> Result<&bureau::Model, Refusal> {
        self.bureau.as_ref().ok_or_else(|| {
            Refusal::new(
                Reason::Jurisdiction,
                Message::new("refusal-no-bureau").with("username", &self.username),
            )
        })
    }

    /// Role: the caller holds `role`, needed for `what` in the target's current state (a registrar
    /// withdraws a draft, a reviewer a credential on notice).
    pub fn may_act_as(&self, role: Role, what: Message) -> Decision {
        if self.has(role) {
            return Ok(());
        }
        Err(Refusal::new(
            Reason::Role,
            Message::new("refusal-role-for")
                .with("what", what)
                .with("role", role.to_value()),
        ))
    }

    /// Jurisdiction: `region_code` lies inside the caller's bureau's region; `what` names the act.
    pub fn may_act_in(&self, region_code: &str, what: Message) -> Decision {
        if self.covers(region_code) {
            return Ok(());
        }
        Err(Refusal::new(
            Reason::Jurisdiction,
            Message::new("refusal-jurisdiction")
                .with("who", self.who())
                .with("what", what)
                .with("home", self.home())
                .with("region", region_code),
        ))
    }

    /// Competence: the caller's kind of bureau grants credentials of `kind` (`competence`: the kinds
    /// its kind grants).
    pub fn may_handle(&self, kind: CredentialKind, competence: &[CredentialKind]) -> Decision {
        if competence.contains(&kind) {
            return Ok(());
        }
        let message = match &self.bureau {
            Some(bureau) => {
                Message::new("refusal-competence-of-kind").with("bureauKind", bureau.kind.to_value())
            }
            None => Message::new("refusal-competence"),
        };
        Err(Refusal::new(
            Reason::Competence,
            message.with("who", self.who()).with("kind", kind.to_value()),
        ))
    }

    /// Level and nomination: a registrar proposes at its bureau's level or nominates for a higher one.
    fn may_propose_at(&self, level: Level) -> Decision {
        match &self.bureau {
            Some(bureau) if rank(level) <= rank(bureau.level) => Ok(()),
            _ => Err(Refusal::new(
                Reason::Level,
                Message::new("refusal-propose-level")
                    .with("who", self.who())
                    .with("level", level.to_value()),
            )),
        }
    }

    /// Level: a reviewer decides credentials of exactly its bureau's level.
    fn may_decide_at(&self, level: Level) -> Decision {
        match &self.bureau {
            Some(bureau) if bureau.level == level => Ok(()),
            _ => Err(Refusal::new(
                Reason::Level,
                Message::new("refusal-decide-level")
                    .with("who", self.who())
                    .with("level", level.to_value()),
            )),
        }
    }

    /// Everything a proposal needs beyond the role: competence, jurisdiction over the holder's region
    /// and level (nominating upwards allowed).
    pub fn may_propose(
        &self,
        kind: CredentialKind,
        level: Level,
        region_code: &str,
        competence: &[CredentialKind],
    ) -> Decision {
        self.may_handle(kind, competence)?;
        self.may_act_in(region_code, Message::new("act-propose-credentials"))?;
        self.may_propose_at(level)
    }

    /// Everything a decision (approve, reject, grant, renew, revoke, an objection) needs beyond the
    /// role: competence, jurisdiction and exactly its level.
    pub fn may_decide(
        &self,
        kind: CredentialKind,
        level: Level,
        region_code: &str,
        competence: &[CredentialKind],
    ) -> Decision {
        self.may_handle(kind, competence)?;
        self.may_act_in(region_code, Message::new("act-decide-credentials"))?;
        self.may_decide_at(level)
    }

    /// Maker-checker: whoever proposed a credential may not approve, reject or grant it.
    pub fn may_check(&self, proposed_by: Option<Uuid>) -> Decision {
        if proposed_by != Some(self.user_id) {
            return Ok(());
        }
        Err(Refusal::new(
            Reason::MakerChecker,
            Message::new("refusal-proposed-it"),
        ))
    }

    /// Maker-checker for objections: whoever raised one does not decide it.
    pub fn may_judge(&self, raised_by: Uuid) -> Decision {
        if raised_by != self.user_id {
            return Ok(());
        }
        Err(Refusal::new(
            Reason::MakerChecker,
            Message::new("refusal-raised-it"),
        ))
    }

    /// Agreement party: only the administrator of a party bureau acts for it (proposes, confirms,
    /// suspends, resumes, terminates, lists); nobody acts for another bureau, not even a system
    /// administrator.
    pub fn may_act_for_party(&self, party_bureaus: &[Uuid]) -> Decision {
        let is_party = self
            .bureau
            .as_ref()
            .is_some_and(|own| party_bureaus.contains(&own.id));
        if self.has(Role::BureauAdmin) && is_party {
            return Ok(());
        }
        Err(Refusal::new(
            Reason::NotAParty,
            Message::new("refusal-not-a-party").with("who", self.who()),
        ))
    }

    /// User administration: a system administrator manages every account; a bureau administrator the
    /// staff of its bureau and the bureaus below it, and the users of enterprises inside its
    /// jurisdiction.
    pub fn may_manage_user(&self, placement: &Placement<'_>) -> Decision {
        let allowed = self.has(Role::SystemAdmin)
            || (self.has(Role::BureauAdmin)
                && match placement {
                    Placement::Bureau(lineage) => {
                        self.bureau.as_ref().is_some_and(|own| lineage.contains(&own.id))
                    }
                    Placement::Enterprise(region_code) => self.covers(region_code),
                    Placement::Unattached => false,
                });
        if allowed {
            return Ok(());
        }
        Err(Refusal::new(
            Reason::Administration,
            Message::new("refusal-manage-user")
                .with("who", self.who())
                .with("home", self.home()),
        ))
    }

    /// User administration: which accounts the caller manages (see [`Self::may_manage_user`]).
    pub fn managed_accounts(&self) -> Result<ManagedAccounts, Refusal> {
        if self.has(Role::SystemAdmin) {
            return Ok(ManagedAccounts::Everyone);
        }
        match (&self.bureau, self.jurisdiction()) {
            (Some(bureau), Some(enterprises_in)) if self.has(Role::BureauAdmin) => {
                Ok(ManagedAccounts::Below {
                    bureau: bureau.id,
                    enterprises_in,
                })
            }
            _ => Err(Refusal::new(
                Reason::Administration,
                Message::new("refusal-manages-no-accounts").with("who", self.who()),
            )),
        }
    }

    /// User administration: nobody grants (or takes away) a role above their own.
    pub fn may_grant(&self, role: Role) -> Decision {
        if self.has(Role::SystemAdmin) || (self.has(Role::BureauAdmin) && BUREAU_ADMIN_GRANTS.contains(&role))
        {
            return Ok(());
        }
        Err(Refusal::new(
            Reason::Administration,
            Message::new("refusal-grant-role").with("role", role.to_value()),
        ))
    }
}
