//! Request templates: an agency's saved choices for the requests it sends most.

use sqlx::FromRow;

use super::Exec;
use crate::domain::access::GrantMode;

#[derive(Debug, Clone, FromRow)]
pub struct RequestTemplate {
    pub id: i64,
    pub agency_id: i64,
    pub name: String,
    /// As `Ask::encode` writes it.
    pub asks: String,
    #[sqlx(try_from = "String")]
    pub mode: GrantMode,
    pub expiry_days: i64,
    pub single_use: i64,
    pub message: String,
    pub language: Option<String>,
    pub created_at: i64,
}

/// A template, once valid.
pub struct NewTemplate<'a> {
    pub agency_id: i64,
    pub name: &'a str,
    pub asks: &'a str,
    pub mode: GrantMode,
    pub expiry_days: i64,
    pub single_use: bool,
    pub message: &'a str,
    pub language: Option<&'a str>,
    pub created_by: Option<i64>,
}

const COLUMNS: &str =
    "id, agency_id, name, asks, mode, expiry_days, single_use, message, language, created_at";

/// Saves a template; a name the agency already uses is a unique violation.
pub async fn insert<'c>(
    db: impl Exec<'c>,
    t: &NewTemplate<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO request_templates (agency_id, name, asks, mode, expiry_days, single_use,
             message, language, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(t.agency_id)
    .bind(t.name)
    .bind(t.asks)
    .bind(t.mode.as_str())
    .bind(t.expiry_days)
    .bind(i64::from(t.single_use))
    .bind(t.message)
    .bind(t.language)
    .bind(t.created_by)
    .bind(now)
    .fetch_one(db)
    .await
}

/// The agency's templates, by name.
pub async fn list<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
) -> Result<Vec<RequestTemplate>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM request_templates WHERE agency_id = $1 ORDER BY name"
    )))
    .bind(agency_id)
    .fetch_all(db)
    .await
}

pub async fn get<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
) -> Result<Option<RequestTemplate>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM request_templates WHERE agency_id = $1 AND id = $2"
    )))
    .bind(agency_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Deletes one; false when the agency has no such template.
pub async fn delete<'c>(db: impl Exec<'c>, agency_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM request_templates WHERE agency_id = $1 AND id = $2")
        .bind(agency_id)
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}
