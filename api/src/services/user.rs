//! Managing local accounts: listing, creating, disabling and re-roling users. Bureau administrators
//! act on their bureau and the bureaus below it; system administrators on everyone (policy:
//! `Account::may_manage_user`, `Account::may_grant`). Every change is one transaction with its audit
//! event.

use super::listing::{KeyKind, ListOrder, Listing, SortKey};
use std::collections::{HashMap, HashSet};

use chrono::Utc;
use entity::enums::{Role, UserStatus};
use entity::{app_user, bureau, enterprise, user_role};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::region::within;
use super::{Change, UserError};
use crate::actor::Actor;
use crate::auth::password;
use crate::error::{ApiError, ApiResult};
use crate::i18n::Message;
use crate::policy::{Account, ManagedAccounts, Placement};

/// Every bureau's parent: the bureau tree, small enough to walk in memory.
async fn bureau_parents(db: &impl sea_orm::ConnectionTrait) -> ApiResult<HashMap<Uuid, Option<Uuid>>> {
    Ok(bureau::Entity::find()
        .select_only()
        .column(bureau::Column::Id)
        .column(bureau::Column::ParentId)
        .into_tuple::<(Uuid, Option<Uuid>)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The ids of `bureau_id` and every bureau above it, nearest first; `None` if there is no such bureau.
async fn lineage(db: &impl sea_orm::ConnectionTrait, bureau_id: Uuid) -> ApiResult<Option<Vec<Uuid>>> {
    let parents = bureau_parents(db).await?;
    let Some(mut next) = parents.get(&bureau_id).copied() else {
        return Ok(None);
    };
    let mut chain = vec![bureau_id];
    while let Some(id) = next.filter(|id| !chain.contains(id)) {
        chain.push(id);
        next = parents.get(&id).copied().flatten();
    }
    Ok(Some(chain))
}

/// The ids of `bureau_id` and every bureau below it.
async fn descendants(db: &DatabaseConnection, bureau_id: Uuid) -> ApiResult<Vec<Uuid>> {
    let parents = bureau_parents(db).await?;
    let mut found = vec![bureau_id];
    let mut index = 0;
    while index < found.len() {
        let parent = found[index];
        found.extend(
            parents
                .iter()
                .filter(|(_, p)| **p == Some(parent))
                .map(|(id, _)| *id),
        );
        index += 1;
    }
    Ok(found)
}

/// Where `user` sits, for the policy.
struct Place {
    lineage: Vec<Uuid>,
    enterprise_region: Option<String>,
}

impl Place {
    fn placement(&self) -> Placement<'_> {
        match (&self.enterprise_region, self.lineage.is_empty()) {
            (Some(region), _) => Placement::Enterprise(region),
            (None, false) => Placement::Bureau(&self.lineage),
            (None, true) => Placement::Unattached,
        }
    }
}

async fn place(
    db: &impl sea_orm::ConnectionTrait,
    bureau_id: Option<Uuid>,
    enterprise_id: Option<Uuid>,
) -> ApiResult<Option<Place>> {
    let lineage = match bureau_id {
        Some(id) => match lineage(db, id).await? {
            Some(lineage) => lineage,
            None => return Ok(None),
        },
        None => Vec::new(),
    };
    let enterprise_region = match enterprise_id {
        Some(id) => match enterprise::Entity::find_by_id(id).one(db).await? {
            Some(enterprise) => Some(enterprise.region_code),
            None => return Ok(None),
        },
        None => None,
    };
    Ok(Some(Place {
        lineage,
        enterprise_region,
    }))
}

/// The users the actor may manage, by username.
pub async fn search(db: &DatabaseConnection, actor: &Actor) -> ApiResult<Listing<app_user::Entity>> {
    let account = actor.require("users")?;
    let query = app_user::Entity::find();
    // Usernames are unique.
    let order = ListOrder::by([SortKey::column(app_user::Column::Username, KeyKind::Text)]);
    let (own, scope) = match account.managed_accounts()? {
        ManagedAccounts::Everyone => return Ok(Listing { rows: query, order }),
        ManagedAccounts::Below {
            bureau,
            enterprises_in,
        } => (bureau, enterprises_in),
    };
    let enterprises = enterprise::Entity::find()
        .select_only()
        .column(enterprise::Column::Id)
        .filter(within(enterprise::Column::RegionCode, &scope))
        .into_query();
    let rows = query.filter(
        Condition::any()
            .add(app_user::Column::BureauId.is_in(descendants(db, own).await?))
            .add(app_user::Column::EnterpriseId.in_subquery(enterprises)),
    );
    Ok(Listing { rows, order })
}

/// The roles of each of `users`.
pub async fn roles_of(db: &DatabaseConnection, users: &[Uuid]) -> ApiResult<HashMap<Uuid, Vec<Role>>> {
    let rows = user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(users.iter().copied()))
        .order_by_asc(user_role::Column::Role)
        .all(db)
        .await?;
    let mut roles: HashMap<Uuid, Vec<Role>> = HashMap::new();
    for row in rows {
        roles.entry(row.user_id).or_default().push(row.role);
    }
    Ok(roles)
}

