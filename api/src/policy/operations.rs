//! The table of operations: every query and mutation of the schema, and who may call it at all. It is
//! the one source of the role decision ([`super::Viewer::require`]), of `viewer.operations`, and of
//! the rows the access-matrix test calls; a schema field missing here fails that test. Whether the
//! call succeeds on a given object is decided by the other rules (jurisdiction, competence, level,
//! maker-checker, party, administration), per call.

use entity::enums::Role;

/// Who may call an operation at all.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Who {
    /// Everyone, signed in or not (reads filter what each caller sees).
    Anyone,
    /// Anyone signed in.
    SignedIn,
    /// Staff of a bureau, in any staff role, and system administrators.
    Staff,
    /// Holders of one of these roles.
    Roles(&'static [Role]),
}

/// One query or mutation field of the schema.
#[derive(Copy, Clone, Debug)]
pub struct Operation {
    /// The field's name in the schema.
    pub name: &'static str,
    /// Who may call it.
    pub who: Who,
}

const REGISTRAR: Who = Who::Roles(&[Role::Registrar]);
const REVIEWER: Who = Who::Roles(&[Role::Reviewer]);
const ADMINISTRATORS: Who = Who::Roles(&[Role::BureauAdmin, Role::SystemAdmin]);
const BUREAU_ADMIN: Who = Who::Roles(&[Role::BureauAdmin]);
const SYSTEM_ADMIN: Who = Who::Roles(&[Role::SystemAdmin]);

const fn op(name: &'static str, who: Who) -> Operation {
    Operation { name, who }
}

/// Every operation of the schema.
pub const OPERATIONS: &[Operation] = &[
    // Reading: open to everyone; each list shows what the caller may see.
    op("viewer", Who::Anyone),
    op("errorCodes", Who::Anyone),
    op("node", Who::Anyone),
    op("nodes", Who::Anyone),
    op("regions", Who::Anyone),
    op("region", Who::Anyone),
    op("bureaus", Who::Anyone),
    op("bureau", Who::Anyone),
    op("enterprise", Who::Anyone),
    op("enterprises", Who::Anyone),
    op("search", Who::Anyone),
    op("changes", Who::Anyone),
    op("littleGiants", Who::Anyone),
    op("greenDesignations", Who::Anyone),
    op("brandRecognitions", Who::Anyone),
    op("giAuthorizations", Who::Anyone),
    op("qualityAwards", Who::Anyone),
    op("chiefQualityOfficers", Who::Anyone),
    op("brands", Who::Anyone),
    op("geographicIndications", Who::Anyone),
    op("awardPrograms", Who::Anyone),
    op("recognitionAgreements", Who::Anyone),
    op("announcements", Who::Anyone),
    op("recognitionVerdict", Who::Anyone),
    op("verifyCredentials", Who::Anyone),
    op("statistics", Who::Anyone),
    op("auditEvents", Who::Staff),
    op("users", ADMINISTRATORS),
    // Accounts and administration.
    op("login", Who::Anyone),
    op("createUser", ADMINISTRATORS),
    op("setUserStatus", ADMINISTRATORS),
    op("setUserRoles", ADMINISTRATORS),
    op("createBureau", SYSTEM_ADMIN),
    op("setBureauCompetence", SYSTEM_ADMIN),
    // Registration.
    op("createEnterprise", REGISTRAR),
    op("updateEnterprise", REGISTRAR),
    op("createPerson", REGISTRAR),
    op("updatePerson", REGISTRAR),
    op("createBrand", REGISTRAR),
    op("createGeographicIndication", REGISTRAR),
    op(
        "createAnnouncement",
        Who::Roles(&[Role::Registrar, Role::Reviewer]),
    ),
    // Proposals and the lifecycle.
    op("proposeLittleGiant", REGISTRAR),
    op("proposeGreenDesignation", REGISTRAR),
    op("proposeBrandRecognition", REGISTRAR),
    op("proposeGiAuthorization", REGISTRAR),
    op("proposeQualityAward", REGISTRAR),
    op("proposeChiefQualityOfficer", REGISTRAR),
    op("importCredentials", REGISTRAR),
    op("submitCredential", REGISTRAR),
    op("approveCredential", REVIEWER),
    op("rejectCredential", REVIEWER),
    op(
        "withdrawCredential",
        Who::Roles(&[Role::Registrar, Role::Reviewer]),
    ),
    op("grantCredential", REVIEWER),
    op("renewCredential", REVIEWER),
    op("revokeCredential", REVIEWER),
    op("raiseObjection", Who::SignedIn),
    op("decideObjection", REVIEWER),
    // Mutual recognition.
    op("createAgreement", BUREAU_ADMIN),
    op("confirmAgreement", BUREAU_ADMIN),
    op("suspendAgreement", BUREAU_ADMIN),
    op("resumeAgreement", BUREAU_ADMIN),
    op("terminateAgreement", BUREAU_ADMIN),
    op("listCredential", BUREAU_ADMIN),
    op("unlistCredential", BUREAU_ADMIN),
];

/// The operation named `name`, if the table has it.
pub fn find(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|operation| operation.name == name)
}
