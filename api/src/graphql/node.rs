//! The Relay `Node` interface.

use async_graphql::{ID, Interface};
use entity::credential;

use super::types::agreement::RecognitionAgreement;
use super::types::announcement::Announcement;
use super::types::brand::Brand;
use super::types::credential::{
    BrandRecognition, ChiefQualityOfficer, Credential, GiAuthorization, GreenDesignation,
    LittleGiantDesignation, QualityAward,
};
use super::types::enterprise::{Enterprise, Person};
use super::types::geographic_indication::GeographicIndication;
use super::types::objection::Objection;
use super::types::program::AwardProgram;
use super::types::region::{Bureau, Region};
use super::types::user::User;

/// An object with a global ID, fetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global ID."))]
pub enum Node {
    /// A region.
    Region(Region),
    /// A bureau.
    Bureau(Bureau),
    /// An enterprise.
    Enterprise(Enterprise),
    /// A person.
    Person(Person),
    /// A brand.
    Brand(Brand),
    /// A geographic indication.
    GeographicIndication(GeographicIndication),
    /// An award programme.
    AwardProgram(AwardProgram),
    /// A recognition agreement.
    RecognitionAgreement(RecognitionAgreement),
    /// A local account.
    User(User),
    /// An objection raised during a public notice.
    Objection(Objection),
    /// A published announcement.
    Announcement(Announcement),
    /// A 专精特新 designation.
    LittleGiantDesignation(LittleGiantDesignation),
    /// A green listing.
    GreenDesignation(GreenDesignation),
    /// A brand recognition.
    BrandRecognition(BrandRecognition),
    /// A GI-mark authorisation.
    GiAuthorization(GiAuthorization),
    /// A quality award.
    QualityAward(QualityAward),
    /// A chief-quality-officer certification.
    ChiefQualityOfficer(ChiefQualityOfficer),
}

impl Node {
    /// The node for a credential row, typed by its kind.
    pub fn from_credential(model: credential::Model) -> Self {
        match Credential::from(model) {
            Credential::LittleGiant(c) => Self::LittleGiantDesignation(c),
            Credential::Green(c) => Self::GreenDesignation(c),
            Credential::BrandRecognition(c) => Self::BrandRecognition(c),
            Credential::GiAuthorization(c) => Self::GiAuthorization(c),
            Credential::QualityAward(c) => Self::QualityAward(c),
            Credential::ChiefQualityOfficer(c) => Self::ChiefQualityOfficer(c),
        }
    }
}
