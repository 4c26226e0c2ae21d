//! ID tokens (OpenID Connect Core 1.0 §3.1.3.7): a JWS (RFC 7515) whose
//! signature is checked against the provider's published keys (a JWK Set,
//! RFC 7517), then its claims against the sign-in it answers.
//!
//! Only asymmetric signatures are accepted (RS256/384/512, PS256/384/512,
//! ES256/384): `none` and the HMAC algorithms, whose key would be the
//! client secret, are refused whatever the key set says.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Public};
use openssl::rsa::{Padding, Rsa};
use openssl::sign::{RsaPssSaltlen, Verifier};
use serde::Deserialize;
use time::OffsetDateTime;

/// How far the provider's clock may be from ours.
pub const LEEWAY_SECONDS: i64 = 60;

/// One published key (the members this server reads).
#[derive(Debug, Clone, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default, rename = "use")]
    pub use_: Option<String>,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(default)]
    n: Option<String>,
    #[serde(default)]
    e: Option<String>,
    #[serde(default)]
    crv: Option<String>,
    #[serde(default)]
    x: Option<String>,
    #[serde(default)]
    y: Option<String>,
}

/// A provider's `jwks_uri` document.
#[derive(Debug, Clone, Deserialize)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

/// Why an ID token is not believed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the ID token is not a signed JWT")]
    Malformed,
    #[error("the ID token is signed with {0}, an algorithm this server does not accept")]
    Algorithm(String),
    #[error("the provider publishes no key {0} for the ID token's signature")]
    UnknownKey(String),
    #[error("the ID token's signature does not verify with the provider's key")]
    Signature,
    #[error("the ID token was issued by {found}, not by {expected}")]
    Issuer { expected: String, found: String },
    #[error("the ID token is meant for another application, not client {0}")]
    Audience(String),
    #[error("the ID token has expired")]
    Expired,
    #[error("the ID token is not valid yet (issued in the future)")]
    NotYetValid,
    #[error("the ID token answers another sign-in: its nonce is not this sign-in's")]
    Nonce,
    #[error("the ID token names nobody (no `sub`)")]
    NoSubject,
}

/// A token split and decoded, its signature not yet checked.
#[derive(Debug)]
pub struct Unverified {
    alg: String,
    kid: Option<String>,
    signing_input: String,
    signature: Vec<u8>,
    claims: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

/// Splits a compact JWS and decodes its header and claims.
pub fn parse(token: &str) -> Result<Unverified, TokenError> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(TokenError::Malformed);
    };
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|_| TokenError::Malformed);
    let header: Header = serde_json::from_slice(&decode(header)?).map_err(|_| TokenError::Malformed)?;
    // No extension this server understands may be made critical (RFC 7515 §4.1.11).
    if header.crit.is_some() {
        return Err(TokenError::Malformed);
    }
    let claims = serde_json::from_slice(&decode(payload)?).map_err(|_| TokenError::Malformed)?;
    Ok(Unverified {
        alg: header.alg,
        kid: header.kid,
        signing_input: token[..token.len() - signature.len() - 1].to_owned(),
        signature: decode(signature)?,
        claims,
    })
}

/// The digest, key type and padding an algorithm names.
#[derive(Clone, Copy)]
enum Scheme {
    Pkcs1(MessageDigest),
    Pss(MessageDigest),
    Ecdsa(MessageDigest, Nid, usize),
}

fn scheme(alg: &str) -> Result<Scheme, TokenError> {
    Ok(match alg {
        "RS256" => Scheme::Pkcs1(MessageDigest::sha256()),
        "RS384" => Scheme::Pkcs1(MessageDigest::sha384()),
        "RS512" => Scheme::Pkcs1(MessageDigest::sha512()),
        "PS256" => Scheme::Pss(MessageDigest::sha256()),
        "PS384" => Scheme::Pss(MessageDigest::sha384()),
        "PS512" => Scheme::Pss(MessageDigest::sha512()),
        "ES256" => Scheme::Ecdsa(MessageDigest::sha256(), Nid::X9_62_PRIME256V1, 32),
        "ES384" => Scheme::Ecdsa(MessageDigest::sha384(), Nid::SECP384R1, 48),
        other => return Err(TokenError::Algorithm(other.to_owned())),
    })
}

fn b64_number(value: Option<&String>) -> Option<BigNum> {
    BigNum::from_slice(&URL_SAFE_NO_PAD.decode(value?).ok()?).ok()
}

