//! Password hashing with argon2id, off the async runtime and capped at one hash per core,
//! so a login flood neither starves other requests nor grows memory (19 MiB per hash).
//!
//! Each hash needs a 19 MiB work area. Allocating it per hash let the allocator keep a
//! growing pile of them across blocking threads (a 20 s flood of 32 logins reached 1 GB
//! RSS); instead every hashing slot reuses one area from a small pool.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::rngs::OsRng;
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

use crate::error::AppError;

/// argon2id, m = 19456 KiB, t = 2, p = 1 (OWASP's recommendation).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Work areas for hashing, reused while hashes follow each other: at most one per hash in
/// flight is ever kept, and none once hashing stops.
static ARENA: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());
/// Hashes running now.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// Allocations at least this large are always served by their own `mmap` and given back
/// to the system when freed (glibc's largest dynamic mmap threshold is 32 MiB). A 19 MiB
/// area would otherwise raise that threshold when freed, and every later area would come
/// from a per-thread heap that is never returned: the flood's 1 GB.
const OWN_MAPPING: usize = 33 * 1024 * 1024 / Block::SIZE;

/// A zeroed work area of `blocks` blocks in its own mapping. Only the used part is touched,
/// so the reserve beyond it costs no resident memory.
fn new_area(blocks: usize) -> Vec<Block> {
    let mut area = Vec::with_capacity(blocks.max(OWN_MAPPING));
    area.resize(blocks, Block::default());
    area
}

/// Runs `f` with a work area of at least `blocks` blocks. While other hashes run (a flood)
/// the area is kept for the next one; the last hash to finish gives every area back to the
/// system, so memory returns to its idle size once the flood is over.
fn with_memory<T>(blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
    let mut area = ARENA
        .lock()
        .ok()
        .and_then(|mut pool| pool.pop())
        .filter(|a| a.len() >= blocks)
        .unwrap_or_else(|| new_area(blocks));
    let out = f(&mut area[..blocks]);
    let others = IN_FLIGHT.fetch_sub(1, Ordering::SeqCst) - 1;
    if let Ok(mut pool) = ARENA.lock() {
        if others == 0 {
            pool.clear();
        } else if area.len() == argon2().params().block_count() {
            pool.push(area);
        }
    }
    out
}

/// argon2id of `password` with a fresh salt, as a PHC string.
fn hash_phc(password: &[u8]) -> anyhow::Result<String> {
    let a = argon2();
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut salt_buf)
        .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    with_memory(a.params().block_count(), |mem| {
        a.hash_password_into_with_memory(password, salt_bytes, &mut out, mem)
    })
    .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(a.params()).map_err(|e| anyhow::anyhow!("{e}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("{e}"))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `stored` (with the stored parameters).
fn verify_phc(password: &[u8], stored: &str) -> anyhow::Result<bool> {
    let parsed = PasswordHash::new(stored).map_err(|e| anyhow::anyhow!("bad stored hash: {e}"))?;
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(|e| anyhow::anyhow!("{e}"))?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .unwrap_or_default();
    let params = Params::try_from(&parsed).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        anyhow::bail!("stored hash without salt or output");
    };
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut salt_buf)
        .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let a = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    with_memory(a.params().block_count(), |mem| {
        a.hash_password_into_with_memory(password, salt_bytes, &mut out, mem)
    })
    .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?;
    Ok(bool::from(expected.as_bytes().ct_eq(&out)))
}

/// A hash of a random password with the same parameters: unknown e-mails are verified
/// against it so that they take as long as known ones.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_phc(crate::domain::token::random_hex(16).as_bytes()).unwrap_or_default());

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
        self.run(move || hash_phc(password.as_bytes())).await
    }

    /// Verifies a password against a stored hash, or against the dummy hash when there is
    /// no user, which always fails but costs the same.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, AppError> {
        let password = password.to_owned();
        let known = stored.is_some();
        let stored = stored.map_or_else(|| DUMMY_HASH.clone(), str::to_owned);
        self.run(move || Ok(verify_phc(password.as_bytes(), &stored)? && known))
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

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

    use super::*;

    #[test]
    fn hashes_are_standard_phc_and_verify_both_ways() {
        let mine = hash_phc(b"violet harbour lamp 42").unwrap();
        assert!(
            mine.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{mine}"
        );
        // The crate's own verifier accepts ours...
        let parsed = PasswordHash::new(&mine).unwrap();
        assert!(
            argon2()
                .verify_password(b"violet harbour lamp 42", &parsed)
                .is_ok()
        );
        // ...and ours accepts the crate's, and refuses a wrong password.
        let theirs = argon2()
            .hash_password(b"another pass phrase", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(verify_phc(b"another pass phrase", &theirs).unwrap());
        assert!(!verify_phc(b"another pass phrasE", &theirs).unwrap());
        assert!(!verify_phc(b"wrong", &mine).unwrap());
        // Once no hash runs, no work area is kept.
        if IN_FLIGHT.load(Ordering::SeqCst) == 0 {
            assert!(ARENA.lock().unwrap().len() <= 1);
        }
    }
}
