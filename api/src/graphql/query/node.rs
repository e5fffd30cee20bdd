//! Relay object identification: `node` and `nodes`.

use async_graphql::{Context, ID, Object};

use crate::error::{ApiError, ApiResult};
use crate::graphql::node::Node;
use crate::graphql::types::agreement::RecognitionAgreement;
use crate::graphql::types::announcement::Announcement;
use crate::graphql::types::brand::Brand;
use crate::graphql::types::enterprise::{Enterprise, Person};
use crate::graphql::types::geographic_indication::GeographicIndication;
use crate::graphql::types::objection::{Objection, may_see as may_see_objection};
use crate::graphql::types::program::AwardProgram;
use crate::graphql::types::region::{Bureau, Region};
use crate::graphql::types::user::User;
use crate::graphql::types::{db, loaders, request};
use crate::i18n::Message;
use crate::ids::{self, NodeType};
use crate::policy::Viewer;

/// Most ids `nodes(ids:)` takes at once.
const MAX_NODES: usize = 100;

/// Relay object identification.
#[derive(Default)]
pub struct NodeQuery;

/// Loads the object behind a global id, or `None` when it is missing or hidden from the viewer.
async fn load_node(ctx: &Context<'_>, field: &str, id: &ID) -> ApiResult<Option<Node>> {
    let (node_type, uuid) = ids::decode(field, id)?;
    let loaders = loaders(ctx);
    Ok(match node_type {
        NodeType::Region => loaders
            .region_rows
            .load_one(uuid)
            .await?
            .map(|m| Node::Region(Region(m))),
        NodeType::Bureau => loaders
            .bureaus
            .load_one(uuid)
            .await?
            .map(|m| Node::Bureau(Bureau(m))),
        NodeType::Enterprise => loaders
            .enterprises
            .load_one(uuid)
            .await?
            .map(|m| Node::Enterprise(Enterprise(m))),
        NodeType::Person => loaders
            .persons
            .load_one(uuid)
            .await?
            .map(|m| Node::Person(Person(m))),
        NodeType::Brand => loaders
            .brands
            .load_one(uuid)
            .await?
            .map(|m| Node::Brand(Brand(m))),
        NodeType::GeographicIndication => loaders
            .indications
            .load_one(uuid)
            .await?
            .map(|m| Node::GeographicIndication(GeographicIndication(m))),
        NodeType::AwardProgram => loaders
            .programs
            .load_one(uuid)
            .await?
            .map(|m| Node::AwardProgram(AwardProgram(m))),
        NodeType::RecognitionAgreement => loaders
            .agreements
            .load_one(uuid)
            .await?
            .map(|m| Node::RecognitionAgreement(RecognitionAgreement(m))),
        NodeType::User => match &request(ctx).viewer {
            Viewer::User(actor) => {
                let db = db(ctx);
                crate::services::user::managed(db, actor, uuid)
                    .await?
                    .map(|(user, _)| Node::User(User(user)))
            }
            Viewer::Public => None,
        },
        NodeType::Credential => loaders
            .credentials
            .load_one(uuid)
            .await?
            // A hidden credential answers exactly like a missing one.
            .filter(|m| request(ctx).viewer.may_see_credential(m))
            .map(Node::from_credential),
        NodeType::Announcement => loaders
            .announcements
            .load_one(uuid)
            .await?
            .map(|m| Node::Announcement(Announcement(m))),
        NodeType::Objection => match loaders.objections.load_one(uuid).await? {
            Some(objection) => loaders
                .credentials
                .load_one(objection.credential_id)
                .await?
                .filter(|credential| may_see_objection(&request(ctx).viewer, &objection, credential))
                .map(|_| Node::Objection(Objection(objection))),
            None => None,
        },
    })
}

#[Object]
impl NodeQuery {
    /// Any object by its global ID; null when it does not exist or is not visible to the caller.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID.")] id: ID,
    ) -> ApiResult<Option<Node>> {
        load_node(ctx, "id", &id).await
    }

    /// Several objects by global ID, in the order asked (at most 100); null for each that does not exist
    /// or is not visible.
    #[graphql(complexity = "ids.len().max(1) * child_complexity")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs, at most 100.")] ids: Vec<ID>,
    ) -> ApiResult<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(ApiError::bad_input(
                "ids",
                Message::new("too-many-ids")
                    .with("max", MAX_NODES)
                    .with("got", ids.len()),
            ));
        }
        // Loads run concurrently, so the DataLoaders batch them: one query per type, not per id.
        let loads = ids
            .iter()
            .enumerate()
            .map(|(i, id)| async move { load_node(ctx, &format!("ids[{i}]"), id).await });
        futures_util::future::try_join_all(loads).await
    }
}
