//! Grants: the access an agency holds on one asset, by mode and grantee, with a history.

use sqlx::FromRow;

use super::Exec;
use crate::domain::access::{AssetKind, GrantMode};
use crate::domain::{GrantStatus, Platform};

#[derive(Debug, Clone, FromRow)]
pub struct Grant {
    pub id: i64,
    pub agency_id: i64,
    pub client_id: i64,
    pub request_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub platform: Platform,
    #[sqlx(try_from = "String")]
    pub kind: AssetKind,
    pub asset_id: String,
    pub asset_name: String,
    pub owner_portfolio_id: Option<String>,
    #[sqlx(try_from = "String")]
    pub mode: GrantMode,
    pub grantee: String,
    pub tasks: String,
    #[sqlx(try_from = "String")]
    pub status: GrantStatus,
    pub status_reason: String,
    pub approved_by_name: String,
    pub approved_by_id: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub verified_at: Option<i64>,
    pub due_at: Option<i64>,
    /// Partner grants: who at the agency Meta shows assigned to the asset.
    pub usable_by: String,
    /// The platform's name for the grant itself (a GA4 access binding); empty for Meta.
    pub platform_ref: String,
}

pub(super) const COLUMNS: &str = "id, agency_id, client_id, request_id, platform, kind, asset_id, asset_name, owner_portfolio_id, mode, grantee, tasks, status, status_reason, approved_by_name, approved_by_id, created_at, updated_at, verified_at, due_at, usable_by, platform_ref";

/// A grant as an approval records it.
#[derive(Debug, Clone)]
pub struct GrantRecord<'a> {
    pub agency_id: i64,
    pub client_id: i64,
    /// None for a grant recorded by hand.
    pub request_id: Option<i64>,
    pub kind: AssetKind,
    pub asset_id: &'a str,
    pub asset_name: &'a str,
    pub owner_portfolio_id: Option<&'a str>,
    pub mode: GrantMode,
    pub grantee: &'a str,
    pub tasks: &'a str,
    pub status: GrantStatus,
    pub status_reason: &'a str,
    pub approved_by_name: &'a str,
    pub approved_by_id: &'a str,
    /// Set when the platform's read-back confirmed it.
    pub verified: bool,
    /// The platform's name for the grant (empty: none, or keep the one recorded).
    pub platform_ref: &'a str,
    /// Found on the asset rather than made by this approval: an existing row keeps its
    /// status (a flagged grant stays flagged) and only gets `verified_at` refreshed.
    pub existing: bool,
}

