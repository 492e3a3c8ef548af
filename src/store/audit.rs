//! The audit log: who did what, when, from where. Never secrets.

use sqlx::FromRow;

use super::{Exec, Page};

#[derive(Debug, Clone, FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub ip: String,
    pub created_at: i64,
}

/// One event to record.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub agency_id: Option<i64>,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub ip: &'a str,
    pub at: i64,
}

pub async fn record<'c>(db: impl Exec<'c>, e: Event<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (agency_id, actor, action, target, ip, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(e.agency_id)
    .bind(e.actor)
    .bind(e.action)
    .bind(e.target)
    .bind(e.ip)
    .bind(e.at)
    .execute(db)
    .await
    .map(|_| ())
}

/// Filters for the audit log page and its CSV export.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Part of the actor, case-insensitive.
    pub actor: String,
    /// Start of the action, e.g. `login.` or `client.migration_set`.
    pub action: String,
    /// Part of the target (client names appear there).
    pub target: String,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

fn like(s: &str) -> String {
    let escaped = s
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

const FILTERS: &str = "agency_id = $1 AND ($2 = '' OR lower(actor) LIKE $2 ESCAPE '\\')
    AND ($3 = '' OR action LIKE $3 ESCAPE '\\') AND ($4 = '' OR lower(target) LIKE $4 ESCAPE '\\')
    AND created_at >= $5 AND created_at <= $6";

fn binds(q: &AuditQuery) -> (String, String, String, i64, i64) {
    let action = if q.action.is_empty() {
        String::new()
    } else {
        let escaped = q
            .action
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("{escaped}%")
    };
    (
        if q.actor.is_empty() {
            String::new()
        } else {
            like(&q.actor)
        },
        action,
        if q.target.is_empty() {
            String::new()
        } else {
            like(&q.target)
        },
        q.from.unwrap_or(i64::MIN),
        q.to.unwrap_or(i64::MAX),
    )
}

/// Newest first, `per_page` at a time, before the given id (keyset pagination).
pub async fn list<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    q: &AuditQuery,
    before_id: Option<i64>,
    per_page: i64,
) -> Result<Page<AuditEntry>, sqlx::Error> {
    let (a, b, c, d, e) = binds(q);
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, actor, action, target, ip, created_at FROM audit_log
         WHERE {FILTERS} AND id < $7 ORDER BY id DESC LIMIT $8"
    )))
    .bind(agency_id)
    .bind(a)
    .bind(b)
    .bind(c)
    .bind(d)
    .bind(e)
    .bind(before_id.unwrap_or(i64::MAX))
    .bind(per_page + 1)
    .fetch_all(db)
    .await?;
    Ok(Page::from_rows(rows, 0, per_page))
}

/// Every matching entry, newest first, for the CSV export.
pub async fn all<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    q: &AuditQuery,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let (a, b, c, d, e) = binds(q);
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, actor, action, target, ip, created_at FROM audit_log WHERE {FILTERS} ORDER BY id DESC LIMIT 100000"
    )))
    .bind(agency_id)
    .bind(a)
    .bind(b)
    .bind(c)
    .bind(d)
    .bind(e)
    .fetch_all(db)
    .await
}
