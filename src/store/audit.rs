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

/// Newest first, `per_page` at a time, before the given id (keyset pagination).
pub async fn list<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    before_id: Option<i64>,
    per_page: i64,
) -> Result<Page<AuditEntry>, sqlx::Error> {
    let rows = sqlx::query_as(
        "SELECT id, actor, action, target, ip, created_at FROM audit_log
         WHERE agency_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(agency_id)
    .bind(before_id.unwrap_or(i64::MAX))
    .bind(per_page + 1)
    .fetch_all(db)
    .await?;
    Ok(Page::from_rows(rows, 0, per_page))
}
