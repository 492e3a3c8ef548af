//! What a POST made, waiting for the page it redirected to (Post/Redirect/Get).

use super::Exec;

/// Keeps `sealed` for `user_id` until `expires_at`.
pub async fn put<'c>(
    db: impl Exec<'c>,
    id: &str,
    user_id: i64,
    sealed: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO flashes (id, user_id, sealed, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(user_id)
        .bind(sealed)
        .bind(expires_at)
        .execute(db)
        .await
        .map(|_| ())
}

/// Takes the flash `id` of `user_id` if it has not expired: read once, in one statement, so
/// two tabs cannot both show it.
pub async fn take<'c>(
    db: impl Exec<'c>,
    id: &str,
    user_id: i64,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "DELETE FROM flashes WHERE id = $1 AND user_id = $2 AND expires_at > $3 RETURNING sealed",
    )
    .bind(id)
    .bind(user_id)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Forgets flashes nobody came back for.
pub async fn forget_expired<'c>(db: impl Exec<'c>, now: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM flashes WHERE expires_at <= $1")
        .bind(now)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}
