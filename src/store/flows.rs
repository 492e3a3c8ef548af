//! Client approval flows (see the migration for what each column guards).

use sqlx::FromRow;

use super::Exec;

#[derive(Debug, Clone, FromRow)]
pub struct Flow {
    pub id: i64,
    pub request_id: i64,
    pub agency_id: i64,
    pub state_expires_at: i64,
    pub state_used_at: Option<i64>,
    pub token_sealed: Option<String>,
    pub person_id: Option<String>,
    pub person_name: Option<String>,
    pub inventory: Option<String>,
    pub results: Option<String>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub approved_at: Option<i64>,
}

const COLUMNS: &str = "id, request_id, agency_id, state_expires_at, state_used_at, token_sealed, person_id, person_name, inventory, results, created_at, last_seen_at, expires_at, approved_at";

#[allow(clippy::too_many_arguments)]
pub async fn insert<'c>(
    db: impl Exec<'c>,
    request_id: i64,
    agency_id: i64,
    cookie_hash: &str,
    state_hash: &str,
    state_expires_at: i64,
    expires_at: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO approval_flows (request_id, agency_id, cookie_hash, state_hash, state_expires_at, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id",
    )
    .bind(request_id)
    .bind(agency_id)
    .bind(cookie_hash)
    .bind(state_hash)
    .bind(state_expires_at)
    .bind(now)
    .bind(expires_at)
    .fetch_one(db)
    .await
}

pub async fn by_cookie<'c>(
    db: impl Exec<'c>,
    cookie_hash: &str,
) -> Result<Option<Flow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM approval_flows WHERE cookie_hash = $1"
    )))
    .bind(cookie_hash)
    .fetch_optional(db)
    .await
}

/// Uses the state once: returns the flow only for the first, unexpired use.
pub async fn consume_state<'c>(
    db: impl Exec<'c>,
    state_hash: &str,
    now: i64,
) -> Result<Option<Flow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE approval_flows SET state_used_at = $1
         WHERE state_hash = $2 AND state_used_at IS NULL AND state_expires_at > $1
         RETURNING {COLUMNS}"
    )))
    .bind(now)
    .bind(state_hash)
    .fetch_optional(db)
    .await
}

/// Issues a new state for a retry of Facebook Login within the same flow.
pub async fn renew_state<'c>(
    db: impl Exec<'c>,
    id: i64,
    state_hash: &str,
    state_expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE approval_flows SET state_hash = $1, state_expires_at = $2, state_used_at = NULL WHERE id = $3")
        .bind(state_hash)
        .bind(state_expires_at)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn set_login<'c>(
    db: impl Exec<'c>,
    id: i64,
    token_sealed: &str,
    person_id: &str,
    person_name: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE approval_flows SET token_sealed = $1, person_id = $2, person_name = $3, last_seen_at = $4 WHERE id = $5")
        .bind(token_sealed)
        .bind(person_id)
        .bind(person_name)
        .bind(now)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn set_inventory<'c>(
    db: impl Exec<'c>,
    id: i64,
    inventory: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE approval_flows SET inventory = $1, last_seen_at = $2 WHERE id = $3")
        .bind(inventory)
        .bind(now)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn touch<'c>(db: impl Exec<'c>, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE approval_flows SET last_seen_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Claims the flow for its one approval; false if a submission already did.
pub async fn claim_approval<'c>(db: impl Exec<'c>, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE approval_flows SET approved_at = $1 WHERE id = $2 AND approved_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Gives a claim back (the approval could not start, e.g. the link was used meanwhile).
pub async fn release_approval<'c>(db: impl Exec<'c>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE approval_flows SET approved_at = NULL WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Stores the results and forgets the client's token: custody ends with the approval.
pub async fn finish<'c>(db: impl Exec<'c>, id: i64, results: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE approval_flows SET results = $1, token_sealed = NULL WHERE id = $2")
        .bind(results)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Forgets the Meta token of flows past their absolute limit.
pub async fn purge_tokens<'c>(db: impl Exec<'c>, now: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("UPDATE approval_flows SET token_sealed = NULL WHERE token_sealed IS NOT NULL AND expires_at <= $1")
        .bind(now)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}
