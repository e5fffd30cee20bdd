//! Per-request DataLoaders: every relation that fans out is fetched in one query per request and
//! relation, whatever the page size. Created for each request, so no cache outlives it or crosses
//! viewers.

use std::{
    collections::HashMap,
    marker::PhantomData,
    time::{Duration, Instant},
};

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use chrono::NaiveDate;
use entity::{brand, brand_recognition, credential, gi_authorization, gi_protected_area, region};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, Iterable, ModelTrait, PrimaryKeyToColumn, QueryFilter,
    QueryOrder, Value,
};
use uuid::Uuid;

use crate::deadline;
use crate::domain::RegionCode;
use crate::error::ApiError;
use crate::policy::Viewer;
use crate::services::recognition::Recognition;

/// The loaders of one request.
pub struct Loaders {
    pub bureaus: DataLoader<ById<entity::bureau::Entity>>,
    pub enterprises: DataLoader<ById<entity::enterprise::Entity>>,
    pub persons: DataLoader<ById<entity::person::Entity>>,
    pub brands: DataLoader<ById<brand::Entity>>,
    pub indications: DataLoader<ById<entity::geographic_indication::Entity>>,
    pub programs: DataLoader<ById<entity::award_program::Entity>>,
    pub credentials: DataLoader<ById<credential::Entity>>,
    pub little_giants: DataLoader<ById<entity::little_giant_designation::Entity>>,
    pub green_designations: DataLoader<ById<entity::green_designation::Entity>>,
    pub brand_recognitions: DataLoader<ById<brand_recognition::Entity>>,
    pub gi_authorizations: DataLoader<ById<gi_authorization::Entity>>,
    pub quality_awards: DataLoader<ById<entity::quality_award::Entity>>,
    pub chief_quality_officers: DataLoader<ById<entity::chief_quality_officer::Entity>>,
    pub regions: DataLoader<RegionsByCode>,
    pub region_successors: DataLoader<RegionLinks>,
    pub region_predecessors: DataLoader<RegionLinks>,
    pub agreements: DataLoader<ById<entity::recognition_agreement::Entity>>,
    pub region_rows: DataLoader<ById<region::Entity>>,
    pub protected_areas: DataLoader<ByParent<gi_protected_area::Entity>>,
    pub brands_of: DataLoader<ByParent<brand::Entity>>,
    pub former_names_of: DataLoader<ByParent<entity::enterprise_former_name::Entity>>,
    pub parties_of: DataLoader<ByParent<entity::agreement_party::Entity>>,
    pub scopes_of: DataLoader<ByParent<entity::agreement_scope::Entity>>,
    pub suspensions_of: DataLoader<ByParent<entity::agreement_suspension::Entity>>,
    pub credentials_of: DataLoader<CredentialsOf>,
    pub roles_of: DataLoader<ByParent<entity::user_role::Entity>>,
    pub users: DataLoader<ById<entity::app_user::Entity>>,
    pub periods_of: DataLoader<ByParent<entity::credential_period::Entity>>,
    pub objections: DataLoader<ById<entity::objection::Entity>>,
    pub objections_of: DataLoader<ByParent<entity::objection::Entity>>,
    pub listings_of: DataLoader<ByParent<entity::recognition_listing::Entity>>,
    pub announcements: DataLoader<ById<entity::announcement::Entity>>,
    pub announced_of: DataLoader<ByParent<entity::announced_credential::Entity>>,
    /// Cached: a request asking about one region and date many times reads its agreements once.
    pub recognitions: DataLoader<Recognitions, HashMapCache>,
}

