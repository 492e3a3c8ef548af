//! The e-mail outbox. Rows are inserted in the transaction of the change that causes them;
//! the worker claims them with a lease so each is sent by one worker at a time, on SQLite
//! and PostgreSQL, with any number of processes.

use sqlx::FromRow;

use super::Exec;

pub const QUEUED: &str = "queued";
pub const SENT: &str = "sent";
pub const DEAD: &str = "dead";

#[derive(Debug, Clone, FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub agency_id: Option<i64>,
    pub kind: String,
    pub to_addr: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub message_id: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub from_name: String,
    pub reply_to: String,
}

const COLUMNS: &str = "id, agency_id, kind, to_addr, subject, text_body, html_body, message_id, status, attempts, next_attempt_at, last_error, created_at, sent_at, from_name, reply_to";

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub agency_id: Option<i64>,
    pub kind: &'a str,
    pub to_addr: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
    pub message_id: &'a str,
    /// `""`: Latchkey's own name.
    pub from_name: &'a str,
    /// `""`: the configured default.
    pub reply_to: &'a str,
}

pub async fn enqueue<'c>(
    db: impl Exec<'c>,
    m: &NewMessage<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let insert = sqlx::query_scalar(
        "INSERT INTO outbox (agency_id, kind, to_addr, subject, text_body, html_body, message_id,
                             from_name, reply_to, status, attempts, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', 0, $10, $10) RETURNING id",
    )
    .bind(m.agency_id);
    // The eight text columns, $2 to $9, in the order of the statement.
    let texts = [
        m.kind,
        m.to_addr,
        m.subject,
        m.text_body,
        m.html_body,
        m.message_id,
        m.from_name,
        m.reply_to,
    ];
    let insert = texts.into_iter().fold(insert, |q, v| q.bind(v));
    insert.bind(now).fetch_one(db).await
}

/// Claims up to `max` due messages until `lease_until`, in one statement (one commit for the
/// lot). The outer guard is what keeps two concurrent claimers from both winning a row on
/// PostgreSQL: a row another claimer took in the meantime is skipped, so fewer (or none) may
/// come back under contention, and callers simply try again. The guard checks the row is
/// still queued and due, not only unleased: a message another worker claimed, sent and
/// marked sent meanwhile has no lease either (two `latchkey` processes on one PostgreSQL
/// sent 8 of 5,000 messages twice when the guard checked the lease alone).
pub async fn claim_many(
    db: &super::Db,
    now: i64,
    lease_until: i64,
    max: i64,
) -> Result<Vec<OutboxRow>, sqlx::Error> {
    let skip = db.skip_locked();
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "WITH picked AS MATERIALIZED (
             SELECT id FROM outbox
             WHERE status = 'queued' AND next_attempt_at <= $2
               AND (lease_until IS NULL OR lease_until < $2)
             ORDER BY next_attempt_at, id LIMIT $3 {skip})
         UPDATE outbox SET lease_until = $1
         WHERE id IN (SELECT id FROM picked)
           AND status = 'queued' AND next_attempt_at <= $2
           AND (lease_until IS NULL OR lease_until < $2)
         RETURNING {COLUMNS}"
    )))
    .bind(lease_until)
    .bind(now)
    .bind(max)
    .fetch_all(&db.pool)
    .await
}

pub async fn mark_sent<'c>(db: impl Exec<'c>, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, lease_until = NULL
         WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

/// Records a failed attempt: back to the queue at `next_attempt_at`, or `dead`.
pub async fn mark_failed<'c>(
    db: impl Exec<'c>,
    id: i64,
    status: &str,
    next_attempt_at: i64,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET status = $1, attempts = attempts + 1, next_attempt_at = $2,
                last_error = $3, lease_until = NULL
         WHERE id = $4",
    )
    .bind(status)
    .bind(next_attempt_at)
    .bind(error)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

/// The earliest time a queued message becomes due, to know how long the worker may sleep.
pub async fn next_due<'c>(db: impl Exec<'c>) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > next_attempt_at
                         THEN lease_until ELSE next_attempt_at END)
         FROM outbox WHERE status = 'queued'",
    )
    .fetch_one(db)
    .await
}

/// Everything sent to one address, oldest first (tests and the sandbox viewer).
pub async fn for_recipient<'c>(db: impl Exec<'c>, to: &str) -> Result<Vec<OutboxRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM outbox WHERE to_addr = $1 ORDER BY id"
    )))
    .bind(to)
    .fetch_all(db)
    .await
}

/// A page of an agency's messages for the delivery page, newest first.
pub async fn list_for_agency<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    status: &str,
    before_id: Option<i64>,
    per_page: i64,
) -> Result<super::Page<OutboxRow>, sqlx::Error> {
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM outbox
         WHERE agency_id = $1 AND ($2 = '' OR status = $2) AND id < $3
         ORDER BY id DESC LIMIT $4"
    )))
    .bind(agency_id)
    .bind(status)
    .bind(before_id.unwrap_or(i64::MAX))
    .bind(per_page + 1)
    .fetch_all(db)
    .await?;
    Ok(super::Page::from_rows(rows, 0, per_page))
}

/// Counts by status for one agency: (queued, sent, dead).
pub async fn counts<'c>(db: impl Exec<'c>, agency_id: i64) -> Result<(i64, i64, i64), sqlx::Error> {
    let row: (i64, i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN status = 'queued' THEN 1 ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM outbox WHERE agency_id = $1",
    )
    .bind(agency_id)
    .fetch_one(db)
    .await?;
    Ok(row)
}

/// Puts a dead message back in the queue with a fresh set of attempts.
pub async fn retry<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = $1, lease_until = NULL
         WHERE agency_id = $2 AND id = $3 AND status = 'dead'",
    )
    .bind(now)
    .bind(agency_id)
    .bind(id)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Who a message was for: enough to decide who may read its copy in the sandbox mailbox.
#[derive(Debug, Clone, FromRow)]
pub struct Addressing {
    pub id: i64,
    pub agency_id: Option<i64>,
    pub kind: String,
    pub to_addr: String,
}

/// The addressing of the given messages (unknown ids are left out).
pub async fn addressing<'c>(
    db: impl Exec<'c>,
    ids: &[i64],
) -> Result<Vec<Addressing>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT id, agency_id, kind, to_addr FROM outbox WHERE id IN ({})",
        placeholders.join(", ")
    );
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in ids {
        q = q.bind(*id);
    }
    q.fetch_all(db).await
}
