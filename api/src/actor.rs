//! The one value a request hands to services: who is asking, on which business date, in which
//! request, and the personal data it reads in full. Built once at the HTTP edge (or by the command
//! line); services take it whole and never rebuild a viewer.

use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use uuid::Uuid;

use crate::error::ApiResult;
use crate::policy::{Account, Viewer};

/// Who acts, when, and in which request.
pub struct Actor {
    /// Who is asking.
    pub viewer: Viewer,
    /// The registry's business date for this request (from its one clock).
    pub today: NaiveDate,
    /// Personal data read in full during this request, recorded in the audit log once it finishes.
    pub personal_data_reads: PersonalDataReads,
    /// The request's id, as in the logs; audit events carry it.
    pub request_id: String,
    /// The address the request came from (the socket's peer), when known: sign-in attempts are
    /// counted per address too.
    pub client_address: Option<std::net::IpAddr>,
}

impl Actor {
    /// An actor for `viewer` on `today` in request `request_id`.
    pub fn new(viewer: Viewer, today: NaiveDate, request_id: impl Into<String>) -> Self {
        Self {
            viewer,
            today,
            personal_data_reads: PersonalDataReads::default(),
            request_id: request_id.into(),
            client_address: None,
        }
    }

    /// The same actor, known to call from `address`.
    pub fn from_address(mut self, address: Option<std::net::IpAddr>) -> Self {
        self.client_address = address;
        self
    }

    /// The role rule for `operation` (the policy's table of operations): the signed-in account that
    /// may call it, or why not.
    pub fn require(&self, operation: &str) -> ApiResult<&Account> {
        self.viewer.require(operation)
    }
}

/// One field of one person's personal data read in full.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonalDataRead {
    /// Whose data.
    pub person_id: Uuid,
    /// Which field (`identityNumber`, `phone`).
    pub field: &'static str,
}

/// The personal-data reads of one request, shared between its resolvers and the HTTP layer that
/// writes them to the audit log.
#[derive(Clone, Default)]
pub struct PersonalDataReads(Arc<Mutex<Vec<PersonalDataRead>>>);

impl PersonalDataReads {
    /// Notes that `field` of `person_id` was read in full.
    pub fn record(&self, person_id: Uuid, field: &'static str) {
        if let Ok(mut reads) = self.0.lock() {
            let read = PersonalDataRead { person_id, field };
            if !reads.contains(&read) {
                reads.push(read);
            }
        }
    }

    /// The reads recorded so far, leaving none behind.
    pub fn take(&self) -> Vec<PersonalDataRead> {
        self.0
            .lock()
            .map(|mut reads| std::mem::take(&mut *reads))
            .unwrap_or_default()
    }
}