impl Loaders {
    /// Fresh loaders for one request by `viewer`, each collecting keys for `window` before it queries,
    /// their fetches bound by the request's `deadline` (see [`crate::deadline`]).
    pub fn new(
        db: &DatabaseConnection,
        viewer: &Viewer,
        window: Duration,
        deadline: Option<Instant>,
    ) -> Self {
        let make = Batching { db, window, deadline };
        Self {
            bureaus: make.by_id(),
            enterprises: make.by_id(),
            persons: make.by_id(),
            brands: make.by_id(),
            indications: make.by_id(),
            programs: make.by_id(),
            credentials: make.by_id(),
            little_giants: make.by_id(),
            green_designations: make.by_id(),
            brand_recognitions: make.by_id(),
            gi_authorizations: make.by_id(),
            quality_awards: make.by_id(),
            chief_quality_officers: make.by_id(),
            regions: make.loader(RegionsByCode { db: db.clone() }),
            region_successors: make.loader(RegionLinks {
                db: db.clone(),
                direction: Succession::Successors,
            }),
            region_predecessors: make.loader(RegionLinks {
                db: db.clone(),
                direction: Succession::Predecessors,
            }),
            agreements: make.by_id(),
            region_rows: make.by_id(),
            protected_areas: make.by_parent(gi_protected_area::Column::GiId),
            brands_of: make.by_parent(brand::Column::HolderEnterpriseId),
            former_names_of: make.by_parent(entity::enterprise_former_name::Column::EnterpriseId),
            parties_of: make.by_parent(entity::agreement_party::Column::AgreementId),
            scopes_of: make.by_parent(entity::agreement_scope::Column::AgreementId),
            suspensions_of: make.by_parent(entity::agreement_suspension::Column::AgreementId),
            roles_of: make.by_parent(entity::user_role::Column::UserId),
            users: make.by_id(),
            periods_of: make.by_parent(entity::credential_period::Column::CredentialId),
            objections: make.by_id(),
            objections_of: make.by_parent(entity::objection::Column::CredentialId),
            // Batch verification asks for up to a few thousand credentials' entries at once.
            listings_of: make
                .by_parent(entity::recognition_listing::Column::CredentialId)
                .max_batch_size(10_000),
            announcements: make.by_id(),
            announced_of: make.by_parent(entity::announced_credential::Column::CredentialId),
            recognitions: DataLoader::with_cache(
                Recognitions { db: db.clone() },
                deadline::spawner(deadline),
                HashMapCache::default(),
            )
            .delay(window),
            credentials_of: make.loader(CredentialsOf {
                db: db.clone(),
                viewer: viewer.clone(),
            }),
        }
    }
}

/// Builds the DataLoaders of one request.
struct Batching<'a> {
    db: &'a DatabaseConnection,
    /// How long a loader collects keys before it queries (see `Config::batch_window`).
    window: Duration,
    /// The request's deadline, which its fetches keep.
    deadline: Option<Instant>,
}

impl Batching<'_> {
    fn loader<L: Send + Sync + 'static>(&self, loader: L) -> DataLoader<L> {
        DataLoader::new(loader, deadline::spawner(self.deadline)).delay(self.window)
    }

    fn by_id<E>(&self) -> DataLoader<ById<E>>
    where
        ById<E>: Loader<Uuid>,
    {
        self.loader(ById {
            db: self.db.clone(),
            entity: PhantomData,
        })
    }

    fn by_parent<E: EntityTrait>(&self, column: E::Column) -> DataLoader<ByParent<E>>
    where
        ByParent<E>: Loader<Uuid>,
    {
        self.loader(ByParent {
            db: self.db.clone(),
            column,
        })
    }
}

/// Rows of one table by their UUID primary key. Visibility is not checked here: credentials reached
/// by id go through the access policy before they are loaded this way.
pub struct ById<E> {
    db: DatabaseConnection,
    entity: PhantomData<fn() -> E>,
}

impl<E> Loader<Uuid> for ById<E>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
{
    type Value = E::Model;
    type Error = ApiError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, E::Model>, ApiError> {
        let Some(key) = E::PrimaryKey::iter().next().map(|pk| pk.into_column()) else {
            return Ok(HashMap::new());
        };
        let rows = E::find()
            .filter(key.is_in(keys.iter().copied()))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| match row.get(key) {
                Value::Uuid(Some(id)) => Some((id, row)),
                _ => None,
            })
            .collect())
    }
}

