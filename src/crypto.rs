//! Encryption at rest for secrets the database must hold for a while: e-mail bodies that
//! carry capability links, and (later) Meta access tokens. XChaCha20-Poly1305 with a key
//! from a file that every process sharing the database must be given.

use std::fmt;
use std::path::Path;

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// Marks the format of a sealed value, so it can change later.
const VERSION: &str = "v1:";

/// Seals and opens values with the installation's key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretBox([redacted])")
    }
}

impl SecretBox {
    /// Reads the key file (64 hex characters), creating it with a fresh random key and
    /// owner-only permissions when it does not exist.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        if !path.exists() {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let key = XChaCha20Poly1305::generate_key(&mut OsRng);
            write_private(path, &hex::encode(key))
                .with_context(|| format!("cannot create the key file {}", path.display()))?;
            tracing::info!(path = %path.display(), "created a new secret key file");
        }
        // A key file copied in by hand keeps its bits otherwise.
        crate::private_files::restrict(path)
            .with_context(|| format!("cannot restrict the key file {}", path.display()))?;
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the key file {}", path.display()))?;
        let bytes =
            hex::decode(text.trim()).context("the key file must hold 64 hexadecimal characters")?;
        anyhow::ensure!(
            bytes.len() == 32,
            "the key file must hold 64 hexadecimal characters"
        );
        Ok(Self {
            cipher: XChaCha20Poly1305::new_from_slice(&bytes)
                .map_err(|_| anyhow::anyhow!("bad key length"))?,
        })
    }

    /// A box with a random key that lives only in memory (tests).
    pub fn ephemeral() -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(&XChaCha20Poly1305::generate_key(&mut OsRng)),
        }
    }

    /// Encrypts with a fresh random nonce: `v1:` + base64(nonce ‖ ciphertext).
    pub fn seal(&self, plain: &str) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        // Encryption with a valid key and nonce cannot fail for in-memory buffers.
        let sealed = self
            .cipher
            .encrypt(&nonce, plain.as_bytes())
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{VERSION}{}", STANDARD_NO_PAD.encode(out))
    }

    /// Decrypts what `seal` produced; fails on tampering or a different key.
    pub fn open(&self, sealed: &str) -> anyhow::Result<String> {
        let body = sealed.strip_prefix(VERSION).context("not a sealed value")?;
        let bytes = STANDARD_NO_PAD
            .decode(body)
            .context("sealed value is not base64")?;
        anyhow::ensure!(bytes.len() > 24, "sealed value too short");
        let (nonce, ct) = bytes.split_at(24);
        let plain = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), ct)
            .map_err(|_| anyhow::anyhow!("cannot decrypt: wrong key file or damaged data"))?;
        Ok(String::from_utf8(plain)?)
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    crate::private_files::write(path, contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper_detection() {
        let b = SecretBox::ephemeral();
        let sealed = b.seal("https://x.test/r/lkr_secret");
        assert!(!sealed.contains("lkr_secret"));
        assert_eq!(b.open(&sealed).unwrap(), "https://x.test/r/lkr_secret");
        assert_ne!(
            sealed,
            b.seal("https://x.test/r/lkr_secret"),
            "fresh nonce each time"
        );
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(b.open(&tampered).is_err());
        assert!(
            SecretBox::ephemeral().open(&sealed).is_err(),
            "another key cannot open it"
        );
    }

    #[test]
    fn key_file_is_created_once_and_reused() {
        let dir =
            std::env::temp_dir().join(format!("lk-key-{}", crate::domain::token::random_hex(4)));
        let path = dir.join("secret.key");
        let a = SecretBox::load_or_create(&path).unwrap();
        let b = SecretBox::load_or_create(&path).unwrap();
        assert_eq!(b.open(&a.seal("hello")).unwrap(), "hello");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
