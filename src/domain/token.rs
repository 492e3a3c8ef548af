//! Secret tokens: session ids, link tokens, invitation and reset tokens.
//!
//! 32 bytes from the OS CSPRNG, base64url, behind a short prefix that says what the token
//! is for. Only the SHA-256 of a token is ever stored; the plain value is shown once.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

/// Prefix of the client's link tokens (`/r/lkr_…`).
pub const LINK_PREFIX: &str = "lkr";

/// A plain secret token. `Debug` shows only its prefix.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

impl SecretToken {
    /// A fresh token such as `lkr_` followed by 43 base64url characters (256 bits).
    pub fn generate(prefix: &str) -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Self(format!("{prefix}_{}", URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// Accepts a token from a URL or cookie if it has the expected shape; anything else is
    /// refused before it reaches the database.
    pub fn from_presented(prefix: &str, raw: &str) -> Option<Self> {
        let body = raw.strip_prefix(prefix)?.strip_prefix('_')?;
        let ok = body.len() == 43
            && body
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Hex SHA-256: what the database stores and looks up.
    pub fn hash(&self) -> String {
        hash_secret(&self.0)
    }

    /// The prefix and first characters, safe for logs.
    pub fn log_prefix(&self) -> &str {
        &self.0[..self.0.len().min(8)]
    }
}

/// Hex SHA-256 of a secret.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A random hex string of `bytes` bytes (CSRF tokens).
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretToken({}…[redacted])", self.log_prefix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_and_hash() {
        let t = SecretToken::generate("lks");
        assert!(t.expose().starts_with("lks_"));
        assert_eq!(t.expose().len(), 4 + 43);
        assert_eq!(t.hash().len(), 64);
        assert_ne!(t, SecretToken::generate("lks"));
        assert!(SecretToken::from_presented("lks", t.expose()).is_some());
        assert!(SecretToken::from_presented("lkr", t.expose()).is_none());
        assert!(SecretToken::from_presented("lks", "lks_short").is_none());
        assert!(!format!("{t:?}").contains(&t.expose()[8..]));
    }
}
