//! Staff users.

use sqlx::FromRow;

use super::Exec;
use crate::domain::Role;

#[derive(Debug, Clone, FromRow)]
pub struct User {
    pub id: i64,
    pub agency_id: i64,
    pub email: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub created_at: i64,
}

/// What login needs: the hash to verify against.
#[derive(Debug, Clone, FromRow)]
pub struct Credentials {
    pub id: i64,
    pub agency_id: i64,
    pub password_hash: String,
}

pub async fn insert<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    email: &str,
    name: &str,
    password_hash: &str,
    role: Role,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (agency_id, email, name, password_hash, role, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(agency_id)
    .bind(email)
    .bind(name)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn credentials_by_email<'c>(
    db: impl Exec<'c>,
    email: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    sqlx::query_as("SELECT id, agency_id, password_hash FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(db)
        .await
}

pub async fn password_hash<'c>(db: impl Exec<'c>, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn by_email<'c>(db: impl Exec<'c>, email: &str) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, agency_id, email, name, role, created_at FROM users WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(db)
    .await
}

pub async fn get<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, agency_id, email, name, role, created_at FROM users
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn list<'c>(db: impl Exec<'c>, agency_id: i64) -> Result<Vec<User>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, agency_id, email, name, role, created_at FROM users
         WHERE agency_id = $1 ORDER BY name, id",
    )
    .bind(agency_id)
    .fetch_all(db)
    .await
}

pub async fn count_owners<'c>(db: impl Exec<'c>, agency_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE agency_id = $1 AND role = 'owner'")
        .bind(agency_id)
        .fetch_one(db)
        .await
}

pub async fn set_password<'c>(db: impl Exec<'c>, id: i64, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn set_role<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
    role: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET role = $1 WHERE agency_id = $2 AND id = $3")
        .bind(role)
        .bind(agency_id)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Deletes a user; their sessions and open reset tokens go with them (ON DELETE CASCADE).
pub async fn delete<'c>(db: impl Exec<'c>, agency_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("DELETE FROM users WHERE agency_id = $1 AND id = $2")
        .bind(agency_id)
        .bind(id)
        .execute(db)
        .await?;
    Ok(r.rows_affected() == 1)
}
