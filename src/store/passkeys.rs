//! Passkeys and the server half of their ceremonies.

use sqlx::FromRow;

use super::Exec;

#[derive(Debug, Clone, FromRow)]
pub struct StoredPasskey {
    pub id: i64,
    pub credential_id: String,
    pub user_handle: String,
    pub name: String,
    pub passkey: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// What a ceremony is for: one of each may wait per person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Register,
    SignIn,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::SignIn => "sign_in",
        }
    }
}

pub async fn list<'c>(db: impl Exec<'c>, user_id: i64) -> Result<Vec<StoredPasskey>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, credential_id, user_handle, name, passkey, created_at, last_used_at
         FROM passkeys WHERE user_id = $1 ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

pub async fn count<'c>(db: impl Exec<'c>, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(db)
        .await
}

/// Adds a passkey; false when its credential is already registered (to anyone).
#[allow(clippy::too_many_arguments)]
pub async fn insert<'c>(
    db: impl Exec<'c>,
    user_id: i64,
    credential_id: &str,
    user_handle: &str,
    name: &str,
    passkey: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO passkeys (user_id, credential_id, user_handle, name, passkey, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (credential_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(credential_id)
    .bind(user_handle)
    .bind(name)
    .bind(passkey)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a sign-in with the passkey, and its moved-on counter when there is one.
pub async fn used<'c>(
    db: impl Exec<'c>,
    user_id: i64,
    credential_id: &str,
    updated: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE passkeys SET last_used_at = $3, passkey = COALESCE($4, passkey)
         WHERE user_id = $1 AND credential_id = $2",
    )
    .bind(user_id)
    .bind(credential_id)
    .bind(now)
    .bind(updated)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes one of the person's passkeys; its name when it was theirs.
pub async fn remove<'c>(
    db: impl Exec<'c>,
    user_id: i64,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("DELETE FROM passkeys WHERE user_id = $1 AND id = $2 RETURNING name")
        .bind(user_id)
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Keeps a ceremony's server half, replacing any earlier one of the same purpose.
pub async fn put_ceremony<'c>(
    db: impl Exec<'c>,
    user_id: i64,
    purpose: Purpose,
    state: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO passkey_ceremonies (user_id, purpose, state, expires_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, purpose) DO UPDATE SET state = $3, expires_at = $4",
    )
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(state)
    .bind(expires_at)
    .execute(db)
    .await
    .map(|_| ())
}

/// Takes a ceremony's server half: once, and only before it expires.
pub async fn take_ceremony<'c>(
    db: impl Exec<'c>,
    user_id: i64,
    purpose: Purpose,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "DELETE FROM passkey_ceremonies WHERE user_id = $1 AND purpose = $2
         RETURNING state, expires_at",
    )
    .bind(user_id)
    .bind(purpose.as_str())
    .fetch_optional(db)
    .await?;
    Ok(row.filter(|(_, expires)| *expires > now).map(|(s, _)| s))
}
