//! The managed-accounts radar: flagged and lapsed user-based grants of every client, due
//! date first, a page at a time, with the counts staff act on. Counts come from the
//! trigger-kept `grant_counts` and one index range, never from scanning every grant.

use sqlx::FromRow;

use super::{Exec, Page};
use crate::domain::access::AssetKind;
use crate::domain::{GrantStatus, Platform};

#[derive(Debug, Clone, FromRow)]
pub struct RadarRow {
    pub id: i64,
    pub client_id: i64,
    pub client_name: String,
    pub asset_name: String,
    #[sqlx(try_from = "String")]
    pub platform: Platform,
    #[sqlx(try_from = "String")]
    pub kind: AssetKind,
    pub grantee: String,
    pub due_at: Option<i64>,
    /// 1 when the client's organisation deadline is known (else the due date is an estimate).
    pub deadline_known: i64,
}

/// The counts at the top of the radar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RadarCounts {
    pub flagged: i64,
    pub due_within_week: i64,
    pub due_within_month: i64,
    pub lapsed: i64,
}

/// How the radar is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RadarSort {
    /// Soonest deadline first.
    #[default]
    Due,
    Client,
    Asset,
}

impl RadarSort {
    pub fn parse(s: &str) -> Self {
        match s {
            "client" => Self::Client,
            "asset" => Self::Asset,
            _ => Self::Due,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Due => "due",
            Self::Client => "client",
            Self::Asset => "asset",
        }
    }

    fn order_by(self) -> &'static str {
        match self {
            Self::Due => "g.due_at, g.id",
            Self::Client => "c.name, g.due_at, g.id",
            Self::Asset => "g.asset_name, g.id",
        }
    }
}

const ROW: &str =
    "SELECT g.id, g.client_id, c.name AS client_name, g.asset_name, g.platform, g.kind, g.grantee, g.due_at,
                CASE WHEN c.people_deadline IS NULL THEN 0 ELSE 1 END AS deadline_known
         FROM grants g JOIN clients c ON c.id = g.client_id AND c.agency_id = g.agency_id";

/// One page of grants in `status` (flagged or lapsed), in `sort` order.
pub async fn page<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    status: GrantStatus,
    sort: RadarSort,
    page: i64,
    per_page: i64,
) -> Result<Page<RadarRow>, sqlx::Error> {
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ROW} WHERE g.agency_id = $1 AND g.status = $2 ORDER BY {} LIMIT $3 OFFSET $4",
        sort.order_by()
    )))
    .bind(agency_id)
    .bind(status.as_str())
    .bind(per_page + 1)
    .bind((page - 1) * per_page)
    .fetch_all(db)
    .await?;
    Ok(Page::from_rows(rows, page, per_page))
}

/// Every grant in `status`, for the CSV, soonest deadline first.
pub async fn all<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    status: GrantStatus,
) -> Result<Vec<RadarRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ROW} WHERE g.agency_id = $1 AND g.status = $2 ORDER BY g.due_at, g.id"
    )))
    .bind(agency_id)
    .bind(status.as_str())
    .fetch_all(db)
    .await
}

pub async fn counts<'c, E>(db: E, agency_id: i64, now: i64) -> Result<RadarCounts, sqlx::Error>
where
    E: Exec<'c> + Copy,
{
    let by_status = |status: GrantStatus| {
        sqlx::query_scalar::<_, i64>(
            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM grant_counts WHERE agency_id = $1 AND status = $2",
        )
        .bind(agency_id)
        .bind(status.as_str())
        .fetch_one(db)
    };
    let flagged = by_status(GrantStatus::NeedsReauth).await?;
    let lapsed = by_status(GrantStatus::Lapsed).await?;
    let due_within = |days: i64| {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM grants WHERE agency_id = $1 AND status = 'needs_reauth' AND due_at <= $2",
        )
        .bind(agency_id)
        .bind(now + days * 86_400)
        .fetch_one(db)
    };
    let due_within_week = due_within(7).await?;
    let due_within_month = due_within(30).await?;
    Ok(RadarCounts {
        flagged,
        due_within_week,
        due_within_month,
        lapsed,
    })
}
