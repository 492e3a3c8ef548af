//! Access requests and their timelines. Every query is scoped to one agency, except the
//! lookup by token hash that serves the client's link.

use sqlx::FromRow;

use super::{Exec, Page};
use crate::domain::access::GrantMode;
use crate::domain::reminder;
use crate::domain::request::RequestStatus;
use crate::i18n::Lang;

#[derive(Debug, Clone, FromRow)]
pub struct AccessRequest {
    pub id: i64,
    pub agency_id: i64,
    pub client_id: i64,
    pub token_prefix: String,
    #[sqlx(try_from = "String")]
    pub mode: GrantMode,
    pub asks: String,
    /// The platforms the asks cover, `meta` or `meta,google`.
    pub platforms: String,
    pub user_people: String,
    pub message: String,
    pub single_use: i64,
    pub expires_at: i64,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub emailed_at: Option<i64>,
    pub first_opened_at: Option<i64>,
    pub open_count: i64,
    pub used_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub outcome: Option<String>,
    pub revoked_at: Option<i64>,
    pub last_reminder_at: Option<i64>,
    pub auto_reminded_at: Option<i64>,
    /// Comma-separated Meta asset ids a re-authorisation request is limited to.
    pub scope_assets: String,
    pub purpose: String,
    pub declined_at: Option<i64>,
    pub decline_reason: String,
    pub decline_note: String,
    /// The language the agency set for the client (None: their browser decides).
    pub language: Option<String>,
    pub client_name: String,
    pub client_email: String,
    /// The language remembered for the client.
    pub client_language: Option<String>,
}

const SELECT: &str =
    "SELECT r.id, r.agency_id, r.client_id, r.token_prefix, r.mode, r.asks, r.platforms, r.user_people,
        r.message, r.single_use, r.expires_at, r.created_by, r.created_at, r.emailed_at,
        r.first_opened_at, r.open_count, r.used_at, r.completed_at, r.outcome, r.revoked_at,
        r.last_reminder_at, r.auto_reminded_at, r.scope_assets, r.purpose, r.declined_at,
        r.decline_reason, r.decline_note, r.language, c.name AS client_name,
        c.contact_email AS client_email, c.language AS client_language
    FROM access_requests r JOIN clients c ON c.id = r.client_id";

/// The status of a request at `now`, as the list shows it.
impl AccessRequest {
    /// The platforms the asks cover, in `Platform` order.
    pub fn platforms(&self) -> Vec<crate::domain::Platform> {
        self.platforms
            .split(',')
            .filter_map(crate::domain::Platform::parse)
            .collect()
    }

    /// The language the agency set for this request, if any.
    pub fn lang(&self) -> Option<Lang> {
        self.language.as_deref().and_then(Lang::parse)
    }

    /// The language of e-mails to the client: the request's, else the client's, else
    /// English (an e-mail has no browser to ask).
    pub fn mail_lang(&self) -> Lang {
        self.lang()
            .or_else(|| self.client_language.as_deref().and_then(Lang::parse))
            .unwrap_or_default()
    }

    pub fn status(&self, now: i64) -> RequestStatus {
        if self.revoked_at.is_some() {
            RequestStatus::Revoked
        } else if self.declined_at.is_some() {
            RequestStatus::Declined
        } else if self.outcome.as_deref() == Some("completed") {
            RequestStatus::Completed
        } else if self.outcome.as_deref() == Some("partial") {
            RequestStatus::PartiallyCompleted
        } else if self.expires_at <= now {
            RequestStatus::Expired
        } else if self.first_opened_at.is_some() {
            RequestStatus::Opened
        } else if self.emailed_at.is_some() {
            RequestStatus::Emailed
        } else {
            RequestStatus::Created
        }
    }
}

/// The same status as SQL, so lists can filter on it.
const STATUS_SQL: &str = "CASE WHEN r.revoked_at IS NOT NULL THEN 'revoked'
      WHEN r.declined_at IS NOT NULL THEN 'declined'
      WHEN r.outcome = 'completed' THEN 'completed'
      WHEN r.outcome = 'partial' THEN 'partially_completed'
      WHEN r.expires_at <= $2 THEN 'expired'
      WHEN r.first_opened_at IS NOT NULL THEN 'opened'
      WHEN r.emailed_at IS NOT NULL THEN 'emailed'
      ELSE 'created' END";

