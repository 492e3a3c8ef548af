//! Client approval flows (see the migration for what each column guards).

use sqlx::FromRow;

use super::Exec;
use crate::domain::Platform;

#[derive(Debug, Clone, FromRow)]
pub struct Flow {
    pub id: i64,
    pub request_id: i64,
    pub agency_id: i64,
    /// The platform this flow signs in with and shares on.
    #[sqlx(try_from = "String")]
    pub platform: Platform,
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
    /// The number of the latest approval attempt (0 before the first).
    pub attempt: i64,
    /// While an attempt runs: until when its process holds it.
    pub lease_until: Option<i64>,
    /// When the latest attempt was recorded (None while it runs).
    pub finished_at: Option<i64>,
    /// The language the client started in (pages and the receipt follow it).
    pub language: Option<String>,
}

impl Flow {
    /// The language the client started in.
    pub fn lang(&self) -> Option<crate::i18n::Lang> {
        self.language.as_deref().and_then(crate::i18n::Lang::parse)
    }

    /// An attempt was claimed and is not recorded yet.
    pub fn in_progress(&self) -> bool {
        self.approved_at.is_some() && self.finished_at.is_none()
    }
}

const COLUMNS: &str = "id, request_id, agency_id, platform, state_expires_at, state_used_at, token_sealed, person_id, person_name, inventory, results, created_at, last_seen_at, expires_at, approved_at, attempt, lease_until, finished_at, language";

#[allow(clippy::too_many_arguments)]
pub async fn insert<'c>(
    db: impl Exec<'c>,
    request_id: i64,
    agency_id: i64,
    platform: Platform,
    cookie_hash: &str,
    state_hash: &str,
    state_expires_at: i64,
    expires_at: i64,
    language: crate::i18n::Lang,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO approval_flows (request_id, agency_id, cookie_hash, state_hash, state_expires_at, created_at, last_seen_at, expires_at, language, platform)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9) RETURNING id",
    )
    .bind(request_id)
    .bind(agency_id)
    .bind(cookie_hash)
    .bind(state_hash)
    .bind(state_expires_at)
    .bind(now)
    .bind(expires_at)
    .bind(language.code())
    .bind(platform.as_str())
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

pub async fn by_id<'c>(db: impl Exec<'c>, id: i64) -> Result<Option<Flow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM approval_flows WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Uses the state once, and only for the flow of the browser presenting it: returns the
/// flow for the first, unexpired use. A callback in another browser consumes nothing.
pub async fn consume_state<'c>(
    db: impl Exec<'c>,
    flow_id: i64,
    state_hash: &str,
    now: i64,
) -> Result<Option<Flow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE approval_flows SET state_used_at = $1
         WHERE id = $3 AND state_hash = $2 AND state_used_at IS NULL AND state_expires_at > $1
         RETURNING {COLUMNS}"
    )))
    .bind(now)
    .bind(state_hash)
    .bind(flow_id)
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

/// Claims the flow for a new approval attempt, if its latest attempt is `seen` and none
/// is running (a double submit finds the attempt moved on). Returns the new attempt.
pub async fn begin_attempt(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    seen: i64,
    now: i64,
    lease_until: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE approval_flows
         SET approved_at = COALESCE(approved_at, $1), attempt = attempt + 1,
             lease_until = $2, finished_at = NULL, last_seen_at = $1
         WHERE id = $3 AND attempt = $4 AND (approved_at IS NULL OR finished_at IS NOT NULL)
         RETURNING attempt",
    )
    .bind(now)
    .bind(lease_until)
    .bind(id)
    .bind(seen)
    .fetch_optional(&mut *conn)
    .await
}

/// Claims a single-use link for this flow until `until`: it keeps a link it holds; it may
/// take one that is unused and whose last claim was released or ran out. Decided on the
/// request row alone, so two concurrent claims serialise on its lock.
pub async fn claim_request(
    conn: &mut sqlx::AnyConnection,
    request_id: i64,
    flow_id: i64,
    now: i64,
    until: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE access_requests SET approval_flow_id = $1, approval_until = $2
         WHERE id = $3 AND (approval_flow_id = $1
           OR (used_at IS NULL AND (approval_until IS NULL OR approval_until < $4)))",
    )
    .bind(flow_id)
    .bind(until)
    .bind(request_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Ends a flow's claim on its request (the attempt is recorded).
pub async fn release_request<'c>(
    db: impl Exec<'c>,
    request_id: i64,
    flow_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE access_requests SET approval_until = NULL WHERE id = $1 AND approval_flow_id = $2",
    )
    .bind(request_id)
    .bind(flow_id)
    .execute(db)
    .await
    .map(|_| ())
}

