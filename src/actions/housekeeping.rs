//! What the system tidies once a minute: planner statistics, approval tokens past their
//! session, and link visits of past hours.

use super::Ctx;
use crate::error::AppResult;
use crate::store::{flows, links};

/// What one pass forgot.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tidied {
    pub tokens: u64,
}

/// One pass. Token custody: a client's Meta token never outlives its approval session.
/// Link visits only guard the current hour against repeated "opened" rows.
#[tracing::instrument(skip_all)]
pub async fn tidy(ctx: &Ctx) -> AppResult<Tidied> {
    if let Err(e) = ctx.db.optimize().await {
        tracing::warn!(error = %e, "planner statistics not refreshed");
    }
    let now = ctx.clock.now();
    let tokens = flows::purge_tokens(&ctx.db.pool, now).await?;
    links::purge_visits(&ctx.db.pool, now / 3600 - 1).await?;
    // A day is plenty for an Idempotency-Key retry; delivered webhooks stay in the log
    // for a month.
    crate::store::idempotency::forget_before(&ctx.db.pool, now - 86_400).await?;
    crate::store::api_keys::forget_rate_windows_before(&ctx.db.pool, now - 3600).await?;
    crate::store::webhooks::forget_delivered_before(&ctx.db.pool, now - 30 * 86_400).await?;
    crate::store::flashes::forget_expired(&ctx.db.pool, now).await?;
    // A browser unused for a year is forgotten, as its cookie is.
    crate::store::devices::forget_before(&ctx.db.pool, now - 365 * 86_400).await?;
    Ok(Tidied { tokens })
}