/// A new request.
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    pub agency_id: i64,
    pub client_id: i64,
    pub token_hash: &'a str,
    pub token_prefix: &'a str,
    pub mode: GrantMode,
    pub asks: &'a str,
    /// The platforms the asks cover, `meta` or `meta,google` (see `Platform::encode`).
    pub platforms: &'a str,
    pub user_people: &'a str,
    pub message: &'a str,
    pub single_use: bool,
    pub expires_at: i64,
    /// The staff member who sent it (None: a job, or an API key without a person).
    pub created_by: Option<i64>,
    pub scope_assets: &'a str,
    pub purpose: &'a str,
    pub language: Option<Lang>,
}

pub async fn insert<'c>(
    db: impl Exec<'c>,
    r: &NewRequest<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO access_requests (agency_id, client_id, token_hash, token_prefix, mode, asks,
             user_people, message, single_use, expires_at, created_by, created_at, scope_assets, purpose,
             language, platforms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
    )
    .bind(r.agency_id)
    .bind(r.client_id)
    .bind(r.token_hash)
    .bind(r.token_prefix)
    .bind(r.mode.as_str())
    .bind(r.asks)
    .bind(r.user_people)
    .bind(r.message)
    .bind(i64::from(r.single_use))
    .bind(r.expires_at)
    .bind(r.created_by)
    .bind(now)
    .bind(r.scope_assets)
    .bind(r.purpose)
    .bind(r.language.map(Lang::code))
    .bind(r.platforms)
    .fetch_one(db)
    .await
}

pub async fn get<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
) -> Result<Option<AccessRequest>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.agency_id = $1 AND r.id = $2"
    )))
    .bind(agency_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The request behind a link, whatever its state (the caller decides 404 / 410).
pub async fn by_token_hash<'c>(
    db: impl Exec<'c>,
    token_hash: &str,
) -> Result<Option<AccessRequest>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.token_hash = $1"
    )))
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// Filters for the list.
#[derive(Debug, Clone, Default)]
pub struct RequestQuery {
    pub status: Option<RequestStatus>,
    pub client_id: Option<i64>,
    pub before_id: Option<i64>,
}

pub async fn list<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    q: &RequestQuery,
    now: i64,
    per_page: i64,
) -> Result<Page<AccessRequest>, sqlx::Error> {
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.agency_id = $1 AND ($3 = '' OR {STATUS_SQL} = $3)
           AND ($4 = 0 OR r.client_id = $4) AND r.id < $5
         ORDER BY r.id DESC LIMIT $6"
    )))
    .bind(agency_id)
    .bind(now)
    .bind(q.status.map_or("", RequestStatus::as_str))
    .bind(q.client_id.unwrap_or(0))
    .bind(q.before_id.unwrap_or(i64::MAX))
    .bind(per_page + 1)
    .fetch_all(db)
    .await?;
    Ok(Page::from_rows(rows, 0, per_page))
}

pub async fn mark_emailed<'c>(db: impl Exec<'c>, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE access_requests SET emailed_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Replaces the token: the old link stops working at once, and is remembered as replaced so
/// its holder is told so (and by whom to ask) rather than meeting "not found".
pub async fn replace_token(
    db: &mut sqlx::AnyConnection,
    agency_id: i64,
    id: i64,
    token_hash: &str,
    token_prefix: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "INSERT INTO replaced_links (token_hash, request_id, replaced_at)
         SELECT token_hash, id, $3 FROM access_requests
         WHERE agency_id = $1 AND id = $2 AND revoked_at IS NULL",
    )
    .bind(agency_id)
    .bind(id)
    .bind(now)
    .execute(&mut *db)
    .await?;
    let r = sqlx::query(
        "UPDATE access_requests SET token_hash = $1, token_prefix = $2
         WHERE agency_id = $3 AND id = $4 AND revoked_at IS NULL",
    )
    .bind(token_hash)
    .bind(token_prefix)
    .bind(agency_id)
    .bind(id)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn revoke<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE access_requests SET revoked_at = $1 WHERE agency_id = $2 AND id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(agency_id)
    .bind(id)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The open requests `user_id` sent (replies to them reach that person), newest first.