/// What a new account should be.
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub bureau_id: Option<Uuid>,
    pub enterprise_id: Option<Uuid>,
    pub roles: Vec<Role>,
}

/// The audit view of a user: everything but the password hash.
fn snapshot(user: &app_user::Model, roles: &[Role]) -> Value {
    json!({
        "username": user.username,
        "displayName": user.display_name,
        "status": user.status,
        "bureauId": user.bureau_id,
        "enterpriseId": user.enterprise_id,
        "roles": roles,
    })
}

fn validate(new: &NewUser) -> Vec<UserError> {
    let mut errors = Vec::new();
    let username_ok = (3..=64).contains(&new.username.len())
        && new
            .username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c));
    if !username_ok {
        errors.push(UserError::new(
            "username",
            "INVALID",
            Message::new("username-format"),
        ));
    }
    if new.display_name.trim().is_empty() {
        errors.push(UserError::new(
            "displayName",
            "INVALID",
            Message::new("value-empty"),
        ));
    }
    if new.password.chars().count() < 12 {
        errors.push(UserError::new(
            "password",
            "INVALID",
            Message::new("password-too-short"),
        ));
    }
    if new.roles.is_empty() {
        errors.push(UserError::new("roles", "INVALID", Message::new("roles-empty")));
    }
    let enterprise_role = new.roles.contains(&Role::Enterprise);
    match (new.bureau_id, new.enterprise_id) {
        (Some(_), Some(_)) => errors.push(UserError::new(
            "enterpriseId",
            "INVALID",
            Message::new("user-bureau-or-enterprise"),
        )),
        (None, Some(_)) if new.roles != [Role::Enterprise] => errors.push(UserError::new(
            "roles",
            "INVALID",
            Message::new("user-enterprise-role-only"),
        )),
        (Some(_), None) if enterprise_role => errors.push(UserError::new(
            "roles",
            "INVALID",
            Message::new("user-enterprise-role-for-enterprises"),
        )),
        (None, None) if new.roles != [Role::SystemAdmin] => errors.push(UserError::new(
            "bureauId",
            "INVALID",
            Message::new("user-staff-need-bureau"),
        )),
        _ => {}
    }
    errors
}

/// Creates an account, its roles and the audit event in one transaction.
pub async fn create(db: &DatabaseConnection, actor: &Actor, mut new: NewUser) -> Change<app_user::Model> {
    let account = actor.require("createUser")?;
    super::limit("username", Some(&new.username), super::MAX_NAME_CHARS)?;
    super::limit("displayName", Some(&new.display_name), super::MAX_NAME_CHARS)?;
    super::limit("password", Some(&new.password), super::MAX_NAME_CHARS)?;
    new.username = new.username.trim().to_owned();
    new.roles.sort_by_key(|role| format!("{role:?}"));
    new.roles.dedup();
    let errors = validate(&new);
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let Some(place) = place(db, new.bureau_id, new.enterprise_id).await? else {
        let field = if new.bureau_id.is_some() {
            "bureauId"
        } else {
            "enterpriseId"
        };
        return Ok(Err(vec![UserError::new(
            field,
            "NOT_FOUND",
            Message::new("no-such-bureau-or-enterprise"),
        )]));
    };
    account.may_manage_user(&place.placement())?;
    for role in &new.roles {
        account.may_grant(*role)?;
    }
    let taken = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(&new.username))
        .one(db)
        .await?;
    if taken.is_some() {
        return Ok(Err(vec![UserError::new(
            "username",
            "TAKEN",
            Message::new("username-taken"),
        )]));
    }
    let password_hash = password::hash(&new.password).map_err(ApiError::Internal)?;
    let now = Utc::now();
    let user = app_user::Model {
        id: Uuid::now_v7(),
        created_at: now,
        updated_at: now,
        version: 1,
        username: new.username,
        display_name: new.display_name.trim().to_owned(),
        password_hash,
        bureau_id: new.bureau_id,
        enterprise_id: new.enterprise_id,
        status: UserStatus::Active,
    };
    let txn = super::begin_write(db).await?;
    let user = user.into_active_model().insert(&txn).await?;
    insert_roles(&txn, user.id, &new.roles).await?;
    let after = Some(snapshot(&user, &new.roles));
    super::audit::record_change(
        &txn,
        account,
        actor.request_id.as_str(),
        "CREATE_USER",
        "user",
        Some(user.id),
        None,
        after,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(user))
}

