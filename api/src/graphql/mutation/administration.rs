//! Managing users (bureau and system administrators) and bureaus (system administrators).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::recording_refusals;
use crate::error::ApiResult;
use crate::graphql::enums::{BureauKind, CredentialKind, Level, Role, UserStatus};
use crate::graphql::types::db;
use crate::graphql::types::region::Bureau;
use crate::graphql::types::request;
use crate::graphql::types::user::{User, UserError};
use crate::ids::{self, NodeType};
use crate::services::{self, Change};

/// A new account.
#[derive(InputObject)]
pub struct CreateUserInput {
    /// Login name: 3 to 64 characters of a-z, 0-9, '-', '_' and '.'.
    pub username: String,
    /// Name to show.
    pub display_name: String,
    /// Initial password, at least 12 characters; never logged.
    #[graphql(secret)]
    pub password: String,
    /// The bureau of a staff member.
    pub bureau_id: Option<ID>,
    /// The enterprise of an enterprise user.
    pub enterprise_id: Option<ID>,
    /// Roles to grant: none above the caller's own.
    pub roles: Vec<Role>,
}

/// Disabling or re-enabling an account.
#[derive(InputObject)]
pub struct SetUserStatusInput {
    /// The account.
    pub user_id: ID,
    /// The new status.
    pub status: UserStatus,
}

/// Replacing an account's roles.
#[derive(InputObject)]
pub struct SetUserRolesInput {
    /// The account.
    pub user_id: ID,
    /// The roles it should hold from now on.
    pub roles: Vec<Role>,
}

/// The account changed, or what to fix.
#[derive(SimpleObject)]
pub struct UserPayload {
    /// The account after the change; null when nothing changed.
    pub user: Option<User>,
    /// Input to fix; empty on success.
    pub user_errors: Vec<UserError>,
}

impl From<Result<entity::app_user::Model, Vec<services::UserError>>> for UserPayload {
    fn from(outcome: Result<entity::app_user::Model, Vec<services::UserError>>) -> Self {
        match outcome {
            Ok(user) => Self {
                user: Some(User(user)),
                user_errors: Vec::new(),
            },
            Err(errors) => Self {
                user: None,
                user_errors: errors.into_iter().map(Into::into).collect(),
            },
        }
    }
}

/// A new bureau.
#[derive(InputObject)]
pub struct CreateBureauInput {
    /// Short stable code: 2 to 32 characters of A-Z, 0-9 and '-'.
    pub code: String,
    /// Official name.
    pub name: String,
    /// What kind of authority it is.
    pub kind: BureauKind,
    /// Its level.
    pub level: Level,
    /// The region it serves.
    pub region_code: String,
    /// The bureau above it.
    pub parent_id: Option<ID>,
}

/// The bureau created, or what to fix.
#[derive(SimpleObject)]
pub struct BureauPayload {
    /// The new bureau; null when nothing changed.
    pub bureau: Option<Bureau>,
    /// Input to fix; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Which credential kinds a kind of bureau may grant.
#[derive(InputObject)]
pub struct SetBureauCompetenceInput {
    /// The kind of bureau.
    pub bureau_kind: BureauKind,
    /// Every credential kind it may grant from now on.
    pub credential_kinds: Vec<CredentialKind>,
}

/// A kind of bureau's competence after the change.
#[derive(SimpleObject)]
pub struct BureauCompetencePayload {
    /// The kind of bureau.
    pub bureau_kind: BureauKind,
    /// The credential kinds it may grant.
    pub credential_kinds: Vec<CredentialKind>,
}

fn optional_id(field: &str, node_type: NodeType, id: Option<&ID>) -> ApiResult<Option<uuid::Uuid>> {
    id.map(|id| ids::decode_as(field, node_type, id)).transpose()
}

fn user_payload(change: Change<entity::app_user::Model>) -> ApiResult<UserPayload> {
    change.map(UserPayload::from)
}

/// Managing users and bureaus.
#[derive(Default)]
pub struct AdministrationMutation;

#[Object]
impl AdministrationMutation {
    /// Creates an account. Bureau administrators create staff of their bureau or a bureau below it,
    /// and users of enterprises in their jurisdiction, with roles no higher than their own; system
    /// administrators anyone. Audited.
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new account.")] input: CreateUserInput,
    ) -> ApiResult<UserPayload> {
        let context = request(ctx);
        let new = services::user::NewUser {
            bureau_id: optional_id("input.bureauId", NodeType::Bureau, input.bureau_id.as_ref())?,
            enterprise_id: optional_id(
                "input.enterpriseId",
                NodeType::Enterprise,
                input.enterprise_id.as_ref(),
            )?,
            username: input.username,
            display_name: input.display_name,
            password: input.password,
            roles: input.roles.into_iter().map(Into::into).collect(),
        };
        let change = services::user::create(db(ctx), context, new);
        user_payload(recording_refusals(ctx, "CREATE_USER", ("user", None), change).await)
    }

