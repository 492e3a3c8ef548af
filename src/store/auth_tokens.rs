//! One-time tokens: staff invitations (7 days) and password resets (1 hour).

use sqlx::FromRow;

use super::Exec;

pub const KIND_INVITE: &str = "invite";
pub const KIND_RESET: &str = "reset";
/// A sign-in waiting for its second factor (five minutes, single use).
pub const KIND_SECOND_FACTOR: &str = "second_factor";

#[derive(Debug, Clone, FromRow)]
pub struct AuthToken {
    pub token_hash: String,
    pub kind: String,
    pub agency_id: i64,
    pub user_id: Option<i64>,
    pub email: String,
    pub role: Option<String>,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub created_at: i64,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert<'c>(
    db: impl Exec<'c>,
    token_hash: &str,
    kind: &str,
    agency_id: i64,
    user_id: Option<i64>,
    email: &str,
    role: Option<&str>,
    expires_at: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO auth_tokens (token_hash, kind, agency_id, user_id, email, role, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(token_hash)
    .bind(kind)
    .bind(agency_id)
    .bind(user_id)
    .bind(email)
    .bind(role)
    .bind(expires_at)
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

/// A token that is unused and unexpired, without consuming it (to show the form).
pub async fn find_usable<'c>(
    db: impl Exec<'c>,
    token_hash: &str,
    kind: &str,
    now: i64,
) -> Result<Option<AuthToken>, sqlx::Error> {
    sqlx::query_as(
        "SELECT token_hash, kind, agency_id, user_id, email, role, expires_at, used_at, created_at
         FROM auth_tokens WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(token_hash)
    .bind(kind)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Consumes a token in one atomic statement: of two concurrent uses, one wins.
pub async fn consume<'c>(
    db: impl Exec<'c>,
    token_hash: &str,
    kind: &str,
    now: i64,
) -> Result<Option<AuthToken>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE auth_tokens SET used_at = $1
         WHERE token_hash = $2 AND kind = $3 AND used_at IS NULL AND expires_at > $1
         RETURNING token_hash, kind, agency_id, user_id, email, role, expires_at, used_at, created_at",
    )
    .bind(now)
    .bind(token_hash)
    .bind(kind)
    .fetch_optional(db)
    .await
}

/// Whether the token exists at all (to tell "expired or used" from "unknown").
pub async fn exists<'c>(db: impl Exec<'c>, token_hash: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM auth_tokens WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_one(db)
        .await?;
    Ok(n > 0)
}

/// Open invitations of an agency, newest first.
pub async fn pending_invites<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    now: i64,
) -> Result<Vec<AuthToken>, sqlx::Error> {
    sqlx::query_as(
        "SELECT token_hash, kind, agency_id, user_id, email, role, expires_at, used_at, created_at
         FROM auth_tokens WHERE agency_id = $1 AND kind = 'invite' AND used_at IS NULL AND expires_at > $2
         ORDER BY created_at DESC",
    )
    .bind(agency_id)
    .bind(now)
    .fetch_all(db)
    .await
}

/// Notes who sent an invitation.
pub async fn set_inviter<'c>(
    db: impl Exec<'c>,
    token_hash: &str,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE auth_tokens SET invited_by = $2 WHERE token_hash = $1")
        .bind(token_hash)
        .bind(user_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// The open invitations `user_id` sent.
pub async fn pending_invites_by<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    user_id: i64,
    now: i64,
) -> Result<Vec<AuthToken>, sqlx::Error> {
    sqlx::query_as(
        "SELECT token_hash, kind, agency_id, user_id, email, role, expires_at, used_at, created_at
         FROM auth_tokens WHERE agency_id = $1 AND invited_by = $2 AND kind = 'invite'
           AND used_at IS NULL AND expires_at > $3
         ORDER BY created_at DESC",
    )
    .bind(agency_id)
    .bind(user_id)
    .bind(now)
    .fetch_all(db)
    .await
}

/// Withdraws every open invitation `user_id` sent; how many.
pub async fn revoke_invites_by<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    user_id: i64,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE auth_tokens SET used_at = $1
         WHERE agency_id = $2 AND invited_by = $3 AND kind = 'invite' AND used_at IS NULL",
    )
    .bind(now)
    .bind(agency_id)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(r.rows_affected())
}

/// Withdraws an invitation (marks it used so the link dies).
pub async fn revoke_invite<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    token_hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE auth_tokens SET used_at = $1
         WHERE agency_id = $2 AND token_hash = $3 AND kind = 'invite' AND used_at IS NULL",
    )
    .bind(now)
    .bind(agency_id)
    .bind(token_hash)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Kills a user's unused reset links (after a successful reset or a password change).
pub async fn invalidate_resets<'c>(
    db: impl Exec<'c>,
    user_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE auth_tokens SET used_at = $1 WHERE user_id = $2 AND kind = 'reset' AND used_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(db)
    .await
    .map(|_| ())
}
