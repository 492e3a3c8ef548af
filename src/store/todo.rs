//! What needs the agency's attention, counted for the dashboard: a handful of indexed
//! counts and the trigger-kept grant counts, never a scan of every grant.

use super::Exec;
use super::radar;
use crate::domain::GrantStatus;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Todo {
    /// Requests sent and still open (not approved, declined, revoked or expired).
    pub waiting: i64,
    /// When the oldest of them was created.
    pub oldest_waiting: Option<i64>,
    /// Approvals that shared only part of what was chosen.
    pub partial: i64,
    /// Requests clients declined in the last 30 days.
    pub declined: i64,
    pub failed_grants: i64,
    /// Shared by clients, waiting for the agency to accept them at Meta (Instagram).
    pub pending_grants: i64,
    pub lost_grants: i64,
    pub flagged: i64,
    pub due_within_week: i64,
    pub lapsed: i64,
}

pub async fn todo<'c, E>(db: E, agency_id: i64, now: i64) -> Result<Todo, sqlx::Error>
where
    E: Exec<'c> + Copy,
{
    let (waiting, oldest_waiting): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), CAST(MIN(created_at) AS BIGINT) FROM access_requests
         WHERE agency_id = $1 AND revoked_at IS NULL AND declined_at IS NULL
           AND outcome IS NULL AND expires_at > $2",
    )
    .bind(agency_id)
    .bind(now)
    .fetch_one(db)
    .await?;
    let partial: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM access_requests
         WHERE agency_id = $1 AND revoked_at IS NULL AND outcome = 'partial'",
    )
    .bind(agency_id)
    .fetch_one(db)
    .await?;
    let declined: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM access_requests WHERE agency_id = $1 AND declined_at > $2",
    )
    .bind(agency_id)
    .bind(now - 30 * 86_400)
    .fetch_one(db)
    .await?;
    let count = |status: GrantStatus| {
        sqlx::query_scalar::<_, i64>(
            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM grant_counts WHERE agency_id = $1 AND status = $2",
        )
        .bind(agency_id)
        .bind(status.as_str())
        .fetch_one(db)
    };
    let failed_grants = count(GrantStatus::Failed).await?;
    let lost_grants = count(GrantStatus::Lost).await?;
    let pending_grants = count(GrantStatus::Pending).await?;
    let r = radar::counts(db, agency_id, now).await?;
    Ok(Todo {
        waiting,
        oldest_waiting: (waiting > 0).then_some(oldest_waiting).flatten(),
        partial,
        declined,
        failed_grants,
        pending_grants,
        lost_grants,
        flagged: r.flagged,
        due_within_week: r.due_within_week,
        lapsed: r.lapsed,
    })
}