/// One chosen asset of one attempt: the intent, and Meta's answer once it came.
#[derive(Debug, Clone, FromRow)]
pub struct Item {
    pub id: i64,
    pub attempt: i64,
    pub asset_id: String,
    /// The offered asset, JSON.
    pub asset: String,
    /// The outcomes, JSON; None while only intended.
    pub outcomes: Option<String>,
}

/// Writes the intent to share one asset, before any call to Meta.
pub async fn add_intent(
    conn: &mut sqlx::AnyConnection,
    flow_id: i64,
    attempt: i64,
    asset_id: &str,
    asset: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO approval_items (flow_id, attempt, asset_id, asset, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(flow_id)
    .bind(attempt)
    .bind(asset_id)
    .bind(asset)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
}

/// Every item of a flow, oldest attempt first.
pub async fn items<'c>(db: impl Exec<'c>, flow_id: i64) -> Result<Vec<Item>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, attempt, asset_id, asset, outcomes FROM approval_items
         WHERE flow_id = $1 ORDER BY attempt, id",
    )
    .bind(flow_id)
    .fetch_all(db)
    .await
}

/// Records Meta's answer for one item, and renews the attempt's lease: progress is proof
/// of life.
pub async fn answer<'c>(
    db: impl Exec<'c>,
    item_id: i64,
    outcomes: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE approval_items SET outcomes = $1, updated_at = $2 WHERE id = $3")
        .bind(outcomes)
        .bind(now)
        .bind(item_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Extends the lease of a running attempt (the heartbeat of the process running it).
pub async fn renew_lease<'c>(
    db: impl Exec<'c>,
    id: i64,
    attempt: i64,
    until: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE approval_flows SET lease_until = $1
         WHERE id = $2 AND attempt = $3 AND finished_at IS NULL",
    )
    .bind(until)
    .bind(id)
    .bind(attempt)
    .execute(db)
    .await
    .map(|_| ())
}

/// Extends a running attempt's claim on its single-use link along with its lease.
pub async fn renew_request_claim<'c>(
    db: impl Exec<'c>,
    flow_id: i64,
    until: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE access_requests SET approval_until = $1
         WHERE approval_flow_id = $2 AND approval_until IS NOT NULL",
    )
    .bind(until)
    .bind(flow_id)
    .execute(db)
    .await
    .map(|_| ())
}

/// Claims one attempt whose process stopped renewing its lease (it died), for recovery.
pub async fn claim_stale<'c>(
    db: impl Exec<'c>,
    now: i64,
    lease_until: i64,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE approval_flows SET lease_until = $1
         WHERE id = (SELECT id FROM approval_flows
                     WHERE approved_at IS NOT NULL AND finished_at IS NULL AND lease_until < $2
                     ORDER BY id LIMIT 1)
           AND finished_at IS NULL AND lease_until < $2
         RETURNING id, attempt",
    )
    .bind(lease_until)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Records an attempt as finished with the flow's merged results. The client's token is
/// kept only while something remains to retry (within the flow's own time limits).
/// False when the attempt was already finished (by the recovery job, or a double run).
pub async fn finish_attempt(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    attempt: i64,
    results: &str,
    keep_token: bool,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let keep: i64 = keep_token.into();
    let r = sqlx::query(
        "UPDATE approval_flows
         SET results = $1, finished_at = $2, lease_until = NULL,
             token_sealed = CASE WHEN $3 = 1 THEN token_sealed ELSE NULL END
         WHERE id = $4 AND attempt = $5 AND finished_at IS NULL",
    )
    .bind(results)
    .bind(now)
    .bind(keep)
    .bind(id)
    .bind(attempt)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Forgets the Meta token of flows past their absolute limit, except of an attempt still
/// to be recovered: it needs the token to read back what Meta holds.
pub async fn purge_tokens<'c>(db: impl Exec<'c>, now: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("UPDATE approval_flows SET token_sealed = NULL WHERE token_sealed IS NOT NULL AND expires_at <= $1
                 AND (approved_at IS NULL OR finished_at IS NOT NULL)")
        .bind(now)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}