pub async fn open_sent_by<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    user_id: i64,
    now: i64,
) -> Result<Vec<AccessRequest>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.agency_id = $1 AND r.created_by = $3 AND r.revoked_at IS NULL
           AND r.declined_at IS NULL AND r.outcome IS NULL AND r.expires_at > $2
         ORDER BY r.id DESC"
    )))
    .bind(agency_id)
    .bind(now)
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// Hands the open requests `from` sent to `to` (a person leaving): replies and the sender
/// name on reminders go to someone still at the agency. How many.
pub async fn hand_over<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    from: i64,
    to: i64,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE access_requests SET created_by = $3
         WHERE agency_id = $1 AND created_by = $2 AND revoked_at IS NULL
           AND declined_at IS NULL AND outcome IS NULL AND expires_at > $4",
    )
    .bind(agency_id)
    .bind(from)
    .bind(to)
    .bind(now)
    .execute(db)
    .await?;
    Ok(r.rows_affected())
}

/// Takes the reminder slot atomically: at most one reminder per 24 hours per request.
pub async fn claim_reminder<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE access_requests SET last_reminder_at = $1
         WHERE agency_id = $2 AND id = $3 AND (last_reminder_at IS NULL OR last_reminder_at <= $4)",
    )
    .bind(now)
    .bind(agency_id)
    .bind(id)
    .bind(reminder::blocking_since(now))
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Requests that were e-mailed, never opened, are still live, and have waited their
/// agency's `reminder_days` without an automatic reminder.
pub async fn due_for_auto_reminder<'c>(
    db: impl Exec<'c>,
    now: i64,
    limit: i64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.id, r.agency_id FROM access_requests r JOIN agencies a ON a.id = r.agency_id
         WHERE r.emailed_at IS NOT NULL AND r.first_opened_at IS NULL AND r.revoked_at IS NULL
           AND r.declined_at IS NULL
           AND r.completed_at IS NULL AND r.expires_at > $1 AND r.auto_reminded_at IS NULL
           AND r.emailed_at + a.reminder_days * 86400 <= $1
         ORDER BY r.id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Marks the automatic reminder sent; false if another worker already did.
pub async fn claim_auto_reminder<'c>(
    db: impl Exec<'c>,
    id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE access_requests SET auto_reminded_at = $1, last_reminder_at = $1
         WHERE id = $2 AND auto_reminded_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct RequestEvent {
    pub id: i64,
    pub kind: String,
    pub detail: String,
    pub created_at: i64,
}

pub async fn add_event<'c>(
    db: impl Exec<'c>,
    request_id: i64,
    kind: crate::domain::request::RequestEvent,
    detail: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO request_events (request_id, kind, detail, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(request_id)
    .bind(kind.as_str())
    .bind(detail)
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn events<'c>(
    db: impl Exec<'c>,
    request_id: i64,
) -> Result<Vec<RequestEvent>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, detail, created_at FROM request_events WHERE request_id = $1 ORDER BY id",
    )
    .bind(request_id)
    .fetch_all(db)
    .await
}

/// Uses a link up: called in the transaction that recorded its first grant.
pub async fn mark_used<'c>(db: impl Exec<'c>, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE access_requests SET used_at = COALESCE(used_at, $1) WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Records the approval's outcome ('completed' or 'partial').
pub async fn complete<'c>(
    db: impl Exec<'c>,
    id: i64,
    outcome: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE access_requests SET completed_at = $1, outcome = $2 WHERE id = $3")
        .bind(now)
        .bind(outcome)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Marks the links that expired unanswered since the last pass, and returns them as
/// (id, agency, client): each is returned once, whichever process asks.
pub async fn claim_expired<'c>(
    db: impl Exec<'c>,
    now: i64,
) -> Result<Vec<(i64, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE access_requests SET expiry_noted_at = $1
         WHERE expiry_noted_at IS NULL AND expires_at <= $1 AND outcome IS NULL
           AND declined_at IS NULL AND revoked_at IS NULL
         RETURNING id, agency_id, client_id",
    )
    .bind(now)
    .fetch_all(db)
    .await
}
