//! Browsers that signed in to an account before, by the hash of their device cookie.

use super::Exec;

pub async fn insert<'c>(
    db: impl Exec<'c>,
    token_hash: &str,
    user_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO known_devices (token_hash, user_id, created_at, last_used_at)
         VALUES ($1, $2, $3, $3)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

/// The account a device cookie signed in to, if any.
pub async fn user_of<'c>(db: impl Exec<'c>, token_hash: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT user_id FROM known_devices WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(db)
        .await
}

pub async fn touch<'c>(db: impl Exec<'c>, token_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE known_devices SET last_used_at = $2 WHERE token_hash = $1")
        .bind(token_hash)
        .bind(now)
        .execute(db)
        .await
        .map(|_| ())
}

/// Forgets devices unused since `before`.
pub async fn forget_before<'c>(db: impl Exec<'c>, before: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM known_devices WHERE last_used_at < $1")
            .bind(before)
            .execute(db)
            .await?
            .rows_affected(),
    )
}
