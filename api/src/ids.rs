//! Relay global ids: opaque strings that encode the type and the UUID of an object, so `node(id:)` can
//! find anything and clients never build ids themselves.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

use crate::error::ApiError;
use crate::i18n::Message;

/// Every type reachable through `node(id:)`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum NodeType {
    Region,
    Bureau,
    Enterprise,
    Person,
    Brand,
    GeographicIndication,
    AwardProgram,
    RecognitionAgreement,
    /// A local account (visible to the administrators who may manage it).
    User,
    /// Any credential; the stored kind decides which GraphQL type it becomes.
    Credential,
    /// An objection raised during a public notice.
    Objection,
    /// A published announcement (公告).
    Announcement,
}

impl NodeType {
    const ALL: [NodeType; 12] = [
        Self::Region,
        Self::Bureau,
        Self::Enterprise,
        Self::Person,
        Self::Brand,
        Self::GeographicIndication,
        Self::AwardProgram,
        Self::RecognitionAgreement,
        Self::User,
        Self::Credential,
        Self::Objection,
        Self::Announcement,
    ];

    fn tag(self) -> &'static str {
        match self {
            Self::Region => "Region",
            Self::Bureau => "Bureau",
            Self::Enterprise => "Enterprise",
            Self::Person => "Person",
            Self::Brand => "Brand",
            Self::GeographicIndication => "GeographicIndication",
            Self::AwardProgram => "AwardProgram",
            Self::RecognitionAgreement => "RecognitionAgreement",
            Self::User => "User",
            Self::Credential => "Credential",
            Self::Objection => "Objection",
            Self::Announcement => "Announcement",
        }
    }
}

/// Encodes a global id.
pub fn encode(node_type: NodeType, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{}", node_type.tag(), id))
}

/// Decodes a global id; `field` names the argument in the error.
pub fn decode(field: &str, global_id: &str) -> Result<(NodeType, Uuid), ApiError> {
    let invalid = || ApiError::bad_input(field, Message::new("id-invalid"));
    let bytes = URL_SAFE_NO_PAD.decode(global_id.trim()).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (tag, uuid) = text.split_once(':').ok_or_else(invalid)?;
    let node_type = NodeType::ALL
        .into_iter()
        .find(|t| t.tag() == tag)
        .ok_or_else(invalid)?;
    let uuid = Uuid::parse_str(uuid).map_err(|_| invalid())?;
    Ok((node_type, uuid))
}

/// Decodes a global id that must be of one type.
pub fn decode_as(field: &str, expected: NodeType, global_id: &str) -> Result<Uuid, ApiError> {
    match decode(field, global_id)? {
        (node_type, uuid) if node_type == expected => Ok(uuid),
        _ => Err(ApiError::bad_input(
            field,
            Message::new("id-wrong-type").with("type", expected.tag()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_keep_their_type() {
        let uuid = Uuid::now_v7();
        let id = encode(NodeType::Enterprise, uuid);
        assert_eq!(decode("id", &id).unwrap(), (NodeType::Enterprise, uuid));
        assert!(decode_as("id", NodeType::Bureau, &id).is_err());
    }

    #[test]
    fn garbage_is_a_bad_input() {
        for bad in ["", "!!", "RW50ZXJwcmlzZTp4", &URL_SAFE_NO_PAD.encode("Nope:0190")] {
            let err = decode("ids", bad).unwrap_err();
            assert_eq!(err.code(), "BAD_USER_INPUT", "{bad}");
        }
    }
}
