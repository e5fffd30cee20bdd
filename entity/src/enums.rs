//! Enumerations stored as short upper-case strings, so rows read the same in any SQL shell and on
//! every backend. The API crate mirrors each with descriptions for the schema.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Declares a string-backed enum whose stored value is the variant's upper snake-case name.
macro_rules! stored_enum {
    ($name:ident { $($variant:ident = $value:literal),+ $(,)? }) => {
        #[derive(
            Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, EnumIter, DeriveActiveEnum, Serialize,
            Deserialize,
        )]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(48))")]
        pub enum $name {
            $(#[sea_orm(string_value = $value)] $variant,)+
        }
    };
}

stored_enum!(Level {
    National = "NATIONAL",
    Provincial = "PROVINCIAL",
    Prefectural = "PREFECTURAL",
    County = "COUNTY",
});

stored_enum!(BureauKind {
    MarketRegulation = "MARKET_REGULATION",
    IndustryIt = "INDUSTRY_IT",
    Agriculture = "AGRICULTURE",
    IpOffice = "IP_OFFICE",
    DevelopmentReform = "DEVELOPMENT_REFORM",
    HousingConstruction = "HOUSING_CONSTRUCTION",
    CultureTourism = "CULTURE_TOURISM",
});

stored_enum!(CredentialKind {
    LittleGiant = "LITTLE_GIANT",
    Green = "GREEN",
    BrandRecognition = "BRAND_RECOGNITION",
    GiAuthorization = "GI_AUTHORIZATION",
    QualityAward = "QUALITY_AWARD",
    ChiefQualityOfficer = "CHIEF_QUALITY_OFFICER",
});

stored_enum!(CredentialStatus {
    Draft = "DRAFT",
    Submitted = "SUBMITTED",
    PublicNotice = "PUBLIC_NOTICE",
    Granted = "GRANTED",
    Rejected = "REJECTED",
    Withdrawn = "WITHDRAWN",
    Revoked = "REVOKED",
});

stored_enum!(LittleGiantTier {
    InnovativeSme = "INNOVATIVE_SME",
    SpecializedSme = "SPECIALIZED_SME",
    LittleGiant = "LITTLE_GIANT",
    KeyLittleGiant = "KEY_LITTLE_GIANT",
});

stored_enum!(GreenKind {
    Factory = "FACTORY",
    IndustrialPark = "INDUSTRIAL_PARK",
    DesignProduct = "DESIGN_PRODUCT",
    SupplyChain = "SUPPLY_CHAIN",
});

stored_enum!(BrandKind {
    Enterprise = "ENTERPRISE",
    Product = "PRODUCT",
    IndustrialCluster = "INDUSTRIAL_CLUSTER",
    RegionalPublic = "REGIONAL_PUBLIC",
});

stored_enum!(BrandRecognitionKind {
    ShanghaiBrand = "SHANGHAI_BRAND",
    BrandCultivationDemonstration = "BRAND_CULTIVATION_DEMONSTRATION",
    FamousAgriculturalBrand = "FAMOUS_AGRICULTURAL_BRAND",
    PublicBrandLicense = "PUBLIC_BRAND_LICENSE",
});

stored_enum!(GiProtectionType {
    AgriculturalProduct = "AGRICULTURAL_PRODUCT",
    GiProduct = "GI_PRODUCT",
    GiTrademark = "GI_TRADEMARK",
});

stored_enum!(EnterpriseStatus {
    Active = "ACTIVE",
    Revoked = "REVOKED",
    Deregistered = "DEREGISTERED",
});

stored_enum!(EnterpriseScale {
    Large = "LARGE",
    Medium = "MEDIUM",
    Small = "SMALL",
    Micro = "MICRO",
});

stored_enum!(UserStatus {
    Active = "ACTIVE",
    Disabled = "DISABLED",
});

stored_enum!(Role {
    Enterprise = "ENTERPRISE",
    AgencyViewer = "AGENCY_VIEWER",
    Registrar = "REGISTRAR",
    Reviewer = "REVIEWER",
    BureauAdmin = "BUREAU_ADMIN",
    SystemAdmin = "SYSTEM_ADMIN",
});

stored_enum!(AgreementStatus {
    Pending = "PENDING",
    Active = "ACTIVE",
    Suspended = "SUSPENDED",
    Terminated = "TERMINATED",
});

stored_enum!(AgreementMode {
    Automatic = "AUTOMATIC",
    Listed = "LISTED",
});

stored_enum!(ObjectionStatus {
    Open = "OPEN",
    Upheld = "UPHELD",
    Dismissed = "DISMISSED",
});

stored_enum!(AnnouncedAct {
    Grant = "GRANT",
    Renew = "RENEW",
    Revoke = "REVOKE",
});
