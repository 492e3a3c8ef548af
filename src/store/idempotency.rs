//! Answers to POSTs sent with an `Idempotency-Key`, kept so a retry gets the first answer.

use super::{Exec, is_unique_violation};

/// What a key's first use found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// First use: go on, then [`finish`].
    New,
    /// Answered before: replay this.
    Done { status: i64, body: String },
    /// Another request with this key is still running.
    Running,
    /// The key was used for a different request.
    Mismatch,
}

/// Claims `idem_key` for this request (its method, path and body hashed) until
/// `lease_until`, atomically: of two concurrent retries exactly one gets [`Claim::New`]. A
/// claim whose lease ran out without an answer (its process died) is taken over.
pub async fn claim<'c>(
    db: impl Exec<'c> + Copy,
    key_id: i64,
    idem_key: &str,
    request_hash: &str,
    now: i64,
    lease_until: i64,
) -> Result<Claim, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO api_idempotency (api_key_id, idem_key, request_hash, created_at, lease_until)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(key_id)
    .bind(idem_key)
    .bind(request_hash)
    .bind(now)
    .bind(lease_until)
    .execute(db)
    .await;
    match inserted {
        Ok(_) => return Ok(Claim::New),
        Err(e) if is_unique_violation(&e) => {}
        Err(e) => return Err(e),
    }
    let (hash, status, body): (String, Option<i64>, Option<String>) = sqlx::query_as(
        "SELECT request_hash, status, body FROM api_idempotency
         WHERE api_key_id = $1 AND idem_key = $2",
    )
    .bind(key_id)
    .bind(idem_key)
    .fetch_one(db)
    .await?;
    Ok(match (hash == request_hash, status, body) {
        (false, _, _) => Claim::Mismatch,
        (true, Some(status), Some(body)) => Claim::Done { status, body },
        _ => {
            let taken = sqlx::query(
                "UPDATE api_idempotency SET lease_until = $3, created_at = $4
                 WHERE api_key_id = $1 AND idem_key = $2 AND status IS NULL
                   AND (lease_until IS NULL OR lease_until < $4)",
            )
            .bind(key_id)
            .bind(idem_key)
            .bind(lease_until)
            .bind(now)
            .execute(db)
            .await?;
            if taken.rows_affected() == 1 {
                Claim::New
            } else {
                Claim::Running
            }
        }
    })
}

/// Keeps the answer for replays.
pub async fn finish<'c>(
    db: impl Exec<'c>,
    key_id: i64,
    idem_key: &str,
    status: i64,
    body: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE api_idempotency SET status = $3, body = $4 WHERE api_key_id = $1 AND idem_key = $2",
    )
    .bind(key_id)
    .bind(idem_key)
    .bind(status)
    .bind(body)
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets a claim whose request failed before answering (so a retry can run it).
pub async fn release<'c>(
    db: impl Exec<'c>,
    key_id: i64,
    idem_key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM api_idempotency WHERE api_key_id = $1 AND idem_key = $2 AND status IS NULL",
    )
    .bind(key_id)
    .bind(idem_key)
    .execute(db)
    .await?;
    Ok(())
}

/// Drops answers older than `before` (a day is plenty for retries).
pub async fn forget_before<'c>(db: impl Exec<'c>, before: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM api_idempotency WHERE created_at < $1")
            .bind(before)
            .execute(db)
            .await?
            .rows_affected(),
    )
}