/// The public key a JWK holds, when it is one `scheme` can use.
fn public_key(jwk: &Jwk, scheme: Scheme) -> Option<PKey<Public>> {
    match scheme {
        Scheme::Pkcs1(_) | Scheme::Pss(_) => {
            if jwk.kty != "RSA" {
                return None;
            }
            let rsa = Rsa::from_public_components(b64_number(jwk.n.as_ref())?, b64_number(jwk.e.as_ref())?).ok()?;
            // Keys shorter than 2048 bits are refused (NIST SP 800-131A).
            (rsa.size() >= 256).then(|| PKey::from_rsa(rsa).ok()).flatten()
        }
        Scheme::Ecdsa(_, nid, _) => {
            let curve = match nid {
                Nid::X9_62_PRIME256V1 => "P-256",
                _ => "P-384",
            };
            if jwk.kty != "EC" || jwk.crv.as_deref() != Some(curve) {
                return None;
            }
            let group = EcGroup::from_curve_name(nid).ok()?;
            let (x, y) = (b64_number(jwk.x.as_ref())?, b64_number(jwk.y.as_ref())?);
            let key = EcKey::from_public_key_affine_coordinates(&group, &x, &y).ok()?;
            key.check_key().ok()?;
            PKey::from_ec_key(key).ok()
        }
    }
}

fn verifies(key: &PKey<Public>, scheme: Scheme, input: &[u8], signature: &[u8]) -> bool {
    let check = || -> Result<bool, openssl::error::ErrorStack> {
        match scheme {
            Scheme::Pkcs1(digest) => {
                let mut verifier = Verifier::new(digest, key)?;
                verifier.set_rsa_padding(Padding::PKCS1)?;
                verifier.update(input)?;
                verifier.verify(signature)
            }
            Scheme::Pss(digest) => {
                let mut verifier = Verifier::new(digest, key)?;
                verifier.set_rsa_padding(Padding::PKCS1_PSS)?;
                verifier.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)?;
                verifier.set_rsa_mgf1_md(digest)?;
                verifier.update(input)?;
                verifier.verify(signature)
            }
            Scheme::Ecdsa(digest, _, half) => {
                // JWS carries R || S; OpenSSL wants DER.
                if signature.len() != 2 * half {
                    return Ok(false);
                }
                let der =
                    EcdsaSig::from_private_components(BigNum::from_slice(&signature[..half])?, BigNum::from_slice(&signature[half..])?)?
                        .to_der()?;
                let mut verifier = Verifier::new(digest, key)?;
                verifier.update(input)?;
                verifier.verify(&der)
            }
        }
    };
    check().unwrap_or(false)
}

impl Unverified {
    /// Checks the signature with the key the header names (or, without a
    /// `kid`, any key of the right type). `UnknownKey` when the set has no
    /// such key: the provider may have rotated its keys since they were read.
    pub fn verify(self, keys: &JwkSet) -> Result<serde_json::Map<String, serde_json::Value>, TokenError> {
        let scheme = scheme(&self.alg)?;
        let candidates: Vec<PKey<Public>> = keys
            .keys
            .iter()
            .filter(|k| self.kid.is_none() || k.kid == self.kid)
            .filter(|k| k.use_.as_deref().is_none_or(|u| u == "sig"))
            .filter(|k| k.alg.as_deref().is_none_or(|a| a == self.alg))
            .filter_map(|k| public_key(k, scheme))
            .collect();
        if candidates.is_empty() {
            return Err(TokenError::UnknownKey(self.kid.unwrap_or_else(|| format!("of type {}", self.alg))));
        }
        if candidates.iter().any(|key| verifies(key, scheme, self.signing_input.as_bytes(), &self.signature)) {
            Ok(self.claims)
        } else {
            Err(TokenError::Signature)
        }
    }
}

/// What the claims of an ID token must say.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// The sign-in's nonce; `None` for a token from a refresh, which has none.
    pub nonce: Option<&'a str>,
    pub now: OffsetDateTime,
}

