//! Authentication: local accounts' passwords, and the access tokens that carry a signed-in user.
//! What a user may do once known is the access policy's business (`crate::policy`).

pub mod password;
pub mod token;
