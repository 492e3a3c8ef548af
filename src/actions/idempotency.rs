//! `Idempotency-Key` on the API's writes: the first request with a key runs and its answer
//! is kept (sealed, 24 hours); a retry with the same key and body replays that answer; the
//! same key with another body is refused; a key whose request is still running (a lease of
//! tens of seconds, so a dropped request does not block retries for long) answers "busy".

use super::Ctx;
use crate::domain::token::hash_secret;
use crate::error::AppResult;
use crate::store::idempotency::{self as store, Claim};

/// How long a running request holds its key before a retry may take it over.
pub const LEASE_SECS: i64 = 30;

/// What to do with a request that carries a key.
pub enum Verdict {
    /// First use: run it, then [`keep`] (or [`release`]) its answer.
    Run,
    /// Answered before: replay this status and body.
    Replay { status: i64, body: String },
    /// Another request with this key is still running.
    Running,
    /// The key was used for a different request.
    Mismatch,
}

/// Claims `key` for the request `method path body` of API key `key_id`.
pub async fn claim(
    ctx: &Ctx,
    key_id: i64,
    key: &str,
    method: &str,
    path: &str,
    body: &[u8],
) -> AppResult<Verdict> {
    let fingerprint = hash_secret(&format!(
        "{method} {path}\n{}",
        String::from_utf8_lossy(body)
    ));
    let now = ctx.clock.now();
    let pool = &ctx.db.pool;
    Ok(
        match store::claim(pool, key_id, key, &fingerprint, now, now + LEASE_SECS).await? {
            Claim::New => Verdict::Run,
            Claim::Done { status, body } => Verdict::Replay {
                status,
                body: ctx.secrets.open(&body).unwrap_or_default(),
            },
            Claim::Running => Verdict::Running,
            Claim::Mismatch => Verdict::Mismatch,
        },
    )
}

/// Keeps the request's answer (sealed) for retries to replay.
pub async fn keep(ctx: &Ctx, key_id: i64, key: &str, status: u16, body: &str) -> AppResult<()> {
    let sealed = ctx.secrets.seal(body);
    Ok(store::finish(&ctx.db.pool, key_id, key, i64::from(status), &sealed).await?)
}

/// Frees the key of a request that ended without an answer, so a retry runs it again.
pub async fn release(ctx: &Ctx, key_id: i64, key: &str) -> AppResult<()> {
    Ok(store::release(&ctx.db.pool, key_id, key).await?)
}
