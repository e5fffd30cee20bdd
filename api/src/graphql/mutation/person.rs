//! Registering and editing persons (registrars, inside their jurisdiction).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::recording_refusals;
use crate::error::ApiResult;
use crate::graphql::types::db;
use crate::graphql::types::enterprise::Person;
use crate::graphql::types::request;
use crate::graphql::types::user::UserError;
use crate::ids::{self, NodeType};
use crate::services::{self, Change, person::PersonFields};

/// The fields a registrar fills in for a person.
#[derive(InputObject)]
pub struct PersonFieldsInput {
    /// Name.
    pub name: String,
    /// GB/T 2260 code of the region the person is registered in.
    pub region_code: String,
    /// Resident identity number (GB 11643, check character verified); personal data.
    #[graphql(secret)]
    pub identity_number: Option<String>,
    /// Phone number; personal data.
    #[graphql(secret)]
    pub phone: Option<String>,
    /// The enterprise the person works for.
    pub employer_id: Option<ID>,
}

impl PersonFieldsInput {
    fn parse(self) -> ApiResult<PersonFields> {
        let employer_id = self
            .employer_id
            .map(|id| ids::decode_as("input.fields.employerId", NodeType::Enterprise, &id))
            .transpose()?;
        Ok(PersonFields {
            name: self.name,
            region_code: self.region_code,
            identity_number: self.identity_number,
            phone: self.phone,
            employer_id,
        })
    }
}

/// A new person.
#[derive(InputObject)]
pub struct CreatePersonInput {
    /// The person's fields.
    pub fields: PersonFieldsInput,
}

/// An edit of a person.
#[derive(InputObject)]
pub struct UpdatePersonInput {
    /// The person.
    pub id: ID,
    /// The `version` the edit is based on; a newer one is a `CONFLICT` and nothing changes.
    pub expected_version: i32,
    /// The fields from now on.
    pub fields: PersonFieldsInput,
}

/// The person after the change, or what to fix.
#[derive(SimpleObject)]
pub struct PersonPayload {
    /// The person; null when nothing changed.
    pub person: Option<Person>,
    /// Input to fix; empty on success.
    pub user_errors: Vec<UserError>,
}

fn payload(change: Change<entity::person::Model>) -> ApiResult<PersonPayload> {
    Ok(match change? {
        Ok(person) => PersonPayload {
            person: Some(Person(person)),
            user_errors: Vec::new(),
        },
        Err(errors) => PersonPayload {
            person: None,
            user_errors: errors.into_iter().map(Into::into).collect(),
        },
    })
}

/// Registering and editing persons.
#[derive(Default)]
pub struct PersonMutation;

#[Object]
impl PersonMutation {
    /// Registers a person (registrars, inside their jurisdiction). Audited, without the personal data.
    async fn create_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new person.")] input: CreatePersonInput,
    ) -> ApiResult<PersonPayload> {
        let context = request(ctx);
        let db = db(ctx);
        let change = services::person::create(db, context, input.fields.parse()?);
        payload(recording_refusals(ctx, "CREATE_PERSON", ("person", None), change).await)
    }

    /// Edits a person (registrars, inside their jurisdiction) if `expectedVersion` is current. Audited.
    async fn update_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person, the version edited, and the new fields.")] input: UpdatePersonInput,
    ) -> ApiResult<PersonPayload> {
        let context = request(ctx);
        let id = ids::decode_as("input.id", NodeType::Person, &input.id)?;
        let db = db(ctx);
        let fields = input.fields.parse()?;
        let change = services::person::update(db, context, id, input.expected_version, fields);
        payload(recording_refusals(ctx, "UPDATE_PERSON", ("person", Some(id)), change).await)
    }
}
