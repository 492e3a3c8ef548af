//! Webhook endpoints and their deliveries (the webhook outbox).

use sqlx::FromRow;

use super::Exec;

#[derive(Debug, Clone, FromRow)]
pub struct Endpoint {
    pub id: i64,
    pub agency_id: i64,
    pub url: String,
    pub description: String,
    /// Comma-separated event types; empty: every event.
    pub events: String,
    pub secret_sealed: String,
    pub previous_secret_sealed: Option<String>,
    pub previous_until: Option<i64>,
    pub disabled_at: Option<i64>,
    pub disabled_reason: String,
    pub created_at: i64,
    /// Who made it (None: made before endpoints remembered it).
    pub created_by: Option<i64>,
    pub created_by_name: String,
    /// 1 while its maker is still on the team.
    pub creator_here: i64,
}

impl Endpoint {
    /// Its maker has left the agency (the endpoint stays: it is the agency's).
    pub fn creator_left(&self) -> bool {
        self.created_by.is_some() && self.creator_here == 0
    }

    pub fn wants(&self, event: &str) -> bool {
        self.events.is_empty() || self.events.split(',').any(|e| e == event)
    }
}

const ENDPOINT: &str = "id, agency_id, url, description, events, secret_sealed,
    previous_secret_sealed, previous_until, disabled_at, disabled_reason, created_at,
    created_by, created_by_name,
    (SELECT COUNT(*) FROM users u WHERE u.id = webhook_endpoints.created_by
        AND u.agency_id = webhook_endpoints.agency_id) AS creator_here";

#[derive(Debug, Clone, FromRow)]
pub struct Delivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub agency_id: i64,
    pub message_id: String,
    pub event_type: String,
    pub payload: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_attempt_at: Option<i64>,
    pub last_status_code: Option<i64>,
    pub last_error: String,
    pub last_ms: Option<i64>,
    pub delivered_at: Option<i64>,
    pub created_at: i64,
}

const DELIVERY: &str = "id, endpoint_id, agency_id, message_id, event_type, payload, status,
    attempts, next_attempt_at, last_attempt_at, last_status_code, last_error, last_ms,
    delivered_at, created_at";

pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";

/// A new endpoint, as made by someone at the agency.
pub struct NewEndpoint<'a> {
    pub agency_id: i64,
    pub url: &'a str,
    pub description: &'a str,
    pub events: &'a str,
    pub secret_sealed: &'a str,
    pub created_by: Option<i64>,
    pub created_by_name: &'a str,
}

pub async fn insert_endpoint<'c>(
    db: impl Exec<'c>,
    e: &NewEndpoint<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO webhook_endpoints (agency_id, url, description, events, secret_sealed,
             created_at, created_by, created_by_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(e.agency_id)
    .bind(e.url)
    .bind(e.description)
    .bind(e.events)
    .bind(e.secret_sealed)
    .bind(now)
    .bind(e.created_by)
    .bind(e.created_by_name)
    .fetch_one(db)
    .await
}

pub async fn endpoints<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
) -> Result<Vec<Endpoint>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ENDPOINT} FROM webhook_endpoints WHERE agency_id = $1 ORDER BY id"
    )))
    .bind(agency_id)
    .fetch_all(db)
    .await
}

pub async fn endpoint<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
) -> Result<Option<Endpoint>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ENDPOINT} FROM webhook_endpoints WHERE agency_id = $1 AND id = $2"
    )))
    .bind(agency_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The agency's live endpoints (for an event to fan out to).
pub async fn live_endpoints<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
) -> Result<Vec<Endpoint>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ENDPOINT} FROM webhook_endpoints WHERE agency_id = $1 AND disabled_at IS NULL"
    )))
    .bind(agency_id)
    .fetch_all(db)
    .await
}

/// Turns an endpoint off (with why) or on again.
pub async fn set_disabled<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
    disabled_at: Option<i64>,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE webhook_endpoints SET disabled_at = $3, disabled_reason = $4
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(disabled_at)
    .bind(reason)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A new secret; the old one stays valid (signed alongside) until `previous_until`.
pub async fn rotate<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
    secret_sealed: &str,
    previous_until: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE webhook_endpoints SET previous_secret_sealed = secret_sealed,
             previous_until = $4, secret_sealed = $3
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(secret_sealed)
    .bind(previous_until)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Deletes an endpoint and its delivery log.
