//! The dashboard's read: the agency, its to-do list, its Meta connection and the Graph API
//! version's end, in one call, and where a first visit goes.

use super::Ctx;
use crate::error::AppResult;
use crate::store::{agencies, clients, todo};

pub use super::settings::MetaConnection;
pub use crate::store::todo::Todo;

/// What the dashboard shows.
pub struct Dashboard {
    pub client_count: i64,
    pub portfolio_missing: bool,
    pub todo: Todo,
    pub connection: MetaConnection,
    /// Meta's end of the configured Graph API version, when it is near or past:
    /// (the day, days left, the version, the newest version).
    pub version_end: Option<(i64, i64, String, &'static str)>,
}

/// Whether any agency exists yet (a fresh installation sends visitors to set-up).
pub async fn installed(ctx: &Ctx) -> AppResult<bool> {
    Ok(agencies::any_exists(&ctx.db.pool).await?)
}

pub async fn load(ctx: &Ctx, agency_id: i64) -> AppResult<Dashboard> {
    let pool = &ctx.db.pool;
    let now = ctx.clock.now();
    let agency = agencies::get(pool, agency_id).await?;
    let version = ctx.graph.config().version.clone();
    Ok(Dashboard {
        client_count: clients::count_active(pool, agency_id).await?,
        portfolio_missing: agency.is_none_or(|a| a.portfolio_id.is_none()),
        todo: todo::todo(pool, agency_id, now).await?,
        connection: agencies::meta_connection(pool, agency_id).await?,
        version_end: crate::meta::versions::warning(&version, now)
            .map(|(at, days)| (at, days, version, crate::meta::versions::NEWEST)),
    })
}
