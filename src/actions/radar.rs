//! The managed-accounts radar as staff read it: counts, a page of flagged or lapsed
//! grants, a client's migration report, and the rows for the CSV.

use super::Ctx;
use crate::domain::GrantStatus;
use crate::error::{AppError, AppResult};
use crate::store::Page;
use crate::store::grants::Grant;
use crate::store::radar::{self, RadarRow};
// The read models this module returns, for the web layer to name.
pub use crate::store::radar::{RadarCounts, RadarSort};
use crate::store::{agencies, clients, reauth};

/// Grants per page on the radar.
pub const RADAR_PAGE: i64 = 50;

/// The managed-accounts radar: counts, and one page of flagged (or lapsed) grants.
pub struct Radar {
    pub counts: RadarCounts,
    pub status: GrantStatus,
    pub rows: Page<RadarRow>,
}

#[tracing::instrument(skip_all, fields(agency = agency_id))]
pub async fn radar(
    ctx: &Ctx,
    agency_id: i64,
    lapsed: bool,
    sort: RadarSort,
    page: i64,
) -> AppResult<Radar> {
    let status = if lapsed {
        GrantStatus::Lapsed
    } else {
        GrantStatus::NeedsReauth
    };
    let db = &ctx.db.pool;
    let page = page.clamp(1, 100_000);
    let (counts, rows) = tokio::try_join!(
        radar::counts(db, agency_id, ctx.clock.now()),
        radar::page(db, agency_id, status, sort, page, RADAR_PAGE),
    )?;
    Ok(Radar {
        counts,
        status,
        rows,
    })
}

/// What a client's printable migration report shows.
pub struct Report {
    pub client: clients::Client,
    pub agency: agencies::Agency,
    pub record: Option<clients::MigrationRow>,
    /// Flagged and lapsed grants, soonest deadline first.
    pub at_risk: Vec<Grant>,
}

pub async fn report(ctx: &Ctx, agency_id: i64, client_id: i64) -> AppResult<Report> {
    let db = &ctx.db.pool;
    let client = clients::get(db, agency_id, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = agencies::get(db, agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (record, at_risk) = tokio::try_join!(
        clients::migration(db, agency_id, client_id),
        reauth::needing_reauth(db, agency_id, Some(client_id), true),
    )?;
    Ok(Report {
        client,
        agency,
        record,
        at_risk,
    })
}

/// Every flagged and lapsed grant, for the radar's CSV.
pub async fn radar_rows(ctx: &Ctx, agency_id: i64) -> AppResult<Vec<(GrantStatus, RadarRow)>> {
    let db = &ctx.db.pool;
    let (flagged, lapsed) = tokio::try_join!(
        radar::all(db, agency_id, GrantStatus::NeedsReauth),
        radar::all(db, agency_id, GrantStatus::Lapsed),
    )?;
    Ok(flagged
        .into_iter()
        .map(|r| (GrantStatus::NeedsReauth, r))
        .chain(lapsed.into_iter().map(|r| (GrantStatus::Lapsed, r)))
        .collect())
}