/// What recognition looks like from a region on a date (see [`Recognition::load`]).
pub struct Recognitions {
    db: DatabaseConnection,
}

impl Loader<(RegionCode, NaiveDate)> for Recognitions {
    type Value = Recognition;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[(RegionCode, NaiveDate)],
    ) -> Result<HashMap<(RegionCode, NaiveDate), Recognition>, ApiError> {
        // A request names one or two (region, date) pairs, never one per row.
        let mut found = HashMap::new();
        for (region, date) in keys {
            let recognition = Recognition::load(&self.db, region.clone(), *date).await?;
            found.insert((region.clone(), *date), recognition);
        }
        Ok(found)
    }
}

/// Regions by code.
pub struct RegionsByCode {
    db: DatabaseConnection,
}

impl Loader<String> for RegionsByCode {
    type Value = region::Model;
    type Error = ApiError;

    async fn load(&self, codes: &[String]) -> Result<HashMap<String, region::Model>, ApiError> {
        let rows = region::Entity::find()
            .filter(region::Column::Code.is_in(codes.iter().cloned()))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|row| (row.code.clone(), row)).collect())
    }
}

/// Which way [`RegionLinks`] follows succession.
pub enum Succession {
    /// From an abolished code to the codes that took it over.
    Successors,
    /// From a code to the abolished codes it took over.
    Predecessors,
}

/// The codes each region passed its area to, or took it over from, ordered by code.
pub struct RegionLinks {
    db: DatabaseConnection,
    direction: Succession,
}

impl Loader<String> for RegionLinks {
    type Value = Vec<String>;
    type Error = ApiError;

    async fn load(&self, codes: &[String]) -> Result<HashMap<String, Vec<String>>, ApiError> {
        use entity::region_successor::{Column, Entity};
        let (from, to) = match self.direction {
            Succession::Successors => (Column::RegionCode, Column::SuccessorCode),
            Succession::Predecessors => (Column::SuccessorCode, Column::RegionCode),
        };
        let links = Entity::find()
            .filter(from.is_in(codes.iter().cloned()))
            .order_by_asc(to)
            .all(&self.db)
            .await?;
        let mut linked: HashMap<String, Vec<String>> = HashMap::new();
        for link in links {
            let (key, value) = match self.direction {
                Succession::Successors => (link.region_code, link.successor_code),
                Succession::Predecessors => (link.successor_code, link.region_code),
            };
            linked.entry(key).or_default().push(value);
        }
        Ok(linked)
    }
}

/// The rows of a child table grouped by their parent's id (`column` holds the parent's id).
pub struct ByParent<E: EntityTrait> {
    db: DatabaseConnection,
    column: E::Column,
}

impl<E> Loader<Uuid> for ByParent<E>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
    E::Column: Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = ApiError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<E::Model>>, ApiError> {
        let rows = E::find()
            .filter(self.column.is_in(keys.iter().copied()))
            .all(&self.db)
            .await?;
        let mut children: HashMap<Uuid, Vec<E::Model>> = HashMap::new();
        for row in rows {
            if let Value::Uuid(Some(parent)) = row.get(self.column) {
                children.entry(parent).or_default().push(row);
            }
        }
        Ok(children)
    }
}

/// Whose credentials to list.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum CredentialOwner {
    /// Credentials held by an enterprise.
    Enterprise(Uuid),
    /// Credentials held by a person.
    Person(Uuid),
    /// Recognitions of a brand.
    Brand(Uuid),
    /// Authorisations to use a geographic indication.
    GeographicIndication(Uuid),
}

/// The credentials the viewer may see of each owner, newest first.
pub struct CredentialsOf {
    db: DatabaseConnection,
    viewer: Viewer,
}

