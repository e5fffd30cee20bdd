//! The stored enums as the schema shows them, with descriptions and the Chinese terms. Each mirrors an
//! enum of the `entity` crate (`remote`), which generates the conversions both ways.

use async_graphql::Enum;
use entity::enums as stored;

/// Administrative level of a region, bureau, programme or credential.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
#[graphql(remote = "stored::Level")]
pub enum Level {
    /// National (国家级).
    National,
    /// Provincial: a province, autonomous region or municipality directly under the central government (省级/市级).
    Provincial,
    /// Prefectural: a prefecture-level city or autonomous prefecture (地市级).
    Prefectural,
    /// County: a district or county (区县级).
    County,
}

/// What a bureau is; decides which credential kinds it may grant.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
#[graphql(remote = "stored::BureauKind")]
pub enum BureauKind {
    /// Market regulation (市场监督管理局).
    MarketRegulation,
    /// Industry and information technology (经济和信息化委员会/工业和信息化厅).
    IndustryIt,
    /// Agriculture and rural affairs (农业农村委员会/厅).
    Agriculture,
    /// Intellectual property office (知识产权局).
    IpOffice,
    /// Development and reform (发展和改革委员会).
    DevelopmentReform,
    /// Housing and urban-rural construction (住房和城乡建设委员会/厅).
    HousingConstruction,
    /// Culture and tourism (文化和旅游委员会/厅).
    CultureTourism,
}

/// The kinds of credential a bureau grants.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
#[graphql(remote = "stored::CredentialKind")]
pub enum CredentialKind {
    /// A 专精特新 designation, up to national "little giant" (小巨人).
    LittleGiant,
    /// A green-manufacturing listing (绿色制造名单).
    Green,
    /// A recognition of a brand (品牌认定/授权).
    BrandRecognition,
    /// An authorisation to use a geographic indication's special mark (地理标志专用标志使用).
    GiAuthorization,
    /// A quality award (质量奖).
    QualityAward,
    /// A chief-quality-officer certification (首席质量官).
    ChiefQualityOfficer,
}

/// Tiers of the 专精特新 ladder.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
#[graphql(remote = "stored::LittleGiantTier")]
pub enum LittleGiantTier {
    /// Innovative SME (创新型中小企业).
    InnovativeSme,
    /// Provincial-level specialised, refined, distinctive and innovative SME (省级/市级专精特新中小企业).
    SpecializedSme,
    /// National "little giant" (国家级专精特新"小巨人"企业).
    LittleGiant,
    /// Key little giant (重点"小巨人"企业).
    KeyLittleGiant,
}

/// Kinds of green-manufacturing listing.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
#[graphql(remote = "stored::GreenKind")]
pub enum GreenKind {
    /// Green factory (绿色工厂).
    Factory,
    /// Green industrial park (绿色工业园区).
    IndustrialPark,
    /// Green design product (绿色设计产品).
    DesignProduct,
    /// Green supply-chain management enterprise (绿色供应链管理企业).
    SupplyChain,
}

/// Kinds of brand.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
#[graphql(remote = "stored::BrandKind")]
pub enum BrandKind {
    /// An enterprise brand (企业品牌).
    Enterprise,
    /// A product brand (产品品牌).
    Product,
    /// An industrial-cluster brand (产业集群区域品牌).
    IndustrialCluster,
    /// A regional public brand held by an association or government body (区域公用品牌).
    RegionalPublic,
}

/// Kinds of brand recognition.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
#[graphql(remote = "stored::BrandRecognitionKind")]
pub enum BrandRecognitionKind {
    /// "上海品牌" certification.
    ShanghaiBrand,
    /// Brand-cultivation demonstration enterprise (品牌培育示范企业).
    BrandCultivationDemonstration,
    /// Famous-brand agricultural product, valid 3 years (名牌农产品).
    FamousAgriculturalBrand,
    /// Licence to use a regional public brand (区域公用品牌授权使用).
    PublicBrandLicense,
}

/// The three protection systems for geographic indications.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
#[graphql(remote = "stored::GiProtectionType")]
pub enum GiProtectionType {
    /// Agricultural-product GI, agriculture ministry (农产品地理标志).
    AgriculturalProduct,
    /// GI product, national IP office (地理标志产品).
    GiProduct,
    /// GI collective or certification trademark (地理标志证明商标/集体商标).
    GiTrademark,
}

/// Registration state of an enterprise.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
#[graphql(remote = "stored::EnterpriseStatus")]
pub enum EnterpriseStatus {
    /// In business (存续/在业).
    Active,
    /// Business licence revoked (吊销).
    Revoked,
    /// Deregistered (注销).
    Deregistered,
}

/// Size class of an enterprise (GB/T 企业划型).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
#[graphql(remote = "stored::EnterpriseScale")]
pub enum EnterpriseScale {
    /// Large (大型).
    Large,
    /// Medium (中型).
    Medium,
    /// Small (小型).
    Small,
    /// Micro (微型).
    Micro,
}

/// State of a recognition agreement.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
#[graphql(remote = "stored::AgreementStatus")]
pub enum AgreementStatus {
    /// Waiting for every party to confirm.
    Pending,
    /// In force.
    Active,
    /// Temporarily not applied.
    Suspended,
    /// Ended for good.
    Terminated,
}

/// Where an objection raised during a public notice stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
#[graphql(remote = "stored::ObjectionStatus")]
pub enum ObjectionStatus {
    /// Waiting for a reviewer's decision; the credential cannot be granted meanwhile.
    Open,
    /// Upheld: the credential was withdrawn.
    Upheld,
    /// Dismissed: the notice went on.
    Dismissed,
}

/// Which credentials an agreement recognises.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
#[graphql(remote = "stored::AgreementMode")]
pub enum AgreementMode {
    /// Every credential of a scoped kind granted in one party's jurisdiction.
    Automatic,
    /// Only credentials explicitly listed on the agreement.
    Listed,
}

/// What an announcement (公告) does to a credential it lists.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
#[graphql(remote = "stored::AnnouncedAct")]
pub enum AnnouncedAct {
    /// Grants it (a new list, a batch).
    Grant,
    /// Renews it after review (复核).
    Renew,
    /// Revokes it.
    Revoke,
}

/// What a user may do (DESIGN §5); no token is the public.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
#[graphql(remote = "stored::Role")]
pub enum Role {
    /// A user of one enterprise: sees its own enterprise in full.
    Enterprise,
    /// Read-only staff of a bureau.
    AgencyViewer,
    /// Staff who propose and edit (登记).
    Registrar,
    /// Staff who approve, reject, grant and revoke (审核).
    Reviewer,
    /// Manages its bureau's users and its side of recognition agreements.
    BureauAdmin,
    /// Manages bureaus and competences.
    SystemAdmin,
}

/// Whether an account may sign in.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
#[graphql(remote = "stored::UserStatus")]
pub enum UserStatus {
    /// May sign in; its tokens work.
    Active,
    /// May not sign in; its tokens stop working with their next request.
    Disabled,
}
