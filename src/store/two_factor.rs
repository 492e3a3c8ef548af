//! TOTP factors and recovery codes.

use sqlx::FromRow;

use super::Exec;

#[derive(Debug, Clone, FromRow)]
pub struct Factor {
    pub user_id: i64,
    pub secret_sealed: String,
    pub confirmed_at: Option<i64>,
    pub last_step: i64,
}

pub async fn get<'c>(db: impl Exec<'c>, user_id: i64) -> Result<Option<Factor>, sqlx::Error> {
    sqlx::query_as(
        "SELECT user_id, secret_sealed, confirmed_at, last_step FROM totp_factors WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await
}

/// Starts (or restarts) an enrolment with a new, unconfirmed secret.
pub async fn begin<'c>(
    db: impl Exec<'c>,
    user_id: i64,
    secret_sealed: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO totp_factors (user_id, secret_sealed, confirmed_at, last_step, created_at)
         VALUES ($1, $2, NULL, 0, $3)
         ON CONFLICT (user_id) DO UPDATE SET secret_sealed = $2, confirmed_at = NULL,
             last_step = 0, created_at = $3",
    )
    .bind(user_id)
    .bind(secret_sealed)
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

/// Takes `step` for the user's code: true once per step and only for a later step than
/// any taken before, so a code (or an earlier one) never works twice.
pub async fn take_step<'c>(
    db: impl Exec<'c>,
    user_id: i64,
    step: i64,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE totp_factors SET last_step = $2 WHERE user_id = $1 AND last_step < $2")
            .bind(user_id)
            .bind(step)
            .execute(db)
            .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn confirm<'c>(db: impl Exec<'c>, user_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE totp_factors SET confirmed_at = $2 WHERE user_id = $1")
        .bind(user_id)
        .bind(now)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn remove<'c>(db: impl Exec<'c>, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM totp_factors WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Replaces the user's recovery codes with these (hashes).
pub async fn set_recovery_codes(
    tx: &mut sqlx::AnyConnection,
    user_id: i64,
    hashes: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for h in hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(h)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Uses up one recovery code: true if it was the user's and unused.
pub async fn use_recovery_code<'c>(
    db: impl Exec<'c>,
    user_id: i64,
    code_hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE recovery_codes SET used_at = $3
         WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(user_id)
    .bind(code_hash)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn recovery_codes_left<'c>(db: impl Exec<'c>, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .fetch_one(db)
        .await
}

/// Whether the person has a second factor: a confirmed authenticator app or a passkey.
pub async fn has_any<'c>(db: impl Exec<'c>, user_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM totp_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL)
              + (SELECT COUNT(*) FROM passkeys WHERE user_id = $1)",
    )
    .bind(user_id)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}