impl CredentialsOf {
    async fn visible(&self, condition: sea_orm::Condition) -> Result<Vec<credential::Model>, ApiError> {
        Ok(credential::Entity::find()
            .filter(self.viewer.credential_condition())
            .filter(condition)
            .order_by_desc(credential::Column::ValidFrom)
            .order_by_asc(credential::Column::Id)
            .all(&self.db)
            .await?)
    }
}

impl Loader<CredentialOwner> for CredentialsOf {
    type Value = Vec<credential::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        owners: &[CredentialOwner],
    ) -> Result<HashMap<CredentialOwner, Vec<credential::Model>>, ApiError> {
        let ids =
            |pick: fn(&CredentialOwner) -> Option<Uuid>| owners.iter().filter_map(pick).collect::<Vec<_>>();
        let enterprises = ids(|o| {
            if let CredentialOwner::Enterprise(id) = o {
                Some(*id)
            } else {
                None
            }
        });
        let persons = ids(|o| {
            if let CredentialOwner::Person(id) = o {
                Some(*id)
            } else {
                None
            }
        });
        let brands = ids(|o| {
            if let CredentialOwner::Brand(id) = o {
                Some(*id)
            } else {
                None
            }
        });
        let indications = ids(|o| {
            if let CredentialOwner::GeographicIndication(id) = o {
                Some(*id)
            } else {
                None
            }
        });

        let mut lists: HashMap<CredentialOwner, Vec<credential::Model>> = HashMap::new();
        if !enterprises.is_empty() {
            let condition =
                sea_orm::Condition::all().add(credential::Column::HolderEnterpriseId.is_in(enterprises));
            for row in self.visible(condition).await? {
                if let Some(holder) = row.holder_enterprise_id {
                    lists
                        .entry(CredentialOwner::Enterprise(holder))
                        .or_default()
                        .push(row);
                }
            }
        }
        if !persons.is_empty() {
            let condition = sea_orm::Condition::all().add(credential::Column::HolderPersonId.is_in(persons));
            for row in self.visible(condition).await? {
                if let Some(holder) = row.holder_person_id {
                    lists
                        .entry(CredentialOwner::Person(holder))
                        .or_default()
                        .push(row);
                }
            }
        }
        if !brands.is_empty() {
            let details = brand_recognition::Entity::find()
                .filter(brand_recognition::Column::BrandId.is_in(brands))
                .all(&self.db)
                .await?;
            let owner_of: HashMap<Uuid, Uuid> =
                details.iter().map(|d| (d.credential_id, d.brand_id)).collect();
            self.group_by_detail(&mut lists, owner_of, CredentialOwner::Brand)
                .await?;
        }
        if !indications.is_empty() {
            let details = gi_authorization::Entity::find()
                .filter(gi_authorization::Column::GiId.is_in(indications))
                .all(&self.db)
                .await?;
            let owner_of: HashMap<Uuid, Uuid> = details.iter().map(|d| (d.credential_id, d.gi_id)).collect();
            self.group_by_detail(&mut lists, owner_of, CredentialOwner::GeographicIndication)
                .await?;
        }
        Ok(lists)
    }
}

impl CredentialsOf {
    /// Loads the visible credentials named in `owner_of` (credential id → owner id) into `lists`.
    async fn group_by_detail(
        &self,
        lists: &mut HashMap<CredentialOwner, Vec<credential::Model>>,
        owner_of: HashMap<Uuid, Uuid>,
        owner: fn(Uuid) -> CredentialOwner,
    ) -> Result<(), ApiError> {
        if owner_of.is_empty() {
            return Ok(());
        }
        let condition = sea_orm::Condition::all().add(credential::Column::Id.is_in(owner_of.keys().copied()));
        for row in self.visible(condition).await? {
            if let Some(owner_id) = owner_of.get(&row.id) {
                lists.entry(owner(*owner_id)).or_default().push(row);
            }
        }
        Ok(())
    }
}
