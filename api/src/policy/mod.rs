//! The access policy: the one place that answers "may this viewer see or do this" and "which rows may
//! this viewer see" (as a SQL condition, so lists are filtered in the database, not after loading).
//! Every resolver and service asks here; nothing else decides visibility.
//!
//! Reads (DESIGN §5): the public sees credentials on public notice, granted (including expired) and
//! revoked, never drafts or rejected proposals, and never identity numbers or phones. Staff (agency
//! viewers, registrars, reviewers, bureau administrators) also see every state inside their
//! jurisdiction, their bureau's region and everything below it; enterprise users their own
//! enterprise's. Personal data: whole values for registrars, reviewers and bureau administrators inside
//! their jurisdiction (each read is audited), masked for other staff, nothing for anyone else.

pub mod operations;
pub mod refusal;
mod rules;

pub use rules::ManagedAccounts;

use entity::enums::{CredentialStatus, Role};
use entity::{bureau, credential, person};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use uuid::Uuid;

use crate::domain::RegionCode;
use crate::error::{ApiError, ApiResult};
use crate::i18n::{Message, any_of};
use crate::services::region::{RegionScope, within};
use operations::{OPERATIONS, Operation, Who};
use refusal::{Reason, Refusal};

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

impl Account {
    /// Whether the user holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The enterprise whose records the user sees as its own: an enterprise user's enterprise.
    fn own_enterprise(&self) -> Option<Uuid> {
        self.enterprise_id.filter(|_| self.has(Role::Enterprise))
    }

    /// Where the user acts as staff: its bureau's region and everything below it (a national bureau:
    /// everywhere; a system administrator: everywhere). `None` for users without a staff role.
    pub fn jurisdiction(&self) -> Option<RegionScope> {
        if self.has(Role::SystemAdmin) {
            return Some(RegionScope::new(RegionCode::nation(), true));
        }
        let staff = [
            Role::AgencyViewer,
            Role::Registrar,
            Role::Reviewer,
            Role::BureauAdmin,
        ];
        if !staff.iter().any(|role| self.has(*role)) {
            return None;
        }
        let bureau = self.bureau.as_ref()?;
        let code = RegionCode::parse(&bureau.region_code).ok()?;
        Some(RegionScope::new(code, true))
    }

    /// The audit events the user may read: a system administrator all of them, other staff those of
    /// actors whose bureau lies in their jurisdiction and those about credentials held inside it (so a
    /// credential's history includes what outsiders did to it, such as an objection).
    pub fn audit_condition(&self) -> Condition {
        use sea_orm::{QuerySelect, QueryTrait};
        let Some(scope) = self.jurisdiction().filter(|_| !self.has(Role::SystemAdmin)) else {
            return Condition::all();
        };
        let bureaus = bureau::Entity::find()
            .select_only()
            .column(bureau::Column::Id)
            .filter(within(bureau::Column::RegionCode, &scope))
            .into_query();
        let credentials = credential::Entity::find()
            .select_only()
            .column(credential::Column::Id)
            .filter(within(credential::Column::RegionCode, &scope))
            .into_query();
        Condition::any()
            .add(entity::audit_event::Column::ActorBureauId.in_subquery(bureaus))
            .add(
                Condition::all()
                    .add(entity::audit_event::Column::EntityType.eq("credential"))
                    .add(entity::audit_event::Column::EntityId.in_subquery(credentials)),
            )
    }

    /// Whether `region_code` lies inside the user's jurisdiction.
    pub fn covers(&self, region_code: &str) -> bool {
        self.jurisdiction()
            .is_some_and(|scope| scope.code.contains(region_code))
    }
}