pub async fn delete_endpoint(
    tx: &mut super::Tx,
    agency_id: i64,
    id: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query("DELETE FROM webhook_deliveries WHERE endpoint_id = $1 AND agency_id = $2")
        .bind(id)
        .bind(agency_id)
        .execute(&mut **tx)
        .await?;
    let done = sqlx::query("DELETE FROM webhook_endpoints WHERE agency_id = $1 AND id = $2")
        .bind(agency_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_delivery<'c>(
    db: impl Exec<'c>,
    endpoint_id: i64,
    agency_id: i64,
    message_id: &str,
    event_type: &str,
    payload: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO webhook_deliveries (endpoint_id, agency_id, message_id, event_type, payload,
             status, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6) RETURNING id",
    )
    .bind(endpoint_id)
    .bind(agency_id)
    .bind(message_id)
    .bind(event_type)
    .bind(payload)
    .bind(now)
    .fetch_one(db)
    .await
}

/// How many of the oldest due deliveries a claim looks through before it looks agency by
/// agency (see [`claim_next`]).
const WALK: i64 = 64;

/// The oldest due deliveries not in flight, `walk` of them, with `and` added to their
/// condition; `now` and `walk` are the placeholders to use.
fn oldest_due(now: &str, walk: &str, and: &str) -> String {
    format!(
        "SELECT d.id FROM webhook_deliveries d
         WHERE d.status = 'pending' AND d.next_attempt_at <= {now}
           AND (d.lease_until IS NULL OR d.lease_until <= {now}) {and}
         ORDER BY d.next_attempt_at, d.id LIMIT {walk}"
    )
}

/// The agencies at their limit of deliveries in flight (leased), from the in-flight rows
/// alone, by index; `now` and `limit` are the placeholders to use.
fn at_limit(now: &str, limit: &str) -> String {
    format!(
        "SELECT x.agency_id FROM webhook_deliveries x
         WHERE x.status = 'pending' AND x.lease_until > {now}
         GROUP BY x.agency_id HAVING COUNT(*) >= {limit}"
    )
}

/// Claims the oldest due delivery of an agency with fewer than `per_agency` deliveries in
/// flight (leased): one agency's slow receivers hold at most that many of the senders, so
/// another agency's deliveries go out at once. The conditional update is the claim; `None`
/// may also mean "lost a race", so callers try again on their next turn.
///
/// A claim looks through the [`WALK`] oldest due deliveries. When all of them belong to
/// agencies at their limit (one agency's long backlog, say), it looks agency by agency (an
/// index skip over the agencies with pending deliveries) instead of walking that backlog:
/// a walk every refused claim made, so that each cost as much as the backlog was long and
/// the senders waiting for a free place slowed every other writer.
pub async fn claim_next(
    db: &super::Db,
    now: i64,
    lease: i64,
    per_agency: i64,
) -> Result<Option<Delivery>, sqlx::Error> {
    if let Some(d) = claim_oldest(db, now, lease, per_agency, None).await? {
        return Ok(Some(d));
    }
    let due: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM ({}) w",
        oldest_due("$1", "$2", "")
    )))
    .bind(now)
    .bind(WALK)
    .fetch_one(&db.pool)
    .await?;
    if due < WALK {
        return Ok(None);
    }
    for agency in agencies_with_room(db, now, per_agency).await? {
        if let Some(d) = claim_oldest(db, now, lease, per_agency, Some(agency)).await? {
            return Ok(Some(d));
        }
    }
    Ok(None)
}

/// The oldest due delivery among the [`WALK`] oldest (of `agency`, or of any agency) whose
/// agency is below its limit, claimed. On PostgreSQL only the row taken is locked (`SKIP
/// LOCKED` on the outer select), so concurrent claimers pass over each other's rows.
async fn claim_oldest(
    db: &super::Db,
    now: i64,
    lease: i64,
    per_agency: i64,
    agency: Option<i64>,
) -> Result<Option<Delivery>, sqlx::Error> {
    let skip = db.skip_locked();
    let of_agency = if agency.is_some() {
        "AND d.agency_id = $5"
    } else {
        ""
    };
    let (walk, at_limit) = (oldest_due("$1", "$4", of_agency), at_limit("$1", "$3"));
    let claim = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE webhook_deliveries SET lease_until = $2
         WHERE id = (SELECT w.id FROM webhook_deliveries w
                     WHERE w.id IN ({walk})
                       AND w.agency_id NOT IN ({at_limit})
                     ORDER BY w.next_attempt_at, w.id LIMIT 1 {skip})
           AND status = 'pending' AND next_attempt_at <= $1
           AND (lease_until IS NULL OR lease_until <= $1)
         RETURNING {DELIVERY}"
    )))
    .bind(now)
    .bind(now + lease)
    .bind(per_agency)
    .bind(WALK);
    match agency {
        Some(agency) => claim.bind(agency).fetch_optional(&db.pool).await,
        None => claim.fetch_optional(&db.pool).await,
    }
}

