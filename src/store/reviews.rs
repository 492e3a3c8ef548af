//! Access reviews: who confirmed the agency's access list, and when.

use sqlx::FromRow;

use super::Exec;

#[derive(Debug, Clone, FromRow)]
pub struct Review {
    pub id: i64,
    pub confirmed_by_name: String,
    pub confirmed_by_email: String,
    pub people: i64,
    pub assets: i64,
    pub confirmed_at: i64,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    by_name: &str,
    by_email: &str,
    people: i64,
    assets: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO access_reviews (agency_id, confirmed_by_name, confirmed_by_email, people, assets, confirmed_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(agency_id)
    .bind(by_name)
    .bind(by_email)
    .bind(people)
    .bind(assets)
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

/// The agency's reviews, newest first (at most `limit`).
pub async fn recent<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    limit: i64,
) -> Result<Vec<Review>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, confirmed_by_name, confirmed_by_email, people, assets, confirmed_at
         FROM access_reviews WHERE agency_id = $1 ORDER BY confirmed_at DESC, id DESC LIMIT $2",
    )
    .bind(agency_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The review schedule: every N days (None: not required), and when the last reminder went.
pub async fn schedule<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
) -> Result<(Option<i64>, Option<i64>), sqlx::Error> {
    sqlx::query_as("SELECT review_every_days, review_reminded_at FROM agencies WHERE id = $1")
        .bind(agency_id)
        .fetch_one(db)
        .await
}

pub async fn set_every<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    days: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE agencies SET review_every_days = $2 WHERE id = $1")
        .bind(agency_id)
        .bind(days)
        .execute(db)
        .await
        .map(|_| ())
}

/// Agencies that require reviews: (id, every N days, last review, last reminder).
pub async fn scheduled<'c>(
    db: impl Exec<'c>,
) -> Result<Vec<(i64, i64, Option<i64>, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, a.review_every_days,
                (SELECT MAX(r.confirmed_at) FROM access_reviews r WHERE r.agency_id = a.id),
                a.review_reminded_at
         FROM agencies a WHERE a.review_every_days IS NOT NULL ORDER BY a.id",
    )
    .fetch_all(db)
    .await
}

/// Takes the reminder for a due review: true once per due period (since `since`).
pub async fn claim_reminder<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    since: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE agencies SET review_reminded_at = $3
         WHERE id = $1 AND (review_reminded_at IS NULL OR review_reminded_at < $2)",
    )
    .bind(agency_id)
    .bind(since)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