    /// Disables or re-enables an account the caller may manage; a disabled account's tokens stop working
    /// with their next request. Audited.
    async fn set_user_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account and its new status.")] input: SetUserStatusInput,
    ) -> ApiResult<UserPayload> {
        let context = request(ctx);
        let user_id = ids::decode_as("input.userId", NodeType::User, &input.user_id)?;
        let change = services::user::set_status(db(ctx), context, user_id, input.status.into());
        user_payload(recording_refusals(ctx, "SET_USER_STATUS", ("user", Some(user_id)), change).await)
    }

    /// Replaces the roles of an account the caller may manage; every role added or taken away must be
    /// one the caller may grant. Audited.
    async fn set_user_roles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account and its roles from now on.")] input: SetUserRolesInput,
    ) -> ApiResult<UserPayload> {
        let context = request(ctx);
        let user_id = ids::decode_as("input.userId", NodeType::User, &input.user_id)?;
        let roles = input.roles.into_iter().map(Into::into).collect();
        let change = services::user::set_roles(db(ctx), context, user_id, roles);
        user_payload(recording_refusals(ctx, "SET_USER_ROLES", ("user", Some(user_id)), change).await)
    }

    /// Creates a bureau (system administrators). Audited.
    async fn create_bureau(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new bureau.")] input: CreateBureauInput,
    ) -> ApiResult<BureauPayload> {
        let context = request(ctx);
        let new = services::bureau::NewBureau {
            parent_id: optional_id("input.parentId", NodeType::Bureau, input.parent_id.as_ref())?,
            code: input.code,
            name: input.name,
            kind: input.kind.into(),
            level: input.level.into(),
            region_code: input.region_code,
        };
        let change = services::bureau::create(db(ctx), context, new);
        Ok(
            match recording_refusals(ctx, "CREATE_BUREAU", ("bureau", None), change).await? {
                Ok(bureau) => BureauPayload {
                    bureau: Some(Bureau(bureau)),
                    user_errors: Vec::new(),
                },
                Err(errors) => BureauPayload {
                    bureau: None,
                    user_errors: errors.into_iter().map(Into::into).collect(),
                },
            },
        )
    }

    /// Sets which credential kinds bureaus of one kind may grant (system administrators). Audited.
    async fn set_bureau_competence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The kind of bureau and its credential kinds.")] input: SetBureauCompetenceInput,
    ) -> ApiResult<BureauCompetencePayload> {
        let context = request(ctx);
        let kinds = input.credential_kinds.into_iter().map(Into::into).collect();
        let kind = input.bureau_kind.into();
        let change = services::bureau::set_competence(db(ctx), context, kind, kinds);
        let kinds = recording_refusals(ctx, "SET_BUREAU_COMPETENCE", ("bureau_kind", None), change).await?;
        Ok(BureauCompetencePayload {
            bureau_kind: input.bureau_kind,
            credential_kinds: kinds.into_iter().map(Into::into).collect(),
        })
    }
}
