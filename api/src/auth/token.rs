//! Access tokens: JWTs signed with HS256 by this server, checked per RFC 8725.
//!
//! Checks, in order: the header's `typ` is `at+jwt` (RFC 9068, so no other kind of JWT can pass as an
//! access token), its `alg` is on the allow-list (HS256 only: `none` and algorithm confusion are
//! refused), `jku`/`x5u` are never followed, the signature, then the claims: `sub`, `exp`, `iat`,
//! `iss`, `aud` required, `nbf` honoured, 30 seconds of leeway at most.

use std::fmt;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The `typ` header of an access token.
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";
/// Clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECONDS: u64 = 30;
/// Shortest HS256 secret accepted, in bytes (RFC 7518 §3.2: at least the hash size).
pub const MIN_SECRET_BYTES: usize = 32;

/// A signing secret; never printed.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps a secret, refusing one shorter than [`MIN_SECRET_BYTES`].
    pub fn new(bytes: Vec<u8>) -> Result<Self, String> {
        if bytes.len() < MIN_SECRET_BYTES {
            return Err(format!(
                "must be at least {MIN_SECRET_BYTES} bytes, got {}",
                bytes.len()
            ));
        }
        Ok(Self(bytes))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// The claims of an access token. The server trusts only `sub` and re-reads the user's status and
/// roles on every request; `roles` is for clients.
#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user's id.
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    /// Unique token id.
    pub jti: String,
    /// The user's roles when the token was issued.
    pub roles: Vec<String>,
}

/// Why a token was refused. Clients learn only "invalid" or "expired"; the detail is for the log.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenError {
    /// Past `exp` (beyond the leeway).
    Expired,
    /// Anything else: malformed, wrong type, algorithm, signature, issuer, audience, missing claim.
    Invalid(String),
}

/// How this server issues and checks tokens.
#[derive(Clone, Debug)]
pub struct TokenSettings {
    pub issuer: String,
    pub audience: String,
    pub lifetime: chrono::Duration,
    pub secret: Secret,
}