/// Appends one history row per grant: the one place that writes `grant_events`.
pub(super) async fn add_events(
    conn: &mut sqlx::AnyConnection,
    ids: &[i64],
    status: &str,
    detail: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    for id in ids {
        sqlx::query("INSERT INTO grant_events (grant_id, status, detail, created_at) VALUES ($1, $2, $3, $4)")
            .bind(*id)
            .bind(status)
            .bind(detail)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Who already holds the row for (agency, asset, mode, grantee): its client and the
/// request that approved it (None when it was recorded by hand).
pub async fn holder(
    conn: &mut sqlx::AnyConnection,
    agency_id: i64,
    asset_id: &str,
    mode: &str,
    grantee: &str,
) -> Result<Option<(i64, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT client_id, request_id FROM grants WHERE agency_id = $1 AND asset_id = $2 AND mode = $3 AND grantee = $4",
    )
    .bind(agency_id)
    .bind(asset_id)
    .bind(mode)
    .bind(grantee)
    .fetch_optional(&mut *conn)
    .await
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
    .bind(g.mode.as_str())
    .bind(g.grantee)
    .fetch_optional(&mut *conn)
    .await?;
    let verified_at = g.verified.then_some(now);
    // A user-based grant flagged for the client's migration stays flagged, with its
    // deadline, whatever a new user-mode approval says: the person's access still ends at
    // the organisation's deadline. Found again after it lapsed, it is flagged once more.
    let flagged = previous.as_ref().is_some_and(|(_, s)| {
        g.mode == GrantMode::User
            && matches!(
                GrantStatus::parse(s),
                Some(GrantStatus::NeedsReauth | GrantStatus::Lapsed)
            )
    });
    if let (true, Some((id, status))) = (g.existing, &previous) {
        let found_again = flagged && status == GrantStatus::Lapsed.as_str();
        refresh_found(conn, *id, verified_at, found_again, now).await?;
        return Ok(*id);
    }
    let (status, reason) = if flagged {
        (
            GrantStatus::NeedsReauth,
            "Re-approved through a personal account: still ends at the organisation's deadline.",
        )
    } else {
        (g.status, g.status_reason)
    };
    let id = match &previous {
        Some((id, _)) => {
            update(conn, *id, g, (status, reason), flagged, verified_at, now).await?;
            *id
        }
        None => insert(conn, g, verified_at, now).await?,
    };
    if previous
        .as_ref()
        .is_none_or(|(_, s)| s != g.status.as_str())
    {
        add_events(conn, &[id], g.status.as_str(), g.status_reason, now).await?;
    }
    Ok(id)
}

/// Refreshes a grant found on the asset rather than made: its read-back time, and a
/// lapsed flagged grant found again is flagged once more.
async fn refresh_found(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    verified_at: Option<i64>,
    found_again: bool,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE grants SET verified_at = COALESCE($1, verified_at),
                status = CASE WHEN $2 = 1 THEN 'needs_reauth' ELSE status END
         WHERE id = $3",
    )
    .bind(verified_at)
    .bind(i64::from(found_again))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if found_again {
        let why = "Access found again after the deadline";
        add_events(conn, &[id], "needs_reauth", why, now).await?;
    }
    Ok(())
}

/// Rewrites an existing grant from a new approval (a flagged one keeps its deadline).
async fn update(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    g: &GrantRecord<'_>,
    (status, reason): (GrantStatus, &str),
    flagged: bool,
    verified_at: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE grants SET status = $1, status_reason = $2, tasks = $3, asset_name = $4, request_id = $5,
                approved_by_name = $6, approved_by_id = $7, updated_at = $8,
                verified_at = COALESCE($9, verified_at),
                due_at = CASE WHEN $11 = 1 THEN due_at ELSE NULL END,
                platform_ref = CASE WHEN $12 = '' THEN platform_ref ELSE $12 END
         WHERE id = $10",
    )
    .bind(status.as_str())
    .bind(reason)
    .bind(g.tasks)
    .bind(g.asset_name)
    .bind(g.request_id)
    .bind(g.approved_by_name)
    .bind(g.approved_by_id)
    .bind(now)
    .bind(verified_at)
    .bind(id)
    .bind(i64::from(flagged))
    .bind(g.platform_ref)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A new grant row.
async fn insert(
    conn: &mut sqlx::AnyConnection,
    g: &GrantRecord<'_>,
    verified_at: Option<i64>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO grants (agency_id, client_id, request_id, kind, asset_id, asset_name, owner_portfolio_id,
             mode, grantee, tasks, status, status_reason, approved_by_name, approved_by_id, created_at, updated_at, verified_at,
             platform, platform_ref)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16, $17, $18)
         RETURNING id",
    )
    .bind(g.agency_id)
    .bind(g.client_id)
    .bind(g.request_id)
    .bind(g.kind.as_str())
    .bind(g.asset_id)
    .bind(g.asset_name)
    .bind(g.owner_portfolio_id)
    .bind(g.mode.as_str())
    .bind(g.grantee)
    .bind(g.tasks)
    .bind(g.status.as_str())
    .bind(g.status_reason)
    .bind(g.approved_by_name)
    .bind(g.approved_by_id)
    .bind(now)
    .bind(verified_at)
    .bind(g.kind.platform().as_str())
    .bind(g.platform_ref)
    .fetch_one(&mut *conn)
    .await
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

