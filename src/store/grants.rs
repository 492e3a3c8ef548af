//! Grants: the access an agency holds on one asset, by mode and grantee, with a history.

use sqlx::FromRow;

use super::Exec;

#[derive(Debug, Clone, FromRow)]
pub struct Grant {
    pub id: i64,
    pub agency_id: i64,
    pub client_id: i64,
    pub request_id: Option<i64>,
    pub kind: String,
    pub asset_id: String,
    pub asset_name: String,
    pub owner_portfolio_id: Option<String>,
    pub mode: String,
    pub grantee: String,
    pub tasks: String,
    pub status: String,
    pub status_reason: String,
    pub approved_by_name: String,
    pub approved_by_id: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub verified_at: Option<i64>,
    pub due_at: Option<i64>,
}

const COLUMNS: &str = "id, agency_id, client_id, request_id, kind, asset_id, asset_name, owner_portfolio_id, mode, grantee, tasks, status, status_reason, approved_by_name, approved_by_id, created_at, updated_at, verified_at, due_at";

/// A grant as an approval records it.
#[derive(Debug, Clone)]
pub struct GrantRecord<'a> {
    pub agency_id: i64,
    pub client_id: i64,
    pub request_id: i64,
    pub kind: &'a str,
    pub asset_id: &'a str,
    pub asset_name: &'a str,
    pub owner_portfolio_id: Option<&'a str>,
    pub mode: &'a str,
    pub grantee: &'a str,
    pub tasks: &'a str,
    pub status: &'a str,
    pub status_reason: &'a str,
    pub approved_by_name: &'a str,
    pub approved_by_id: &'a str,
    /// Set when Meta's read-back confirmed it.
    pub verified: bool,
}

/// Inserts or updates the one row for (agency, asset, mode, grantee), and appends a
/// history row when the status changed. Returns the grant id.
pub async fn upsert(
    conn: &mut sqlx::AnyConnection,
    g: &GrantRecord<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let previous: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, status FROM grants WHERE agency_id = $1 AND asset_id = $2 AND mode = $3 AND grantee = $4",
    )
    .bind(g.agency_id)
    .bind(g.asset_id)
    .bind(g.mode)
    .bind(g.grantee)
    .fetch_optional(&mut *conn)
    .await?;
    let verified_at = g.verified.then_some(now);
    let id = match &previous {
        Some((id, _)) => {
            sqlx::query(
                "UPDATE grants SET status = $1, status_reason = $2, tasks = $3, asset_name = $4, request_id = $5,
                        approved_by_name = $6, approved_by_id = $7, updated_at = $8,
                        verified_at = COALESCE($9, verified_at), due_at = NULL
                 WHERE id = $10",
            )
            .bind(g.status)
            .bind(g.status_reason)
            .bind(g.tasks)
            .bind(g.asset_name)
            .bind(g.request_id)
            .bind(g.approved_by_name)
            .bind(g.approved_by_id)
            .bind(now)
            .bind(verified_at)
            .bind(id)
            .execute(&mut *conn)
            .await?;
            *id
        }
        None => {
            sqlx::query_scalar(
                "INSERT INTO grants (agency_id, client_id, request_id, kind, asset_id, asset_name, owner_portfolio_id,
                     mode, grantee, tasks, status, status_reason, approved_by_name, approved_by_id, created_at, updated_at, verified_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16)
                 RETURNING id",
            )
            .bind(g.agency_id)
            .bind(g.client_id)
            .bind(g.request_id)
            .bind(g.kind)
            .bind(g.asset_id)
            .bind(g.asset_name)
            .bind(g.owner_portfolio_id)
            .bind(g.mode)
            .bind(g.grantee)
            .bind(g.tasks)
            .bind(g.status)
            .bind(g.status_reason)
            .bind(g.approved_by_name)
            .bind(g.approved_by_id)
            .bind(now)
            .bind(verified_at)
            .fetch_one(&mut *conn)
            .await?
        }
    };
    if previous.as_ref().is_none_or(|(_, s)| s != g.status) {
        sqlx::query("INSERT INTO grant_events (grant_id, status, detail, created_at) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(g.status)
            .bind(g.status_reason)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

pub async fn for_request<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    request_id: i64,
) -> Result<Vec<Grant>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM grants WHERE agency_id = $1 AND request_id = $2 ORDER BY kind, asset_name, id"
    )))
    .bind(agency_id)
    .bind(request_id)
    .fetch_all(db)
    .await
}

pub async fn for_client<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    client_id: i64,
) -> Result<Vec<Grant>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM grants WHERE agency_id = $1 AND client_id = $2 ORDER BY kind, asset_name, id"
    )))
    .bind(agency_id)
    .bind(client_id)
    .fetch_all(db)
    .await
}

/// Active or pending partner grants of the agency on these assets (for "already shared").
pub async fn partner_assets<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT asset_id FROM grants WHERE agency_id = $1 AND mode = 'partner' AND status IN ('active', 'pending')")
        .bind(agency_id)
        .fetch_all(db)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct GrantEvent {
    pub grant_id: i64,
    pub status: String,
    pub detail: String,
    pub created_at: i64,
}

pub async fn events<'c>(db: impl Exec<'c>, grant_id: i64) -> Result<Vec<GrantEvent>, sqlx::Error> {
    sqlx::query_as("SELECT grant_id, status, detail, created_at FROM grant_events WHERE grant_id = $1 ORDER BY id")
        .bind(grant_id)
        .fetch_all(db)
        .await
}
