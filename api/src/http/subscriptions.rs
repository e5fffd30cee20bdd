//! Subscriptions over WebSocket, in the graphql-transport-ws protocol (the `graphql-ws` client's):
//! `GET /graphql` with `Upgrade: websocket`. The caller is named by the token in `connection_init`'s
//! payload (`{"Authorization": "Bearer …"}`), checked like a request's header, and its account read
//! afresh; without one it is the public. A connection that sends nothing (no message, no ping) for
//! [`IDLE_TIMEOUT`] is closed; the open connections are bounded per client address like every other.

use std::net::IpAddr;
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use async_graphql::http::{WebSocket, WebSocketProtocols, WsMessage};
use async_graphql::{Data, Error};
use futures_util::StreamExt;
use serde_json::Value;

use super::AppState;
use crate::actor::Actor;
use crate::auth::token::TokenError;
use crate::graphql::loaders::Loaders;
use crate::policy::Viewer;
use crate::services::account;

/// The one protocol spoken.
const PROTOCOL: &str = "graphql-transport-ws";
/// A connection quiet this long is closed (clients ping more often: `graphql-ws` every 12 s when asked).
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Whether a request asks to upgrade to a WebSocket.
pub(super) fn is_upgrade(ctx: &actix_web::guard::GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(header::UPGRADE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.eq_ignore_ascii_case("websocket"))
}

/// Upgrades the connection and serves subscriptions on it until either side closes it.
pub(super) async fn serve(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let offered = req
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if !offered.split(',').any(|protocol| protocol.trim() == PROTOCOL) {
        return Ok(HttpResponse::BadRequest().body(format!("subscriptions speak {PROTOCOL} only")));
    }
    let (mut response, mut session, messages) = actix_ws::handle(&req, body)?;
    response.headers_mut().insert(
        header::SEC_WEBSOCKET_PROTOCOL,
        header::HeaderValue::from_static(PROTOCOL),
    );
    let address = super::admission::client_address(&req, &state.trusted_proxies);
    let request_id = super::request_id::of(&req).to_string();
    // Pings are answered here; text and binary frames go to the protocol.
    let pongs = session.clone();
    let frames = messages.filter_map(move |message| {
        let mut pongs = pongs.clone();
        async move {
            match message {
                Ok(actix_ws::Message::Text(text)) => Some(text.into_bytes()),
                Ok(actix_ws::Message::Binary(bytes)) => Some(bytes),
                Ok(actix_ws::Message::Ping(bytes)) => {
                    let _ = pongs.pong(&bytes).await;
                    None
                }
                _ => None,
            }
        }
    });
    let schema = state.schema.clone();
    let protocol = WebSocketProtocols::GraphQLWS;
    let connection = WebSocket::new(schema, frames, protocol)
        .on_connection_init(move |payload| {
            connection_data(state.clone(), payload, request_id.clone(), address)
        })
        .keepalive_timeout(IDLE_TIMEOUT);
    actix_web::rt::spawn(async move {
        let mut connection = std::pin::pin!(connection);
        while let Some(message) = connection.next().await {
            match message {
                WsMessage::Text(text) => {
                    if session.text(text).await.is_err() {
                        return;
                    }
                }
                WsMessage::Close(code, reason) => {
                    let reason = actix_ws::CloseReason {
                        code: code.into(),
                        description: Some(reason),
                    };
                    let _ = session.close(Some(reason)).await;
                    return;
                }
            }
        }
        let _ = session.close(None).await;
    });
    Ok(response)
}

/// The data of a connection whose `connection_init` carried `payload`: the caller, as for a request
/// ([`super::admit`]), with its loaders. A bad token or a disabled account refuses the connection.
async fn connection_data(
    state: web::Data<AppState>,
    payload: Value,
    request_id: String,
    address: Option<IpAddr>,
) -> async_graphql::Result<Data> {
    let authorization = payload
        .get("Authorization")
        .or_else(|| payload.get("authorization"))
        .and_then(Value::as_str);
    let viewer = match authorization {
        None => Viewer::Public,
        Some(value) => {
            let token = value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
                .map(str::trim)
                .ok_or_else(|| Error::new("the token is not a bearer token"))?;
            let user_id = match state.tokens.verify(token) {
                Ok(user_id) => user_id,
                Err(TokenError::Expired) => return Err(Error::new("the token has expired")),
                Err(TokenError::Invalid(reason)) => {
                    tracing::info!(auth.refused = %reason, "subscription token refused");
                    return Err(Error::new("the token is not valid"));
                }
            };
            match account::active_account(&state.db, user_id).await {
                Ok(Some(account)) => Viewer::User(Box::new(account)),
                Ok(None) => return Err(Error::new("the account is disabled")),
                Err(_) => return Err(Error::new("the registry cannot be reached")),
            }
        }
    };
    let mut data = Data::default();
    data.insert(Loaders::new(&state.db, &viewer, state.batch_window, None));
    data.insert(Actor::new(viewer, state.clock.today(), request_id).from_address(address));
    Ok(data)
}