/// The agency's live partner grants, one per asset (the assets its people may be
/// assigned to inside its portfolio).
pub async fn live_partner<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
) -> Result<Vec<Grant>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM grants WHERE id IN (
             SELECT MIN(id) FROM grants
             WHERE agency_id = $1 AND mode = 'partner' AND status IN ('active', 'pending', 'needs_reauth')
             GROUP BY asset_id)
         ORDER BY kind, asset_name, id"
    )))
    .bind(agency_id)
    .fetch_all(db)
    .await
}

/// Whether the agency holds live partner grants from `owner` (a client's Meta business)
/// recorded under another of its clients: ending the relationship with that business at
/// Meta would take those too.
pub async fn owner_shared_elsewhere<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    client_id: i64,
    owner: &str,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM grants WHERE agency_id = $1 AND client_id <> $2 AND owner_portfolio_id = $3 AND mode = 'partner' AND status IN ('active', 'pending', 'needs_reauth')",
    )
    .bind(agency_id)
    .bind(client_id)
    .bind(owner)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
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

/// Records who at the agency can use a partner grant's asset.
pub async fn set_usable_by<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    asset_id: &str,
    portfolio: &str,
    names: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE grants SET usable_by = $1
         WHERE agency_id = $2 AND asset_id = $3 AND mode = 'partner' AND grantee = $4",
    )
    .bind(names)
    .bind(agency_id)
    .bind(asset_id)
    .bind(portfolio)
    .execute(db)
    .await
    .map(|_| ())
}

/// Partner grants that verification reconciles (everything not ended by the agency).
pub async fn partner_grants<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
) -> Result<Vec<Grant>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM grants WHERE agency_id = $1 AND mode = 'partner' AND status IN ('active', 'pending', 'lost') ORDER BY id"
    )))
    .bind(agency_id)
    .fetch_all(db)
    .await
}

/// Sets a grant's status after a check, with a history row when it changed.
pub async fn set_status(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    status: GrantStatus,
    reason: &str,
    verified: bool,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let status = status.as_str();
    let old: String = sqlx::query_scalar("SELECT status FROM grants WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE grants SET status = $1, status_reason = $2, updated_at = $3, verified_at = CASE WHEN $4 = 1 THEN $3 ELSE verified_at END WHERE id = $5",
    )
    .bind(status)
    .bind(reason)
    .bind(now)
    .bind(i64::from(verified))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let changed = old != status;
    if changed {
        add_events(conn, &[id], status, reason, now).await?;
    }
    Ok(changed)
}

/// The latest history rows of a client's grants: (asset name, status, detail, when).
pub async fn client_history<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    client_id: i64,
    limit: i64,
) -> Result<Vec<(String, String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT g.asset_name, e.status, e.detail, e.created_at FROM grant_events e JOIN grants g ON g.id = e.grant_id
         WHERE g.agency_id = $1 AND g.client_id = $2 ORDER BY e.id DESC LIMIT $3",
    )
    .bind(agency_id)
    .bind(client_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// One of the agency's grants.
pub async fn get<'c>(
    db: impl Exec<'c>,
    agency_id: i64,
    id: i64,
) -> Result<Option<Grant>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM grants WHERE agency_id = $1 AND id = $2"
    )))
    .bind(agency_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The platforms on which a request's approvals shared something (active or waiting): a
/// link for several platforms is used up once each of them has.
pub async fn platforms_shared<'c>(
    db: impl Exec<'c>,
    request_id: i64,
) -> Result<Vec<Platform>, sqlx::Error> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT platform FROM grants WHERE request_id = $1 AND status IN ($2, $3)",
    )
    .bind(request_id)
    .bind(GrantStatus::Active.as_str())
    .bind(GrantStatus::Pending.as_str())
    .fetch_all(db)
    .await?;
    Ok(rows.iter().filter_map(|p| Platform::parse(p)).collect())
}