async fn insert_roles(txn: &impl sea_orm::ConnectionTrait, user_id: Uuid, roles: &[Role]) -> ApiResult<()> {
    if roles.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let rows = roles.iter().map(|role| {
        user_role::Model {
            id: Uuid::now_v7(),
            created_at: now,
            updated_at: now,
            version: 1,
            user_id,
            role: *role,
        }
        .into_active_model()
    });
    user_role::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

/// Loads a user the actor may manage; a user the actor may not see answers like a missing one.
pub async fn managed(
    db: &DatabaseConnection,
    actor: &Account,
    user_id: Uuid,
) -> ApiResult<Option<(app_user::Model, Vec<Role>)>> {
    let Some(user) = app_user::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    let Some(place) = place(db, user.bureau_id, user.enterprise_id).await? else {
        return Ok(None);
    };
    if actor.may_manage_user(&place.placement()).is_err() {
        return Ok(None);
    }
    let roles = roles_of(db, &[user.id])
        .await?
        .remove(&user.id)
        .unwrap_or_default();
    Ok(Some((user, roles)))
}

/// Disables or re-enables an account; a disabled account's tokens stop working with its next request.
pub async fn set_status(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: Uuid,
    status: UserStatus,
) -> Change<app_user::Model> {
    let account = actor.require("setUserStatus")?;
    let Some((user, roles)) = managed(db, account, user_id).await? else {
        return Ok(Err(vec![UserError::new(
            "userId",
            "NOT_FOUND",
            Message::new("no-such-user"),
        )]));
    };
    if user.id == account.user_id {
        return Ok(Err(vec![UserError::new(
            "userId",
            "NOT_ALLOWED_ON_SELF",
            Message::new("user-own-status"),
        )]));
    }
    for role in &roles {
        account.may_grant(*role)?;
    }
    let before = Some(snapshot(&user, &roles));
    let version = user.version;
    let mut change = user.into_active_model();
    change.status = Set(status);
    change.version = Set(version + 1);
    change.updated_at = Set(Utc::now());
    let txn = super::begin_write(db).await?;
    let user = change.update(&txn).await?;
    let after = Some(snapshot(&user, &roles));
    super::audit::record_change(
        &txn,
        account,
        actor.request_id.as_str(),
        "SET_USER_STATUS",
        "user",
        Some(user.id),
        before,
        after,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(user))
}

/// Replaces an account's roles; the actor must be allowed to grant every role added or taken away.
pub async fn set_roles(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: Uuid,
    mut roles: Vec<Role>,
) -> Change<app_user::Model> {
    let account = actor.require("setUserRoles")?;
    let Some((user, old_roles)) = managed(db, account, user_id).await? else {
        return Ok(Err(vec![UserError::new(
            "userId",
            "NOT_FOUND",
            Message::new("no-such-user"),
        )]));
    };
    roles.sort_by_key(|role| format!("{role:?}"));
    roles.dedup();
    if roles.is_empty() {
        return Ok(Err(vec![UserError::new(
            "roles",
            "INVALID",
            Message::new("roles-empty-disable-instead"),
        )]));
    }
    if user.id == account.user_id {
        return Ok(Err(vec![UserError::new(
            "userId",
            "NOT_ALLOWED_ON_SELF",
            Message::new("user-own-roles"),
        )]));
    }
    let enterprise_user = user.enterprise_id.is_some();
    if enterprise_user != (roles == [Role::Enterprise])
        || (!enterprise_user && roles.contains(&Role::Enterprise))
    {
        return Ok(Err(vec![UserError::new(
            "roles",
            "INVALID",
            Message::new("user-roles-enterprise-mismatch"),
        )]));
    }
    let old: HashSet<Role> = old_roles.iter().copied().collect();
    let new: HashSet<Role> = roles.iter().copied().collect();
    for role in old.symmetric_difference(&new) {
        account.may_grant(*role)?;
    }
    let before = Some(snapshot(&user, &old_roles));
    let txn = super::begin_write(db).await?;
    user_role::Entity::delete_many()
        .filter(user_role::Column::UserId.eq(user.id))
        .exec(&txn)
        .await?;
    insert_roles(&txn, user.id, &roles).await?;
    let version = user.version;
    let mut change = user.into_active_model();
    change.version = Set(version + 1);
    change.updated_at = Set(Utc::now());
    let user = change.update(&txn).await?;
    let after = Some(snapshot(&user, &roles));
    super::audit::record_change(
        &txn,
        account,
        actor.request_id.as_str(),
        "SET_USER_ROLES",
        "user",
        Some(user.id),
        before,
        after,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(user))
}
