//! Access tokens: JWTs this server signs with HS256, or an external issuer signs with RS256/ES256 under
//! a configured public key, checked per RFC 8725.
//!
//! Checks, in order: the header's `typ` is `at+jwt` (RFC 9068, so no other kind of JWT can pass as an
//! access token); the algorithm is on the allow-list and fits the key: HS256 only without a `kid` and
//! only with our secret, RS256/ES256 only with the configured public key named by `kid` and declared for
//! that algorithm (so `none`, unknown kids and algorithm confusion are refused); `jku`/`x5u` are never
//! followed; the signature; then the claims: `sub`, `exp`, `iat`, `iss`, `aud` required, `nbf`
//! honoured, 30 seconds of leeway at most.

use std::collections::HashMap;
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

/// A public key of an external issuer, and the one algorithm it may verify.
#[derive(Clone)]
struct PublicKey {
    algorithm: Algorithm,
    key: DecodingKey,
}

/// External issuers' public keys by `kid` (RS256 and ES256 only).
#[derive(Clone, Default)]
pub struct PublicKeys(HashMap<String, PublicKey>);

impl fmt::Debug for PublicKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

/// The asymmetric algorithms accepted, by name.
fn asymmetric(name: &str) -> Result<Algorithm, String> {
    match name {
        "RS256" => Ok(Algorithm::RS256),
        "ES256" => Ok(Algorithm::ES256),
        other => Err(format!("algorithm {other} is not accepted (RS256 or ES256)")),
    }
}

impl PublicKeys {
    /// Reads a JWKS document; every key needs a `kid` and an `alg` of RS256 or ES256.
    pub fn from_jwks(json: &str) -> Result<Self, String> {
        let set: jsonwebtoken::jwk::JwkSet =
            serde_json::from_str(json).map_err(|e| format!("not a JWKS: {e}"))?;
        let mut keys = Self::default();
        for jwk in &set.keys {
            let kid = jwk.common.key_id.clone().ok_or("a key has no kid")?;
            let algorithm = match jwk.common.key_algorithm {
                Some(jsonwebtoken::jwk::KeyAlgorithm::RS256) => Algorithm::RS256,
                Some(jsonwebtoken::jwk::KeyAlgorithm::ES256) => Algorithm::ES256,
                _ => return Err(format!("key {kid}: alg must be RS256 or ES256")),
            };
            let key = DecodingKey::from_jwk(jwk).map_err(|e| format!("key {kid}: {e}"))?;
            keys.insert(kid, algorithm, key)?;
        }
        Ok(keys)
    }

    /// Adds a PEM public key for `kid`, to be used with `algorithm` (RS256 or ES256) only.
    pub fn add_pem(&mut self, kid: &str, algorithm: &str, pem: &[u8]) -> Result<(), String> {
        let algorithm = asymmetric(algorithm)?;
        let key = match algorithm {
            Algorithm::RS256 => DecodingKey::from_rsa_pem(pem),
            _ => DecodingKey::from_ec_pem(pem),
        }
        .map_err(|e| format!("key {kid}: {e}"))?;
        self.insert(kid.to_owned(), algorithm, key)
    }

    fn insert(&mut self, kid: String, algorithm: Algorithm, key: DecodingKey) -> Result<(), String> {
        if self.0.contains_key(&kid) {
            return Err(format!("kid {kid} is configured twice"));
        }
        self.0.insert(kid, PublicKey { algorithm, key });
        Ok(())
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
    /// External issuers' keys; tokens signed with them are accepted like our own.
    pub public_keys: PublicKeys,
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
        // The key decides the algorithm, never the other way round.
        let secret_key;
        let (algorithm, key) = match (header.alg, header.kid.as_deref()) {
            (Algorithm::HS256, None) => {
                secret_key = DecodingKey::from_secret(&self.secret.0);
                (Algorithm::HS256, &secret_key)
            }
            (Algorithm::HS256, Some(_)) => return Err(invalid("HS256 tokens carry no kid")),
            (Algorithm::RS256 | Algorithm::ES256, Some(kid)) => {
                let public = self
                    .public_keys
                    .0
                    .get(kid)
                    .ok_or_else(|| invalid("unknown kid"))?;
                if public.algorithm != header.alg {
                    return Err(invalid("alg does not match the key"));
                }
                (public.algorithm, &public.key)
            }
            (Algorithm::RS256 | Algorithm::ES256, None) => return Err(invalid("kid required")),
            (other, _) => return Err(TokenError::Invalid(format!("algorithm {other:?} not accepted"))),
        };
        let mut validation = Validation::new(algorithm);
        validation.algorithms = vec![algorithm];
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["sub", "exp", "iss", "aud"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        let data = decode::<AccessClaims>(token, key, &validation).map_err(|err| match err.kind() {
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
            public_keys: PublicKeys::default(),
        }
    }

    #[derive(Deserialize)]
    struct Vectors {
        sub: String,
        vectors: Vec<Vector>,
    }

    #[derive(Deserialize)]
    struct Vector {
        name: String,
        token: String,
        expect: String,
    }

    /// Tokens minted by PyJWT (testdata/jwt/generate.py), checked with the keys it published, as a
    /// JWKS file and as PEM files.
    #[test]
    fn tokens_from_an_independent_implementation_are_judged_the_same() {
        let vectors: Vectors = serde_json::from_str(include_str!("../../testdata/jwt/vectors.json")).unwrap();
        let from_jwks = TokenSettings {
            public_keys: PublicKeys::from_jwks(include_str!("../../testdata/jwt/jwks.json")).unwrap(),
            ..settings()
        };
        let mut pem_keys = PublicKeys::default();
        pem_keys
            .add_pem(
                "rsa-2026",
                "RS256",
                include_bytes!("../../testdata/jwt/rsa-public.pem"),
            )
            .unwrap();
        pem_keys
            .add_pem(
                "ec-2026",
                "ES256",
                include_bytes!("../../testdata/jwt/ec-public.pem"),
            )
            .unwrap();
        let from_pem = TokenSettings {
            public_keys: pem_keys,
            ..settings()
        };
        let sub = Uuid::parse_str(&vectors.sub).unwrap();
        assert!(vectors.vectors.len() >= 15);
        for settings in [&from_jwks, &from_pem] {
            for vector in &vectors.vectors {
                let outcome = settings.verify(&vector.token);
                match vector.expect.as_str() {
                    "accept" => assert_eq!(outcome, Ok(sub), "{}", vector.name),
                    "expired" => assert_eq!(outcome, Err(TokenError::Expired), "{}", vector.name),
                    _ => assert!(
                        matches!(outcome, Err(TokenError::Invalid(_))),
                        "{}: {outcome:?}",
                        vector.name
                    ),
                }
            }
        }
    }

    #[test]
    fn keys_must_name_an_accepted_algorithm() {
        let mut keys = PublicKeys::default();
        let pem = include_bytes!("../../testdata/jwt/rsa-public.pem");
        assert!(keys.add_pem("k", "HS256", pem).is_err());
        assert!(keys.add_pem("k", "RS256", pem).is_ok());
        assert!(
            keys.add_pem("k", "RS256", pem).is_err(),
            "a kid is configured once"
        );
        assert!(
            PublicKeys::from_jwks(r#"{"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"x","alg":"HS256"}]}"#)
                .is_err()
        );
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