/// Checks `iss`, `aud` (and `azp` when there are several audiences),
/// `exp`, `iat`, `nbf`, `nonce` and `sub`; returns the subject.
pub fn check_claims(claims: &serde_json::Map<String, serde_json::Value>, expected: Expected<'_>) -> Result<String, TokenError> {
    let text = |name: &str| claims.get(name).and_then(serde_json::Value::as_str);
    let number = |name: &str| claims.get(name).and_then(serde_json::Value::as_i64);
    let issuer = text("iss").unwrap_or_default();
    if issuer != expected.issuer {
        return Err(TokenError::Issuer { expected: expected.issuer.to_owned(), found: issuer.to_owned() });
    }
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(serde_json::Value::String(one)) => vec![one.as_str()],
        Some(serde_json::Value::Array(many)) => many.iter().filter_map(serde_json::Value::as_str).collect(),
        _ => Vec::new(),
    };
    let for_us = audiences.contains(&expected.client_id)
        && (audiences.len() == 1 || text("azp") == Some(expected.client_id))
        && text("azp").is_none_or(|azp| azp == expected.client_id);
    if !for_us {
        return Err(TokenError::Audience(expected.client_id.to_owned()));
    }
    let now = expected.now.unix_timestamp();
    match number("exp") {
        Some(exp) if now < exp + LEEWAY_SECONDS => {}
        _ => return Err(TokenError::Expired),
    }
    if number("iat").is_none_or(|iat| iat > now + LEEWAY_SECONDS) || number("nbf").is_some_and(|nbf| nbf > now + LEEWAY_SECONDS) {
        return Err(TokenError::NotYetValid);
    }
    if let Some(nonce) = expected.nonce {
        // Compared in constant time: the nonce is a secret of the sign-in.
        let given = text("nonce").unwrap_or_default();
        if given.len() != nonce.len() || !openssl::memcmp::eq(given.as_bytes(), nonce.as_bytes()) {
            return Err(TokenError::Nonce);
        }
    }
    match text("sub") {
        Some(sub) if !sub.is_empty() => Ok(sub.to_owned()),
        _ => Err(TokenError::NoSubject),
    }
}

#[cfg(test)]
mod tests {
    use openssl::pkey::Private;
    use openssl::sign::Signer;

    use super::*;

    fn rsa_key() -> PKey<Private> {
        PKey::from_rsa(Rsa::generate(2048).expect("test")).expect("test")
    }

    fn jwk(key: &PKey<Private>, kid: &str) -> Jwk {
        let rsa = key.rsa().expect("test");
        Jwk {
            kty: "RSA".into(),
            kid: Some(kid.into()),
            use_: Some("sig".into()),
            alg: None,
            n: Some(URL_SAFE_NO_PAD.encode(rsa.n().to_vec())),
            e: Some(URL_SAFE_NO_PAD.encode(rsa.e().to_vec())),
            crv: None,
            x: None,
            y: None,
        }
    }

