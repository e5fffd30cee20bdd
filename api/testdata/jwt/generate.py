"""Interoperability vectors for the registry's token checks, minted by an independent implementation
(PyJWT + cryptography), not by our code. Run once with `python3 generate.py`; the outputs are committed
and read by the unit tests in api/src/auth/token.rs. Keys here are test keys only.
"""
import json

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ISSUER, AUDIENCE = "registry", "registry-api"
SUB = "0190f1a2-3b4c-7d5e-8f60-718293a4b5c6"
SECRET = b"0123456789abcdef0123456789abcdef"
# Issued and valid from 2000-01-01, expiring 2100-01-01: the vectors hold whatever the wall clock says
# in between (the suite also runs with the clock moved years ahead and back).
FAR, PAST = 4102444800, 946684800  # 2100-01-01, 2000-01-01


def pem(private_key):
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(private_key):
    return private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ec_key = ec.generate_private_key(ec.SECP256R1())
attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)

jwks = {"keys": []}
for kid, key, alg in [("rsa-2026", rsa_key, "RS256"), ("ec-2026", ec_key, "ES256")]:
    jwk = json.loads(jwt.algorithms.get_default_algorithms()[alg].to_jwk(key.public_key()))
    jwk.update({"kid": kid, "alg": alg, "use": "sig"})
    jwks["keys"].append(jwk)


def claims(**changes):
    base = {"sub": SUB, "iss": ISSUER, "aud": AUDIENCE, "exp": FAR, "iat": PAST, "nbf": PAST, "jti": "v", "roles": []}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def token(key, alg, kid=None, typ="at+jwt", extra_headers=None, **changes):
    headers = {"typ": typ}
    if kid:
        headers["kid"] = kid
    headers.update(extra_headers or {})
    return jwt.encode(claims(**changes), key, algorithm=alg, headers=headers)


vectors = [
    {"name": "RS256 by a known key", "token": token(rsa_key, "RS256", "rsa-2026"), "expect": "accept"},
    {"name": "ES256 by a known key", "token": token(ec_key, "ES256", "ec-2026"), "expect": "accept"},
    {"name": "HS256 with the shared secret", "token": token(SECRET, "HS256"), "expect": "accept"},
    {"name": "RS256 with an unknown kid", "token": token(rsa_key, "RS256", "rsa-2020"), "expect": "invalid"},
    {"name": "RS256 without a kid", "token": token(rsa_key, "RS256"), "expect": "invalid"},
    {"name": "RS256 by another key under a known kid", "token": token(attacker, "RS256", "rsa-2026"), "expect": "invalid"},
    {"name": "ES256 header on the RSA kid", "token": token(ec_key, "ES256", "rsa-2026"), "expect": "invalid"},
    # Signed below by hand: PyJWT refuses to use a PEM key as an HMAC secret.
    {"name": "HS256 keyed with the RSA public key (algorithm confusion)", "token": None, "expect": "invalid"},
    {"name": "alg none", "token": token(None, "none", "rsa-2026"), "expect": "invalid"},
    {"name": "jku pointing at the attacker's keys", "token": token(attacker, "RS256", "attacker",
        extra_headers={"jku": "https://attacker.example/jwks.json"}), "expect": "invalid"},
    {"name": "x5u on a known kid but the attacker's signature", "token": token(attacker, "RS256", "rsa-2026",
        extra_headers={"x5u": "https://attacker.example/cert.pem"}), "expect": "invalid"},
    {"name": "typ JWT, not an access token", "token": token(rsa_key, "RS256", "rsa-2026", typ="JWT"), "expect": "invalid"},
    {"name": "expired", "token": token(ec_key, "ES256", "ec-2026", exp=PAST + 3600), "expect": "expired"},
    {"name": "not yet valid", "token": token(rsa_key, "RS256", "rsa-2026", nbf=FAR - 10), "expect": "invalid"},
    {"name": "missing aud", "token": token(rsa_key, "RS256", "rsa-2026", aud=None), "expect": "invalid"},
    {"name": "missing iat", "token": token(ec_key, "ES256", "ec-2026", iat=None), "expect": "invalid"},
    {"name": "other issuer", "token": token(rsa_key, "RS256", "rsa-2026", iss="someone-else"), "expect": "invalid"},
]


def hs256_with_public_key():
    """HS256 over the RSA public key's PEM, exactly as an attacker who knows the public key would."""
    import base64, hashlib, hmac
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    header = b64(json.dumps({"alg": "HS256", "typ": "at+jwt", "kid": "rsa-2026"}).encode())
    payload = b64(json.dumps(claims()).encode())
    signature = hmac.new(public_pem(rsa_key).encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


for vector in vectors:
    if vector["token"] is None:
        vector["token"] = hs256_with_public_key()

with open("jwks.json", "w") as f:
    json.dump(jwks, f, indent=2)
with open("rsa-public.pem", "w") as f:
    f.write(public_pem(rsa_key))
with open("ec-public.pem", "w") as f:
    f.write(public_pem(ec_key))
with open("rsa-private.pem", "w") as f:
    f.write(pem(rsa_key))
with open("ec-private.pem", "w") as f:
    f.write(pem(ec_key))
with open("vectors.json", "w") as f:
    json.dump({"issuer": ISSUER, "audience": AUDIENCE, "sub": SUB, "secret": SECRET.decode(), "vectors": vectors}, f, indent=2)
print(f"{len(vectors)} vectors written")
