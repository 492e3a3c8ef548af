//! Agencies: the tenants.

use sqlx::FromRow;

use super::Exec;

#[derive(Debug, Clone, FromRow)]
pub struct Agency {
    pub id: i64,
    pub name: String,
    pub portfolio_id: Option<String>,
    pub accent_color: String,
    pub reminder_days: i64,
    pub created_at: i64,
}

pub async fn any_exists<'c>(db: impl Exec<'c>) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agencies")
        .fetch_one(db)
        .await?;
    Ok(n > 0)
}

pub async fn insert<'c>(
    db: impl Exec<'c>,
    name: &str,
    portfolio_id: Option<&str>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO agencies (name, portfolio_id, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(portfolio_id)
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn get<'c>(db: impl Exec<'c>, id: i64) -> Result<Option<Agency>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, portfolio_id, accent_color, reminder_days, created_at
         FROM agencies WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn update_settings<'c>(
    db: impl Exec<'c>,
    id: i64,
    name: &str,
    portfolio_id: Option<&str>,
    accent_color: &str,
    reminder_days: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE agencies SET name = $1, portfolio_id = $2, accent_color = $3, reminder_days = $4
         WHERE id = $5",
    )
    .bind(name)
    .bind(portfolio_id)
    .bind(accent_color)
    .bind(reminder_days)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}