    fn sign(key: &PKey<Private>, header: &serde_json::Value, claims: &serde_json::Value) -> String {
        let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let mut signer = Signer::new(MessageDigest::sha256(), key).expect("test");
        signer.update(input.as_bytes()).expect("test");
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signer.sign_to_vec().expect("test")))
    }

    fn claims(now: i64) -> serde_json::Value {
        serde_json::json!({"iss": "https://idp.example", "aud": "uw", "sub": "p-1", "nonce": "n-1", "iat": now, "exp": now + 300})
    }

    fn expected(now: OffsetDateTime) -> Expected<'static> {
        Expected { issuer: "https://idp.example", client_id: "uw", nonce: Some("n-1"), now }
    }

    #[test]
    fn a_token_signed_by_a_published_key_and_meant_for_us_is_believed() {
        let key = rsa_key();
        let keys = JwkSet { keys: vec![jwk(&rsa_key(), "old"), jwk(&key, "k1")] };
        let now = OffsetDateTime::now_utc();
        let token = sign(&key, &serde_json::json!({"alg": "RS256", "kid": "k1"}), &claims(now.unix_timestamp()));
        let verified = parse(&token).expect("test").verify(&keys).expect("test");
        assert_eq!(check_claims(&verified, expected(now)).expect("test"), "p-1");
    }

    #[test]
    fn signatures_keys_and_algorithms_are_refused_when_wrong() {
        let key = rsa_key();
        let keys = JwkSet { keys: vec![jwk(&key, "k1")] };
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let foreign = sign(&rsa_key(), &serde_json::json!({"alg": "RS256", "kid": "k1"}), &claims(now));
        assert_eq!(parse(&foreign).expect("test").verify(&keys).expect_err("refused"), TokenError::Signature);
        let unknown = sign(&key, &serde_json::json!({"alg": "RS256", "kid": "k2"}), &claims(now));
        assert_eq!(parse(&unknown).expect("test").verify(&keys).expect_err("refused"), TokenError::UnknownKey("k2".into()));
        let hmac = sign(&key, &serde_json::json!({"alg": "HS256", "kid": "k1"}), &claims(now));
        assert_eq!(parse(&hmac).expect("test").verify(&keys).expect_err("refused"), TokenError::Algorithm("HS256".into()));
        let none = format!("{}.{}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#), URL_SAFE_NO_PAD.encode(claims(now).to_string()));
        assert_eq!(parse(&none).expect("test").verify(&keys).expect_err("refused"), TokenError::Algorithm("none".into()));
        // The claims changed after signing.
        let token = sign(&key, &serde_json::json!({"alg": "RS256", "kid": "k1"}), &claims(now));
        let parts: Vec<&str> = token.split('.').collect();
        let mut forged = claims(now);
        forged["sub"] = "p-2".into();
        let forged = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(forged.to_string()), parts[2]);
        assert_eq!(parse(&forged).expect("test").verify(&keys).expect_err("refused"), TokenError::Signature);
        assert_eq!(parse("a.b").expect_err("refused"), TokenError::Malformed);
    }

    #[test]
    fn claims_are_checked_against_the_sign_in() {
        let now = OffsetDateTime::now_utc();
        let t = now.unix_timestamp();
        let check = |change: &dyn Fn(&mut serde_json::Value)| {
            let mut c = claims(t);
            change(&mut c);
            check_claims(c.as_object().expect("test"), expected(now))
        };
        assert!(check(&|_| {}).is_ok());
        assert!(matches!(check(&|c| c["iss"] = "https://evil.example".into()), Err(TokenError::Issuer { .. })));
        assert_eq!(check(&|c| c["aud"] = "someone-else".into()), Err(TokenError::Audience("uw".into())));
        assert_eq!(check(&|c| c["aud"] = serde_json::json!(["uw", "other"])), Err(TokenError::Audience("uw".into())));
        assert!(check(&|c| {
            c["aud"] = serde_json::json!(["uw", "other"]);
            c["azp"] = "uw".into();
        })
        .is_ok());
        assert_eq!(check(&|c| c["exp"] = (t - LEEWAY_SECONDS - 1).into()), Err(TokenError::Expired));
        assert!(check(&|c| c["exp"] = (t - 10).into()).is_ok(), "within the leeway");
        assert_eq!(check(&|c| c["iat"] = (t + 3600).into()), Err(TokenError::NotYetValid));
        assert_eq!(check(&|c| c["nonce"] = "n-2".into()), Err(TokenError::Nonce));
        assert_eq!(
            check(&|c| {
                c.as_object_mut().expect("test").remove("nonce");
            }),
            Err(TokenError::Nonce)
        );
        assert_eq!(check(&|c| c["sub"] = "".into()), Err(TokenError::NoSubject));
    }

    #[test]
    fn an_es256_token_verifies() {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("test");
        let ec = EcKey::generate(&group).expect("test");
        let mut ctx = openssl::bn::BigNumContext::new().expect("test");
        let (mut x, mut y) = (BigNum::new().expect("test"), BigNum::new().expect("test"));
        ec.public_key().affine_coordinates(&group, &mut x, &mut y, &mut ctx).expect("test");
        let key = PKey::from_ec_key(ec).expect("test");
        let jwk = Jwk {
            kty: "EC".into(),
            kid: Some("e1".into()),
            use_: None,
            alg: Some("ES256".into()),
            n: None,
            e: None,
            crv: Some("P-256".into()),
            x: Some(URL_SAFE_NO_PAD.encode(x.to_vec_padded(32).expect("test"))),
            y: Some(URL_SAFE_NO_PAD.encode(y.to_vec_padded(32).expect("test"))),
        };
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(r#"{"alg":"ES256","kid":"e1"}"#), URL_SAFE_NO_PAD.encode(claims(now).to_string()));
        let mut signer = Signer::new(MessageDigest::sha256(), &key).expect("test");
        signer.update(input.as_bytes()).expect("test");
        let der = EcdsaSig::from_der(&signer.sign_to_vec().expect("test")).expect("test");
        let mut raw = der.r().to_vec_padded(32).expect("test");
        raw.extend(der.s().to_vec_padded(32).expect("test"));
        let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(raw));
        assert!(parse(&token).expect("test").verify(&JwkSet { keys: vec![jwk] }).is_ok());
    }
}
