//! Meta's `signed_request`, as its deauthorize and data-deletion callbacks send it:
//! `<signature>.<payload>`, both base64url without padding; the signature is
//! HMAC-SHA256 of the encoded payload with the app secret, and the payload is JSON with
//! `algorithm` ("HMAC-SHA256"), `issued_at` and the app-scoped `user_id`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

/// A verified request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The app-scoped id of the person (what `/me` returned at login).
    pub user_id: String,
    pub issued_at: i64,
}

#[derive(Deserialize)]
struct Payload {
    algorithm: String,
    #[serde(default)]
    issued_at: i64,
    user_id: String,
}

/// Why a `signed_request` was refused (all are answered the same way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the signed_request is not one Meta signed for this app")]
pub struct Refused;

/// Verifies `raw` with the app secret (in constant time) and reads its payload.
pub fn verify(raw: &str, app_secret: &str) -> Result<SignedRequest, Refused> {
    let (sig, payload) = raw.trim().split_once('.').ok_or(Refused)?;
    let sig = URL_SAFE_NO_PAD
        .decode(sig.trim_end_matches('='))
        .map_err(|_| Refused)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()).map_err(|_| Refused)?;
    mac.update(payload.as_bytes());
    mac.verify_slice(&sig).map_err(|_| Refused)?;
    let json = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| Refused)?;
    let p: Payload = serde_json::from_slice(&json).map_err(|_| Refused)?;
    if !p.algorithm.eq_ignore_ascii_case("HMAC-SHA256") || p.user_id.is_empty() {
        return Err(Refused);
    }
    Ok(SignedRequest {
        user_id: p.user_id,
        issued_at: p.issued_at,
    })
}

/// Signs a payload as Meta does (tests and the sandbox).
pub fn sign(payload_json: &str, app_secret: &str) -> String {
    let payload = URL_SAFE_NO_PAD.encode(payload_json);
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()).expect("any key length");
    mac.update(payload.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{sig}.{payload}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_requests_signed_with_the_app_secret_pass() {
        let body =
            r#"{"algorithm":"HMAC-SHA256","issued_at":1700000000,"user_id":"9100000000000001"}"#;
        let good = sign(body, "secret");
        let r = verify(&good, "secret").unwrap();
        assert_eq!(r.user_id, "9100000000000001");
        assert_eq!(verify(&good, "other secret"), Err(Refused));
        let (sig, _) = good.split_once('.').unwrap();
        let forged = format!(
            "{sig}.{}",
            URL_SAFE_NO_PAD.encode(body.replace("0001", "0002"))
        );
        assert_eq!(verify(&forged, "secret"), Err(Refused));
        assert_eq!(verify("garbage", "secret"), Err(Refused));
        let wrong_algo = sign(r#"{"algorithm":"none","user_id":"1"}"#, "secret");
        assert_eq!(verify(&wrong_algo, "secret"), Err(Refused));
    }
}
