//! Passkeys (WebAuthn) as a second factor, verified by `webauthn-rs`. This module is the
//! seam: ceremonies go in and out as JSON (the browser's `toJSON()` form, and the state the
//! server keeps between the two halves of a ceremony), so nothing above it names a
//! `webauthn-rs` type.
//!
//! The relying party is the base URL's host. Browsers refuse passkeys for an IP address,
//! so an installation reached as `http://127.0.0.1:8080` (the embedded default) offers
//! none and says why; `LATCHKEY_BASE_URL=http://localhost:8080` is enough to try them.

use webauthn_rs::prelude::{
    CredentialID, Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

use crate::error::{AppError, AppResult};

/// The installation's relying party, if its base URL can have one.
pub struct Passkeys {
    rp: Option<Webauthn>,
}

/// A ceremony's first half: what the browser is given, and what the server keeps.
pub struct Started {
    /// `{"publicKey": …}`, for `PublicKeyCredential.parse…OptionsFromJSON`.
    pub options: serde_json::Value,
    /// Kept server-side until the answer comes (holds the challenge).
    pub state: String,
}

/// A passkey just registered.
pub struct Registered {
    /// The credential id, base64url: unique across the installation.
    pub credential_id: String,
    /// The public key and its counter, as JSON (nothing secret).
    pub passkey: String,
}

/// A passkey that just signed in.
pub struct Used {
    pub credential_id: String,
    /// The stored passkey with its counter moved on, when it changed.
    pub updated: Option<String>,
}

/// Why an answer from the browser was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not a WebAuthn answer at all.
    Malformed,
    /// A well-formed answer that does not verify (wrong challenge, origin, key, signature).
    NotVerified,
}

impl Passkeys {
    /// The relying party for `base_url`, or none where browsers would refuse one.
    pub fn new(base_url: &str) -> Self {
        let rp = Url::parse(base_url).ok().and_then(|url| {
            let url::Host::Domain(host) = url.host()? else {
                return None;
            };
            let host = host.to_owned();
            WebauthnBuilder::new(&host, &url)
                .ok()?
                .rp_name("Latchkey")
                .build()
                .ok()
        });
        Self { rp }
    }

    pub fn available(&self) -> bool {
        self.rp.is_some()
    }

    fn rp(&self) -> AppResult<&Webauthn> {
        self.rp.as_ref().ok_or_else(|| {
            AppError::BadRequest(
                "Passkeys need Latchkey at a domain name (its base URL is an IP address).".into(),
            )
        })
    }

    /// A new user handle: what the authenticator files the person's passkeys under. Random
    /// (it reveals nothing), then kept with their passkeys and reused for the next one.
    pub fn new_user_handle() -> String {
        Uuid::new_v4().to_string()
    }

    /// Starts registering a passkey; `existing` (stored JSON) are excluded, so an
    /// authenticator is not registered twice.
    pub fn start_registration(
        &self,
        handle: &str,
        email: &str,
        name: &str,
        existing: &[String],
    ) -> AppResult<Started> {
        let exclude: Vec<CredentialID> = existing
            .iter()
            .filter_map(|p| serde_json::from_str::<Passkey>(p).ok())
            .map(|p| p.cred_id().clone())
            .collect();
        let handle = Uuid::parse_str(handle).map_err(unexpected)?;
        let (options, state) = self
            .rp()?
            .start_passkey_registration(handle, email, name, Some(exclude))
            .map_err(unexpected)?;
        Ok(Started {
            options: serde_json::to_value(options).map_err(unexpected)?,
            state: serde_json::to_string(&state).map_err(unexpected)?,
        })
    }

