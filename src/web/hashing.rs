//! Password hashing with argon2id, off the async runtime and capped at one hash per core,
//! so a login flood neither starves other requests nor grows memory (19 MiB per hash).

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use tokio::sync::Semaphore;

use super::AppError;

/// argon2id, m = 19456 KiB, t = 2, p = 1 (OWASP's recommendation).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a random password with the same parameters: unknown e-mails are verified
/// against it so that they take as long as known ones.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(crate::domain::token::random_hex(16).as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
});

/// The bounded hashing pool.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
}

/// How long a request waits for a hashing slot before being told to come back.
const QUEUE_WAIT: Duration = Duration::from_secs(5);

impl Hasher {
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        // Computed now so the first login does not pay for it.
        LazyLock::force(&DUMMY_HASH);
        Self {
            permits: Arc::new(Semaphore::new(cores)),
        }
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let password = password.to_owned();
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
        })
        .await
    }

    /// Verifies a password against a stored hash, or against the dummy hash when there is
    /// no user, which always fails but costs the same.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, AppError> {
        let password = password.to_owned();
        let known = stored.is_some();
        let stored = stored.map_or_else(|| DUMMY_HASH.clone(), str::to_owned);
        self.run(move || {
            let parsed =
                PasswordHash::new(&stored).map_err(|e| anyhow::anyhow!("bad stored hash: {e}"))?;
            Ok(argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
                && known)
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = tokio::time::timeout(QUEUE_WAIT, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| AppError::Busy)?
            .map_err(|_| AppError::Busy)?;
        let result = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| anyhow::anyhow!("hashing task failed: {e}"))?;
        Ok(result?)
    }
}

impl Default for Hasher {
    fn default() -> Self {
        Self::new()
    }
}