/// The agencies with a delivery due and room for it under their limit, by an index skip
/// over the agencies with pending deliveries (one lookup per agency, not per delivery).
async fn agencies_with_room(
    db: &super::Db,
    now: i64,
    per_agency: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "WITH RECURSIVE ag(id) AS (
             SELECT MIN(agency_id) FROM webhook_deliveries WHERE status = 'pending'
             UNION ALL
             SELECT (SELECT MIN(w.agency_id) FROM webhook_deliveries w
                     WHERE w.status = 'pending' AND w.agency_id > ag.id)
             FROM ag WHERE ag.id IS NOT NULL)
         SELECT ag.id FROM ag
         WHERE ag.id IS NOT NULL AND ag.id NOT IN ({})
           AND EXISTS (SELECT 1 FROM webhook_deliveries d
                       WHERE d.status = 'pending' AND d.agency_id = ag.id
                         AND d.next_attempt_at <= $1
                         AND (d.lease_until IS NULL OR d.lease_until <= $1))",
        at_limit("$1", "$2")
    )))
    .bind(now)
    .bind(per_agency)
    .fetch_all(&db.pool)
    .await
}

/// Claims up to `limit` more due deliveries for the same endpoint as one just claimed, to be
/// sent with it: a sender sends a batch to one receiver at once and records the outcomes in
/// one transaction. Same endpoint only, so a slow receiver holds only its own batch.
pub async fn claim_more(
    db: &super::Db,
    endpoint_id: i64,
    now: i64,
    lease: i64,
    limit: i64,
) -> Result<Vec<Delivery>, sqlx::Error> {
    let skip = db.skip_locked();
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "WITH picked AS MATERIALIZED (
             SELECT id FROM webhook_deliveries
             WHERE endpoint_id = $3 AND status = 'pending' AND next_attempt_at <= $1
               AND (lease_until IS NULL OR lease_until <= $1)
             ORDER BY next_attempt_at, id LIMIT $4 {skip})
         UPDATE webhook_deliveries SET lease_until = $2
         WHERE id IN (SELECT id FROM picked)
           AND status = 'pending' AND next_attempt_at <= $1
           AND (lease_until IS NULL OR lease_until <= $1)
         RETURNING {DELIVERY}"
    )))
    .bind(now)
    .bind(now + lease)
    .bind(endpoint_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// Claims one delivery if it is still due and not held: the conditional update is the
/// claim, so of two workers one gets it. It checks the row is still due because another
/// worker may have sent (and rescheduled) it since this one listed it.
pub async fn claim_one<'c>(
    db: impl Exec<'c>,
    id: i64,
    now: i64,
    lease: i64,
) -> Result<Option<Delivery>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE webhook_deliveries SET lease_until = $2
         WHERE id = $1 AND status = 'pending' AND next_attempt_at <= $3
           AND (lease_until IS NULL OR lease_until <= $3)
         RETURNING {DELIVERY}"
    )))
    .bind(id)
    .bind(now + lease)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// The earliest time a pending delivery is due.
pub async fn next_due<'c>(db: impl Exec<'c>) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'",
    )
    .fetch_one(db)
    .await
}

/// Records one attempt's outcome.
#[allow(clippy::too_many_arguments)]
pub async fn record_attempt<'c>(
    db: impl Exec<'c>,
    id: i64,
    status: &str,
    next_attempt_at: i64,
    code: Option<i64>,
    error: &str,
    ms: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_deliveries SET status = $2, attempts = attempts + 1,
             next_attempt_at = $3, last_status_code = $4, last_error = $5, last_ms = $6,
             last_attempt_at = $7, lease_until = NULL,
             delivered_at = CASE WHEN $2 = 'delivered' THEN $7 ELSE delivered_at END
         WHERE id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(next_attempt_at)
    .bind(code)
    .bind(error)
    .bind(ms)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// An endpoint's latest deliveries, newest first.
pub async fn deliveries<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    endpoint_id: i64,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Delivery>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {DELIVERY} FROM webhook_deliveries
         WHERE agency_id = $1 AND endpoint_id = $2 AND id < $3
         ORDER BY id DESC LIMIT $4"
    )))
    .bind(agency_id)
    .bind(endpoint_id)
    .bind(before_id.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn delivery<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
) -> Result<Option<Delivery>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {DELIVERY} FROM webhook_deliveries WHERE agency_id = $1 AND id = $2"
    )))
    .bind(agency_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Sends a delivery again, now, keeping its message id (a redelivery, as the spec has it).
pub async fn redeliver<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $3, lease_until = NULL
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Drops delivered rows older than `before` from the log.
pub async fn forget_delivered_before<'c>(
    db: impl Exec<'c>,
    before: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM webhook_deliveries WHERE status = 'delivered' AND delivered_at < $1",
    )
    .bind(before)
    .execute(db)
    .await?
    .rows_affected())
}
