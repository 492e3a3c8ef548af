//! API keys, kept as a SHA-256 of the key (the key itself is shown once).

use sqlx::FromRow;

use super::Exec;
use crate::domain::api::ApiScope;
use crate::domain::role::Role;

#[derive(Debug, Clone, FromRow)]
pub struct ApiKey {
    pub id: i64,
    pub agency_id: i64,
    pub name: String,
    /// The key's first characters, to recognise it in lists and the audit log.
    pub prefix: String,
    #[sqlx(try_from = "String")]
    pub scope: ApiScope,
    pub created_by_name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// The staff member who made it, while still on the team (None: the command line, or
    /// they left): requests the key sends go out in their name.
    pub creator_id: Option<i64>,
    pub creator_name: Option<String>,
    /// Who made it (kept after they leave; None: the command line).
    pub created_by: Option<i64>,
    /// The maker's role now: a key never acts with more than its maker holds today.
    #[sqlx(try_from = "Option<String>")]
    pub creator_role: CreatorRole,
    pub expires_at: Option<i64>,
}

/// The role of a key's maker as the database has it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CreatorRole(pub Option<Role>);

impl TryFrom<Option<String>> for CreatorRole {
    type Error = crate::domain::UnknownValue;
    fn try_from(s: Option<String>) -> Result<Self, Self::Error> {
        s.map(Role::try_from).transpose().map(CreatorRole)
    }
}

const COLUMNS: &str = "k.id, k.agency_id, k.name, k.prefix, k.scope, k.created_by_name,
    k.created_at, k.last_used_at, k.revoked_at, u.id AS creator_id, u.name AS creator_name,
    k.created_by, u.role AS creator_role, k.expires_at";

const FROM: &str =
    "api_keys k LEFT JOIN users u ON u.id = k.created_by AND u.agency_id = k.agency_id";

pub struct NewKey<'a> {
    pub agency_id: i64,
    pub name: &'a str,
    pub prefix: &'a str,
    pub key_hash: &'a str,
    pub scope: ApiScope,
    pub created_by: Option<i64>,
    pub created_by_name: &'a str,
    pub expires_at: Option<i64>,
}

pub async fn insert<'c>(db: impl Exec<'c>, k: &NewKey<'_>, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO api_keys (agency_id, name, prefix, key_hash, scope, created_by,
             created_by_name, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(k.agency_id)
    .bind(k.name)
    .bind(k.prefix)
    .bind(k.key_hash)
    .bind(k.scope.as_str())
    .bind(k.created_by)
    .bind(k.created_by_name)
    .bind(now)
    .bind(k.expires_at)
    .fetch_one(db)
    .await
}

/// The agency's keys, newest first (revoked ones too, marked).
pub async fn list<'c>(db: impl Exec<'c>, agency_id: i64) -> Result<Vec<ApiKey>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE k.agency_id = $1 ORDER BY k.created_at DESC, k.id DESC"
    )))
    .bind(agency_id)
    .fetch_all(db)
    .await
}

pub async fn get<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
) -> Result<Option<ApiKey>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE k.agency_id = $1 AND k.id = $2"
    )))
    .bind(agency_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The live key with this hash.
pub async fn by_hash<'c>(db: impl Exec<'c>, key_hash: &str) -> Result<Option<ApiKey>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE k.key_hash = $1 AND k.revoked_at IS NULL"
    )))
    .bind(key_hash)
    .fetch_optional(db)
    .await
}

/// Live keys that expire between `now` and `until` and whose maker was not warned yet.
pub async fn expiring_unwarned<'c>(
    db: impl Exec<'c>,
    now: i64,
    until: i64,
) -> Result<Vec<ApiKey>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM {FROM}
         WHERE k.revoked_at IS NULL AND k.expiry_warned_at IS NULL
           AND k.expires_at > $1 AND k.expires_at <= $2
         ORDER BY k.expires_at, k.id"
    )))
    .bind(now)
    .bind(until)
    .fetch_all(db)
    .await
}

/// Takes the one expiry warning of a key: true for the process that gets it.
pub async fn claim_expiry_warning<'c>(
    db: impl Exec<'c>,
    id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE api_keys SET expiry_warned_at = $2 WHERE id = $1 AND expiry_warned_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every live key `user_id` made (they are leaving); how many.
pub async fn revoke_for_creator<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    user_id: i64,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE api_keys SET revoked_at = $3 WHERE agency_id = $1 AND created_by = $2 AND revoked_at IS NULL",
    )
    .bind(agency_id)
    .bind(user_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// Revokes a live key; false when there was none.
pub async fn revoke<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE api_keys SET revoked_at = $3 WHERE agency_id = $1 AND id = $2 AND revoked_at IS NULL",
    )
    .bind(agency_id)
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Notes a use, at most once a minute per key (a read is not a write on every call).
pub async fn touch<'c>(db: impl Exec<'c>, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE api_keys SET last_used_at = $2
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(id)
    .bind(now)
    .bind(now - 60)
    .execute(db)
    .await?;
    Ok(())
}

/// Counts one request of key `key_id` in the window starting at `window_start`; how many
/// the window has now, this one included. One statement, so concurrent requests in any
/// number of processes each get their own count.
pub async fn count_request<'c>(
    db: impl Exec<'c>,
    key_id: i64,
    window_start: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO api_rate_windows (api_key_id, window_start, used) VALUES ($1, $2, 1)
         ON CONFLICT (api_key_id, window_start)
             DO UPDATE SET used = api_rate_windows.used + 1
         RETURNING used",
    )
    .bind(key_id)
    .bind(window_start)
    .fetch_one(db)
    .await
}

/// Forgets rate windows that started before `before`.
pub async fn forget_rate_windows_before<'c>(
    db: impl Exec<'c>,
    before: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM api_rate_windows WHERE window_start < $1")
        .bind(before)
        .execute(db)
        .await
        .map(|_| ())
}
