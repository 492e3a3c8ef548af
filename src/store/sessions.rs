//! Staff sessions, stored by the SHA-256 of their id.

use sqlx::FromRow;

use super::Exec;
use crate::domain::Role;

/// A live session joined with who it belongs to.
#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub id_hash: String,
    pub user_id: i64,
    pub agency_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub email: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub agency_name: String,
    pub accent_color: String,
    pub time_zone: String,
    /// When the person last proved it was them in this session.
    pub confirmed_at: i64,
    /// 1 when the agency requires two-factor sign-in…
    pub require_two_factor: i64,
    /// …and 1 when this person has it.
    pub two_factor: i64,
    /// For the menu: the agency's requests still waiting for a client…
    pub nav_waiting: i64,
    /// …and its grants flagged or lapsed for a client's migration.
    pub nav_at_risk: i64,
}

pub async fn insert<'c>(
    db: impl Exec<'c>,
    id_hash: &str,
    user_id: i64,
    agency_id: i64,
    csrf_token: &str,
    ip: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, agency_id, csrf_token, created_at, last_seen_at, ip, confirmed_at)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $5)",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(agency_id)
    .bind(csrf_token)
    .bind(now)
    .bind(ip)
    .execute(db)
    .await
    .map(|_| ())
}

/// The session with its user and agency, and the menu's counts in the same read (one from
/// the trigger-kept grant counts, one over the agency's open requests).
pub async fn find<'c>(
    db: impl Exec<'c>,
    id_hash: &str,
    now: i64,
) -> Result<Option<SessionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id_hash, s.user_id, s.agency_id, s.csrf_token, s.created_at, s.last_seen_at,
                u.email, u.name, u.role, a.name AS agency_name, a.accent_color, a.time_zone,
                a.require_two_factor, s.confirmed_at,
                (SELECT COUNT(*) FROM totp_factors f
                  WHERE f.user_id = s.user_id AND f.confirmed_at IS NOT NULL)
                  + (SELECT COUNT(*) FROM passkeys p WHERE p.user_id = s.user_id) AS two_factor,
                (SELECT COUNT(*) FROM access_requests r
                  WHERE r.agency_id = s.agency_id AND r.revoked_at IS NULL AND r.declined_at IS NULL
                    AND r.outcome IS NULL AND r.expires_at > $2) AS nav_waiting,
                CAST((SELECT COALESCE(SUM(n), 0) FROM grant_counts g
                  WHERE g.agency_id = s.agency_id AND g.status IN ('needs_reauth', 'lapsed')) AS BIGINT)
                  AS nav_at_risk
         FROM sessions s
         JOIN users u ON u.id = s.user_id
         JOIN agencies a ON a.id = s.agency_id
         WHERE s.id_hash = $1",
    )
    .bind(id_hash)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Notes that the person just proved it was them again.
pub async fn confirm<'c>(db: impl Exec<'c>, id_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET confirmed_at = $2 WHERE id_hash = $1")
        .bind(id_hash)
        .bind(now)
        .execute(db)
        .await
        .map(|_| ())
}

/// One of a person's sessions, for the sessions page.
#[derive(Debug, Clone, FromRow)]
pub struct Seen {
    pub id_hash: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub ip: String,
}

/// A person's live sessions, most recently used first.
pub async fn for_user<'c>(db: impl Exec<'c>, user_id: i64) -> Result<Vec<Seen>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id_hash, created_at, last_seen_at, ip FROM sessions
         WHERE user_id = $1 ORDER BY last_seen_at DESC, created_at DESC",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// Ends one of a person's sessions; false when it was not theirs (or already gone).
pub async fn end_for_user<'c>(
    db: impl Exec<'c>,
    user_id: i64,
    id_hash: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash = $2")
        .bind(user_id)
        .bind(id_hash)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn touch<'c>(db: impl Exec<'c>, id_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn delete<'c>(db: impl Exec<'c>, id_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(db)
        .await
        .map(|_| ())
}

/// Ends every session of a user, except optionally the one in use.
pub async fn delete_for_user<'c>(
    db: impl Exec<'c>,
    user_id: i64,
    keep_hash: &str,
) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id)
        .bind(keep_hash)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}

/// Removes sessions past their idle or absolute limit.
pub async fn purge_expired<'c>(
    db: impl Exec<'c>,
    idle_before: i64,
    created_before: i64,
) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(idle_before)
        .bind(created_before)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}
