//! Job leases: at most one holder per (job, scope) until its lease runs out. Correct on
//! SQLite and PostgreSQL with any number of processes: acquisition is one statement.

use super::Exec;

/// Takes the lease if it is free or expired (or already ours). Returns whether we hold it.
pub async fn acquire<'c>(
    db: impl Exec<'c>,
    job: &str,
    scope: &str,
    holder: &str,
    now: i64,
    until: i64,
) -> Result<bool, sqlx::Error> {
    let row: Option<String> = sqlx::query_scalar(
        "INSERT INTO job_leases (job, scope, holder, lease_until) VALUES ($1, $2, $3, $5)
         ON CONFLICT (job, scope) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
         WHERE job_leases.lease_until < $4 OR job_leases.holder = excluded.holder
         RETURNING holder",
    )
    .bind(job)
    .bind(scope)
    .bind(holder)
    .bind(now)
    .bind(until)
    .fetch_optional(db)
    .await?;
    Ok(row.as_deref() == Some(holder))
}

/// Gives the lease back early (only if we still hold it).
pub async fn release<'c>(
    db: impl Exec<'c>,
    job: &str,
    scope: &str,
    holder: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM job_leases WHERE job = $1 AND scope = $2 AND holder = $3")
        .bind(job)
        .bind(scope)
        .bind(holder)
        .execute(db)
        .await
        .map(|_| ())
}
