//! Who gets in: browser pages of the configured origins (CORS), the client's address (from the socket, or from `X-Forwarded-For` when the socket is a
//! trusted proxy), and a bound on the connections one address may hold open, so that one client with
//! thousands of idle or trickling connections cannot take every slot from the others.

use std::any::Any;
use std::collections::HashMap;
use std::net::{IpAddr, Shutdown};
use std::sync::{Arc, Mutex, PoisonError};

use actix_cors::Cors;
use actix_web::HttpRequest;
use actix_web::dev::Extensions;
use actix_web::http::header::{self, HeaderName};

use crate::config::CorsOrigins;

/// The client's address: the socket's peer, unless that is a trusted proxy; then the nearest address
/// in `X-Forwarded-For` that is not a trusted proxy itself (read from the right, because a client can
/// write anything on the left).
pub(super) fn client_address(req: &HttpRequest, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded = req
        .headers()
        .get_all(HeaderName::from_static("x-forwarded-for"))
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in forwarded.into_iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(address) if trusted_proxies.contains(&address) => continue,
            Ok(address) => return Some(address),
            // A hop we cannot read: the proxy is the last address we can vouch for.
            Err(_) => return Some(peer),
        }
    }
    Some(peer)
}

/// The CORS policy for `origins`: `GET` and `POST` with `Authorization` and `Content-Type`, the
/// rate-limit and retry headers readable by the page, and never credentials (tokens travel in
/// `Authorization`, not cookies), so a wildcard never meets them. A request from another origin is
/// still answered, without CORS headers, so the browser keeps the answer from the page.
pub(super) fn cors(origins: &CorsOrigins) -> Cors {
    let cors = Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        .expose_headers([
            "ratelimit-limit",
            "ratelimit-remaining",
            "ratelimit-reset",
            "retry-after",
        ])
        .max_age(600)
        .block_on_origin_mismatch(false);
    match origins {
        CorsOrigins::None => cors,
        CorsOrigins::Listed(listed) if listed.iter().any(|origin| origin == "*") => {
            cors.allow_any_origin().send_wildcard()
        }
        CorsOrigins::Listed(listed) => listed
            .iter()
            .fold(cors, |cors, origin| cors.allowed_origin(origin)),
        CorsOrigins::Loopback => cors.allowed_origin_fn(|origin, _| is_loopback_origin(origin.as_bytes())),
    }
}

/// Whether `origin` is a page served from this machine: `http://localhost[:port]` or
/// `http://127.0.0.1[:port]`.
fn is_loopback_origin(origin: &[u8]) -> bool {
    let Ok(origin) = std::str::from_utf8(origin) else {
        return false;
    };
    let Some(host_and_port) = origin.strip_prefix("http://") else {
        return false;
    };
    let host = host_and_port
        .rsplit_once(':')
        .filter(|(_, port)| port.parse::<u16>().is_ok())
        .map_or(host_and_port, |(host, _)| host);
    host == "localhost" || host == "127.0.0.1"
}

/// Counts open connections per client address and closes those over the bound.
#[derive(Clone)]
pub(super) struct ConnectionBound {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    per_address: usize,
    /// Trusted proxies carry many clients' connections and are not bounded.
    exempt: Arc<[IpAddr]>,
}

/// One admitted connection; dropped with the connection, it gives its slot back.
struct OpenConnection {
    bound: ConnectionBound,
    address: IpAddr,
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        let mut open = self.bound.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.address);
            }
        }
    }
}

impl ConnectionBound {
    pub(super) fn new(per_address: usize, exempt: &[IpAddr]) -> Self {
        Self {
            open: Arc::default(),
            per_address,
            exempt: exempt.into(),
        }
    }

    /// Called by the server for each new connection: counts it against its address, or shuts the
    /// socket at once when the address already holds its share.
    pub(super) fn on_connect(&self, connection: &dyn Any, extensions: &mut Extensions) {
        let Some(stream) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() else {
            return;
        };
        let Ok(peer) = stream.peer_addr() else {
            return;
        };
        let address = peer.ip();
        if self.exempt.contains(&address) {
            return;
        }
        let admitted = {
            let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
            let count = open.entry(address).or_default();
            if *count < self.per_address {
                *count += 1;
                true
            } else {
                false
            }
        };
        if admitted {
            extensions.insert(OpenConnection {
                bound: self.clone(),
                address,
            });
        } else {
            tracing::warn!(client.address = %address, "too many open connections from one address; closed");
            let _ = socket2::SockRef::from(stream).shutdown(Shutdown::Both);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn from(peer: &str, forwarded: Option<&str>) -> HttpRequest {
        let mut request = TestRequest::default().peer_addr(peer.parse().unwrap());
        if let Some(forwarded) = forwarded {
            request = request.insert_header(("x-forwarded-for", forwarded));
        }
        request.to_http_request()
    }

    #[test]
    fn loopback_origins_are_local_pages_only() {
        for local in [
            "http://localhost:5173",
            "http://127.0.0.1:3000",
            "http://localhost",
        ] {
            assert!(is_loopback_origin(local.as_bytes()), "{local}");
        }
        for other in [
            "https://localhost:5173",
            "http://localhost.evil.example",
            "http://127.0.0.1.evil.example:80",
            "http://example.gov.cn",
        ] {
            assert!(!is_loopback_origin(other.as_bytes()), "{other}");
        }
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let client: IpAddr = "203.0.113.9".parse().unwrap();
        // Not from a proxy: the header is whatever the client wrote, and ignored.
        let direct = from("198.51.100.7:4000", Some("203.0.113.9"));
        assert_eq!(client_address(&direct, &[proxy]), "198.51.100.7".parse().ok());
        // From the proxy: the nearest untrusted hop, not what the client put on the left.
        let proxied = from("10.0.0.1:4000", Some("1.2.3.4, 203.0.113.9"));
        assert_eq!(client_address(&proxied, &[proxy]), Some(client));
        // A proxy without the header is the client as far as we can tell.
        assert_eq!(
            client_address(&from("10.0.0.1:4000", None), &[proxy]),
            Some(proxy)
        );
        assert_eq!(
            client_address(&from("10.0.0.1:4000", Some("garbage")), &[proxy]),
            Some(proxy)
        );
    }
}