    pub fn finish_registration(
        &self,
        answer: &str,
        state: &str,
    ) -> AppResult<Result<Registered, Refused>> {
        let Ok(answer) = serde_json::from_str::<RegisterPublicKeyCredential>(answer) else {
            return Ok(Err(Refused::Malformed));
        };
        let state: PasskeyRegistration = serde_json::from_str(state).map_err(unexpected)?;
        let Ok(passkey) = self.rp()?.finish_passkey_registration(&answer, &state) else {
            return Ok(Err(Refused::NotVerified));
        };
        Ok(Ok(Registered {
            credential_id: encode(passkey.cred_id()),
            passkey: serde_json::to_string(&passkey).map_err(unexpected)?,
        }))
    }

    /// Starts a sign-in with any of the person's passkeys (stored JSON).
    pub fn start_sign_in(&self, stored: &[String]) -> AppResult<Started> {
        let passkeys: Vec<Passkey> = stored
            .iter()
            .filter_map(|p| serde_json::from_str(p).ok())
            .collect();
        let (options, state) = self
            .rp()?
            .start_passkey_authentication(&passkeys)
            .map_err(unexpected)?;
        Ok(Started {
            options: serde_json::to_value(options).map_err(unexpected)?,
            state: serde_json::to_string(&state).map_err(unexpected)?,
        })
    }

    /// Checks a sign-in answer; `stored` finds the passkey's stored JSON by credential id,
    /// so its counter can move on.
    pub fn finish_sign_in(
        &self,
        answer: &str,
        state: &str,
        stored: impl Fn(&str) -> Option<String>,
    ) -> AppResult<Result<Used, Refused>> {
        let Ok(answer) = serde_json::from_str::<PublicKeyCredential>(answer) else {
            return Ok(Err(Refused::Malformed));
        };
        let state: PasskeyAuthentication = serde_json::from_str(state).map_err(unexpected)?;
        let Ok(result) = self.rp()?.finish_passkey_authentication(&answer, &state) else {
            return Ok(Err(Refused::NotVerified));
        };
        let credential_id = encode(result.cred_id());
        let updated = stored(&credential_id)
            .and_then(|json| serde_json::from_str::<Passkey>(&json).ok())
            .and_then(|mut p| match p.update_credential(&result) {
                Some(true) => serde_json::to_string(&p).ok(),
                _ => None,
            });
        Ok(Ok(Used {
            credential_id,
            updated,
        }))
    }
}

fn encode(id: &CredentialID) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode::<&[u8]>(id.as_ref())
}

fn unexpected(e: impl std::fmt::Display) -> AppError {
    AppError::Unexpected(anyhow::anyhow!("passkey: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ip_address_has_no_relying_party_and_a_domain_has_one() {
        assert!(!Passkeys::new("http://127.0.0.1:8080").available());
        assert!(!Passkeys::new("http://[::1]:8080").available());
        assert!(Passkeys::new("http://localhost:8080").available());
        assert!(Passkeys::new("https://latchkey.example").available());
    }

    #[test]
    fn registration_options_name_the_relying_party_and_refuse_junk_answers() {
        let p = Passkeys::new("http://localhost:8080");
        let started = p
            .start_registration(&Passkeys::new_user_handle(), "ada@example.com", "Ada", &[])
            .unwrap();
        assert_eq!(started.options["publicKey"]["rp"]["id"], "localhost");
        assert_eq!(
            started.options["publicKey"]["user"]["name"],
            "ada@example.com"
        );
        let challenge = started.options["publicKey"]["challenge"].as_str().unwrap();
        assert!(
            challenge.len() >= 43,
            "a 32-byte challenge, base64url: {challenge}"
        );
        assert!(matches!(
            p.finish_registration("{not json", &started.state),
            Ok(Err(Refused::Malformed))
        ));
        // Well-formed but signed by nobody: the attestation does not verify.
        let forged = serde_json::json!({
            "id": "AAAA", "rawId": "AAAA", "type": "public-key",
            "response": {"attestationObject": "o2NmbXRkbm9uZQ", "clientDataJSON": "e30"}
        });
        assert!(matches!(
            p.finish_registration(&forged.to_string(), &started.state),
            Ok(Err(Refused::NotVerified))
        ));
    }
}
