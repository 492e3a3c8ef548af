//! What clients said about their organisation's move to managed Meta accounts. Shown to
//! staff beside the agency's own migration record, which only staff change.

use sqlx::FromRow;

use super::Exec;
use crate::domain::migration::MigrationStatus;

#[derive(Debug, Clone, FromRow)]
pub struct Statement {
    pub id: i64,
    pub request_id: i64,
    pub person_id: String,
    pub person_name: String,
    #[sqlx(try_from = "String")]
    pub status: MigrationStatus,
    pub day: Option<i64>,
    pub created_at: i64,
}

/// A new statement.
#[derive(Debug, Clone)]
pub struct NewStatement<'a> {
    pub agency_id: i64,
    pub client_id: i64,
    pub request_id: i64,
    pub person_id: &'a str,
    pub person_name: &'a str,
    pub status: MigrationStatus,
    pub day: Option<i64>,
}

const SELECT: &str = "SELECT id, request_id, person_id, person_name, status, day, created_at
     FROM client_statements";

pub async fn insert<'c>(
    db: impl Exec<'c>,
    s: &NewStatement<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO client_statements (agency_id, client_id, request_id, person_id, person_name, status, day, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(s.agency_id)
    .bind(s.client_id)
    .bind(s.request_id)
    .bind(s.person_id)
    .bind(s.person_name)
    .bind(s.status.as_str())
    .bind(s.day)
    .bind(now)
    .fetch_one(db)
    .await
}

/// The client's most recent statement.
pub async fn latest<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    client_id: i64,
) -> Result<Option<Statement>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE agency_id = $1 AND client_id = $2 ORDER BY id DESC LIMIT 1"
    )))
    .bind(agency_id)
    .bind(client_id)
    .fetch_optional(db)
    .await
}

/// The latest statement made through one request (the done page shows it back).
pub async fn latest_for_request<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    request_id: i64,
) -> Result<Option<Statement>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE agency_id = $1 AND request_id = $2 ORDER BY id DESC LIMIT 1"
    )))
    .bind(agency_id)
    .bind(request_id)
    .fetch_optional(db)
    .await
}
