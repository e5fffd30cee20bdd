//! The mutation root, merged from one object per domain concept. Authentication and authorisation
//! failures are top-level errors with `extensions.code`; input the caller can fix comes back as
//! `userErrors` in the payload, with nothing changed.

mod account;
mod administration;
mod enterprise;

use async_graphql::MergedObject;

use account::AccountMutation;
use administration::AdministrationMutation;
use enterprise::EnterpriseMutation;

/// The root of every mutation: signing in, managing users and bureaus, registering enterprises.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(AccountMutation, AdministrationMutation, EnterpriseMutation);