/// Where a user account sits, as far as who may manage it is concerned.
pub enum Placement<'a> {
    /// Staff of a bureau: the bureau's id followed by its ancestors' ids, nearest first.
    Bureau(&'a [Uuid]),
    /// A user of an enterprise registered in this region.
    Enterprise(&'a str),
    /// Neither (system administrators).
    Unattached,
}

impl Viewer {
    /// The signed-in account, or `UNAUTHENTICATED` for the public.
    pub fn account(&self) -> ApiResult<&Account> {
        match self {
            Self::User(account) => Ok(account),
            Self::Public => Err(ApiError::Unauthenticated(Message::new("sign-in-first"))),
        }
    }

    /// Whether this viewer may call `operation` at all.
    fn permits(&self, operation: &Operation) -> bool {
        match (operation.who, self) {
            (Who::Anyone, _) => true,
            (_, Self::Public) => false,
            (Who::SignedIn, Self::User(_)) => true,
            (Who::Staff, Self::User(account)) => account.jurisdiction().is_some(),
            (Who::Roles(roles), Self::User(account)) => roles.iter().any(|role| account.has(*role)),
        }
    }

    /// The role rule: the signed-in account, when the table of operations lets it call `name` at all;
    /// `UNAUTHENTICATED` for the public, `FORBIDDEN` (reason `ROLE`) for the wrong roles. An operation
    /// missing from the table is refused to everyone (and fails the access-matrix test).
    pub fn require(&self, name: &str) -> ApiResult<&Account> {
        let Some(operation) = operations::find(name) else {
            return Err(ApiError::Internal(format!(
                "operation {name} has no rule in the policy table"
            )));
        };
        let account = self.account()?;
        if self.permits(operation) {
            return Ok(account);
        }
        let wanted = match operation.who {
            Who::Roles(roles) => any_of(roles.iter().map(sea_orm::ActiveEnum::to_value)),
            _ => Message::new("staff-of-a-bureau").into(),
        };
        Err(ApiError::Forbidden(Refusal::new(
            Reason::Role,
            Message::new("refusal-operation-role")
                .with("operation", name)
                .with("roles", wanted)
                .with("username", &account.username),
        )))
    }

    /// The operations this viewer may call at all (whether on a given object is decided per call), in
    /// the table's order, so a frontend can show or hide its buttons.
    pub fn operations(&self) -> Vec<&'static str> {
        OPERATIONS
            .iter()
            .filter(|operation| self.permits(operation))
            .map(|operation| operation.name)
            .collect()
    }

    /// Bulk exports (`GET /export/{list}`, `registry export`) are for signed-in callers, who answer for
    /// what they take away; each row exported is one the caller's lists show, under the same conditions.
    pub fn may_export(&self) -> ApiResult<&Account> {
        self.account()
    }

    /// Whether this viewer is staff of a bureau (or a system administrator).
    pub fn is_staff(&self) -> bool {
        matches!(self, Self::User(account) if account.jurisdiction().is_some())
    }

    /// The condition a credential row must meet to be visible to this viewer: published states for
    /// everyone; every state inside a staff member's jurisdiction; every state of an enterprise user's
    /// own enterprise.
    pub fn credential_condition(&self) -> Condition {
        let published = Condition::all().add(credential::Column::Status.is_in(PUBLIC_CREDENTIAL_STATES));
        let Self::User(account) = self else {
            return published;
        };
        let mut visible = Condition::any().add(published);
        if let Some(scope) = account.jurisdiction() {
            visible = visible.add(within(credential::Column::RegionCode, &scope));
        }
        if let Some(enterprise) = account.own_enterprise() {
            visible = visible.add(credential::Column::HolderEnterpriseId.eq(enterprise));
        }
        visible
    }

    /// Whether [`Self::credential_condition`] goes by a credential's region and state alone, not by its
    /// holder (it does for everyone but an enterprise user), so that what this viewer sees can be
    /// counted from tallies by region and state.
    pub fn sees_credentials_by_region_and_state(&self) -> bool {
        match self {
            Self::Public => true,
            Self::User(account) => account.own_enterprise().is_none(),
        }
    }

    /// The condition a change in the feed must meet to be read by this viewer: public changes for
    /// everyone; every change in a staff member's jurisdiction; every change of an enterprise user's own
    /// enterprise.
    pub fn change_condition(&self) -> Condition {
        use entity::change_event::Column;
        let public = Condition::all().add(Column::Visibility.eq(crate::services::changes::PUBLIC));
        let Self::User(account) = self else {
            return public;
        };
        let mut visible = Condition::any().add(public);
        if let Some(scope) = account.jurisdiction() {
            visible = visible.add(within(Column::RegionCode, &scope));
        }
        if let Some(enterprise) = account.own_enterprise() {
            visible = visible.add(Column::EnterpriseId.eq(enterprise));
        }
        visible
    }

    /// The condition a person row must meet to be found by this viewer: holding a credential the viewer
    /// may see, or, for staff, being registered inside their jurisdiction. A person known only from a
    /// draft stays out of public search.
    pub fn person_condition(&self) -> Condition {
        use sea_orm::sea_query::{Expr, ExprTrait};
        // `EXISTS`, correlated on the holder: each person's credentials are looked up by the holder
        // index. As `id IN (holders)`, SQLite built the list of every visible credential's holder,
        // scanning all credentials for each search.
        let held = credential::Entity::find()
            .select_only()
            .expr(Expr::val(1))
            .filter(
                Expr::col((credential::Entity, credential::Column::HolderPersonId))
                    .equals((person::Entity, person::Column::Id)),
            )
            .filter(self.credential_condition())
            .into_query();
        let visible = Condition::any().add(Expr::exists(held));
        match self {
            Self::User(account) => match account.jurisdiction() {
                Some(scope) => visible.add(within(person::Column::RegionCode, &scope)),
                None => visible,
            },
            Self::Public => visible,
        }
    }

    /// Whether this viewer may see one credential: the row-level twin of [`Self::credential_condition`].
    pub fn may_see_credential(&self, credential: &credential::Model) -> bool {
        PUBLIC_CREDENTIAL_STATES.contains(&credential.status) || self.may_see_internals(credential)
    }

    /// Whether this viewer may read a credential's internal fields (who proposed and reviewed it): staff
    /// inside their jurisdiction, and an enterprise user for its own enterprise's credentials.
    pub fn may_see_internals(&self, credential: &credential::Model) -> bool {
        let Self::User(account) = self else {
            return false;
        };
        account.covers(&credential.region_code)
            || account
                .own_enterprise()
                .is_some_and(|own| credential.holder_enterprise_id == Some(own))
    }

    /// How much personal data of a person registered in `region_code` this viewer may read: registrars,
    /// reviewers and bureau administrators the whole value inside their jurisdiction; other staff a
    /// masked value; the public and enterprise users nothing.
    pub fn personal_data(&self, region_code: &str) -> PersonalData {
        let Self::User(account) = self else {
            return PersonalData::Hidden;
        };
        if account.jurisdiction().is_none() {
            return PersonalData::Hidden;
        }
        let entitled = [Role::Registrar, Role::Reviewer, Role::BureauAdmin]
            .iter()
            .any(|role| account.has(*role));
        if entitled && account.covers(region_code) && !account.has(Role::SystemAdmin) {
            PersonalData::Full
        } else {
            PersonalData::Masked
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::enums::{CredentialKind, Level};

    fn credential(status: CredentialStatus, region: &str) -> credential::Model {
        crate::test_support::credential(CredentialKind::LittleGiant, region, status)
    }

    fn staff(role: Role, region: &str) -> Viewer {
        let now = chrono::Utc::now();
        Viewer::User(Box::new(Account {
            user_id: Uuid::now_v7(),
            username: "u".into(),
            display_name: "u".into(),
            roles: vec![role],
            bureau: Some(bureau::Model {
                id: Uuid::now_v7(),
                created_at: now,
                updated_at: now,
                version: 1,
                code: "B".into(),
                name: "B".into(),
                kind: entity::enums::BureauKind::MarketRegulation,
                level: entity::enums::Level::Provincial,
                region_code: region.into(),
                parent_id: None,
            }),
            enterprise_id: None,
        }))
    }

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
            assert_eq!(
                public.may_see_credential(&credential(status, "500103")),
                visible,
                "{status:?}"
            );
        }
    }

    #[test]
    fn staff_see_drafts_inside_their_jurisdiction_only() {
        let chongqing = staff(Role::Registrar, "500000");
        assert!(chongqing.may_see_credential(&credential(CredentialStatus::Draft, "500103")));
        assert!(!chongqing.may_see_credential(&credential(CredentialStatus::Draft, "510104")));
        let district = staff(Role::AgencyViewer, "500103");
        assert!(!district.may_see_credential(&credential(CredentialStatus::Draft, "500112")));
        let national = staff(Role::Reviewer, "000000");
        assert!(national.may_see_credential(&credential(CredentialStatus::Submitted, "310115")));
    }

    #[test]
    fn personal_data_depends_on_role_and_jurisdiction() {
        assert_eq!(
            staff(Role::Registrar, "500000").personal_data("500103"),
            PersonalData::Full
        );
        assert_eq!(
            staff(Role::Reviewer, "500000").personal_data("510104"),
            PersonalData::Masked
        );
        assert_eq!(
            staff(Role::AgencyViewer, "500000").personal_data("500103"),
            PersonalData::Masked
        );
        assert_eq!(
            staff(Role::BureauAdmin, "500103").personal_data("500103"),
            PersonalData::Full
        );
        assert_eq!(
            staff(Role::Enterprise, "500000").personal_data("500103"),
            PersonalData::Hidden
        );
        assert_eq!(Viewer::Public.personal_data("500103"), PersonalData::Hidden);
    }

    fn staff_at(role: Role, region: &str, level: Level) -> Account {
        match staff(role, region) {
            Viewer::User(mut account) => {
                if let Some(bureau) = account.bureau.as_mut() {
                    bureau.level = level;
                }
                *account
            }
            Viewer::Public => unreachable!(),
        }
    }

    /// The rule that refused, or `None` when allowed.
    fn refused_by(decision: refusal::Decision) -> Option<Reason> {
        decision.err().map(|refusal| refusal.reason)
    }

    #[test]
    fn registrars_propose_within_competence_jurisdiction_and_at_or_above_their_level() {
        let industry = [CredentialKind::LittleGiant, CredentialKind::Green];
        let registrar = staff_at(Role::Registrar, "500000", Level::Provincial);
        let propose = |kind, level, region| refused_by(registrar.may_propose(kind, level, region, &industry));
        assert_eq!(
            propose(CredentialKind::LittleGiant, Level::Provincial, "500103"),
            None
        );
        assert_eq!(
            propose(CredentialKind::LittleGiant, Level::National, "500103"),
            None,
            "nominates"
        );
        assert_eq!(
            propose(CredentialKind::LittleGiant, Level::County, "500103"),
            Some(Reason::Level)
        );
        assert_eq!(
            propose(CredentialKind::QualityAward, Level::Provincial, "500103"),
            Some(Reason::Competence)
        );
        assert_eq!(
            propose(CredentialKind::Green, Level::Provincial, "510104"),
            Some(Reason::Jurisdiction)
        );
    }

    #[test]
    fn reviewers_decide_only_at_their_own_level_and_never_on_their_own_proposals() {
        let industry = [CredentialKind::LittleGiant];
        let reviewer = staff_at(Role::Reviewer, "000000", Level::National);
        let decide = |kind, level| refused_by(reviewer.may_decide(kind, level, "500103", &industry));
        assert_eq!(decide(CredentialKind::LittleGiant, Level::National), None);
        assert_eq!(
            decide(CredentialKind::LittleGiant, Level::Provincial),
            Some(Reason::Level)
        );
        assert_eq!(
            decide(CredentialKind::Green, Level::National),
            Some(Reason::Competence)
        );
        assert_eq!(refused_by(reviewer.may_check(None)), None);
        assert_eq!(refused_by(reviewer.may_check(Some(Uuid::now_v7()))), None);
        assert_eq!(
            refused_by(reviewer.may_check(Some(reviewer.user_id))),
            Some(Reason::MakerChecker)
        );
        assert_eq!(
            refused_by(reviewer.may_judge(reviewer.user_id)),
            Some(Reason::MakerChecker)
        );
    }

    #[test]
    fn only_a_party_bureaus_admin_acts_for_it_and_lists_only_its_own_credentials() {
        let admin = staff_at(Role::BureauAdmin, "500000", Level::Provincial);
        let own = admin.bureau.as_ref().map(|b| b.id).unwrap();
        let other = Uuid::now_v7();
        assert_eq!(refused_by(admin.may_act_for_party(&[own, other])), None);
        assert_eq!(
            refused_by(admin.may_act_for_party(&[other])),
            Some(Reason::NotAParty)
        );
        assert_eq!(
            refused_by(admin.may_act_in("500103", Message::new("act-list-credentials"))),
            None
        );
        assert_eq!(
            refused_by(admin.may_act_in("510104", Message::new("act-list-credentials"))),
            Some(Reason::Jurisdiction)
        );
        let reviewer = staff_at(Role::Reviewer, "500000", Level::Provincial);
        let reviewers_own = reviewer.bureau.as_ref().map(|b| b.id).unwrap();
        assert!(reviewer.may_act_for_party(&[reviewers_own]).is_err());
        let mut root = staff_at(Role::SystemAdmin, "000000", Level::National);
        root.bureau = None;
        assert!(
            root.may_act_for_party(&[own, other]).is_err(),
            "nobody acts for another bureau"
        );
    }

    #[test]
    fn every_operation_has_exactly_one_rule_and_the_viewers_list_follows_it() {
        let mut names: Vec<&str> = OPERATIONS.iter().map(|operation| operation.name).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "an operation listed twice");
        let registrar = staff(Role::Registrar, "500000");
        assert!(registrar.operations().contains(&"proposeLittleGiant"));
        assert!(!registrar.operations().contains(&"approveCredential"));
        assert!(registrar.require("proposeLittleGiant").is_ok());
        let refused = registrar.require("approveCredential").err();
        assert!(
            matches!(&refused, Some(ApiError::Forbidden(refusal)) if refusal.reason == Reason::Role),
            "{refused:?}"
        );
        assert!(matches!(
            Viewer::Public.require("raiseObjection"),
            Err(ApiError::Unauthenticated(_))
        ));
        assert!(matches!(
            registrar.require("noSuchOperation"),
            Err(ApiError::Internal(_))
        ));
    }

    #[test]
    fn masking_keeps_only_the_ends() {
        assert_eq!(mask("50010319800101123X"), "5001**********123X");
        assert_eq!(mask("13800138000"), "1380***8000");
        assert_eq!(mask("12345678"), "********");
        assert_eq!(PersonalData::Full.apply(Some("x")), Some("x".to_owned()));
        assert_eq!(PersonalData::Hidden.apply(Some("x")), None);
    }
}