impl TokenSettings {
    /// Issues an access token for `user_id` with `roles`, valid from `now` for the configured lifetime.
    pub fn mint(
        &self,
        user_id: Uuid,
        roles: Vec<String>,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), String> {
        // Whole seconds, as in `exp`.
        let expires_at = DateTime::from_timestamp((now + self.lifetime).timestamp(), 0).unwrap_or(now);
        let claims = AccessClaims {
            sub: user_id.to_string(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            exp: expires_at.timestamp(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            jti: Uuid::now_v7().to_string(),
            roles,
        };
        let header = Header {
            typ: Some(ACCESS_TOKEN_TYPE.to_owned()),
            ..Header::new(Algorithm::HS256)
        };
        let token =
            encode(&header, &claims, &EncodingKey::from_secret(&self.secret.0)).map_err(|e| e.to_string())?;
        Ok((token, expires_at))
    }

    /// Checks a token and returns the user id it was issued to.
    pub fn verify(&self, token: &str) -> Result<Uuid, TokenError> {
        let invalid = |reason: &str| TokenError::Invalid(reason.to_owned());
        let header = decode_header(token).map_err(|e| TokenError::Invalid(e.to_string()))?;
        if !header.typ.as_deref().is_some_and(|typ| {
            typ.eq_ignore_ascii_case(ACCESS_TOKEN_TYPE) || typ.eq_ignore_ascii_case("application/at+jwt")
        }) {
            return Err(invalid("not an access token (typ)"));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["sub", "exp", "iss", "aud"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        let data = decode::<AccessClaims>(token, &DecodingKey::from_secret(&self.secret.0), &validation)
            .map_err(|err| match err.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid(err.to_string()),
            })?;
        Uuid::parse_str(&data.claims.sub).map_err(|_| invalid("sub is not a user id"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    use serde_json::{Value, json};

    fn settings() -> TokenSettings {
        TokenSettings {
            issuer: "registry".into(),
            audience: "registry-api".into(),
            lifetime: chrono::Duration::minutes(15),
            secret: Secret::new(b"0123456789abcdef0123456789abcdef".to_vec()).unwrap(),
        }
    }

    /// Signs arbitrary header and claims with the test secret, as an attacker with the key (or a
    /// sloppy issuer) could.
    fn forge(header: Value, claims: Value, secret: &[u8]) -> String {
        use hmac::{Hmac, Mac};
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
        mac.update(signing_input.as_bytes());
        format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    }

    fn good_claims() -> Value {
        let now = Utc::now().timestamp();
        json!({ "sub": Uuid::now_v7().to_string(), "iss": "registry", "aud": "registry-api",
                "exp": now + 600, "iat": now, "nbf": now, "jti": "x", "roles": [] })
    }

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_minted_token_verifies_to_its_user() {
        let user = Uuid::now_v7();
        let (token, _) = settings()
            .mint(user, vec!["REVIEWER".into()], Utc::now())
            .unwrap();
        assert_eq!(settings().verify(&token), Ok(user));
    }

    #[test]
    fn a_forged_token_with_the_right_shape_verifies() {
        let token = forge(json!({"alg": "HS256", "typ": "at+jwt"}), good_claims(), SECRET);
        assert!(settings().verify(&token).is_ok());
    }

    #[test]
    fn tokens_breaking_a_rule_are_refused() {
        let now = Utc::now().timestamp();
        let with = |key: &str, value: Value| {
            let mut claims = good_claims();
            claims[key] = value;
            claims
        };
        let without = |key: &str| {
            let mut claims = good_claims();
            claims.as_object_mut().unwrap().remove(key);
            claims
        };
        let hs = json!({"alg": "HS256", "typ": "at+jwt"});
        let cases = [
            (
                "alg none",
                format!(
                    "{}.{}.",
                    URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"at+jwt"}"#),
                    URL_SAFE_NO_PAD.encode(good_claims().to_string())
                ),
            ),
            (
                "HS384",
                forge(json!({"alg": "HS384", "typ": "at+jwt"}), good_claims(), SECRET),
            ),
            ("no typ", forge(json!({"alg": "HS256"}), good_claims(), SECRET)),
            (
                "id token typ",
                forge(json!({"alg": "HS256", "typ": "JWT"}), good_claims(), SECRET),
            ),
            (
                "wrong key",
                forge(hs.clone(), good_claims(), b"another secret of thirty-two bytes!"),
            ),
            (
                "wrong issuer",
                forge(hs.clone(), with("iss", json!("someone")), SECRET),
            ),
            (
                "wrong audience",
                forge(hs.clone(), with("aud", json!("other-api")), SECRET),
            ),
            (
                "not yet valid",
                forge(hs.clone(), with("nbf", json!(now + 120)), SECRET),
            ),
            ("missing sub", forge(hs.clone(), without("sub"), SECRET)),
            ("missing exp", forge(hs.clone(), without("exp"), SECRET)),
            ("missing iat", forge(hs.clone(), without("iat"), SECRET)),
            ("missing iss", forge(hs.clone(), without("iss"), SECRET)),
            ("missing aud", forge(hs.clone(), without("aud"), SECRET)),
            (
                "sub not a user id",
                forge(hs.clone(), with("sub", json!("admin")), SECRET),
            ),
            ("garbage", "not.a.token".to_owned()),
        ];
        for (case, token) in cases {
            assert!(
                matches!(settings().verify(&token), Err(TokenError::Invalid(_))),
                "{case} passed"
            );
        }
        let expired = forge(hs.clone(), with("exp", json!(now - 31)), SECRET);
        assert_eq!(settings().verify(&expired), Err(TokenError::Expired));
        let within_leeway = forge(hs, with("exp", json!(now - 5)), SECRET);
        assert!(settings().verify(&within_leeway).is_ok());
    }

    #[test]
    fn short_secrets_are_refused_and_never_printed() {
        assert!(Secret::new(b"short".to_vec()).is_err());
        let secret = Secret::new(vec![b'k'; 32]).unwrap();
        assert_eq!(format!("{secret:?}"), "Secret(..)");
    }
}
