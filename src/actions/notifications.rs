//! E-mail the agency receives: retrying an undeliverable message, and each person's
//! notification preferences.

use super::{Actor, Ctx, audit};
use crate::error::{AppError, AppResult};
use crate::store::{Page, outbox, prefs};

// The read model this module returns, for the web layer to name.
pub use crate::store::outbox::OutboxRow;

/// A message that failed and waits for its next attempt.
pub fn is_retrying(r: &OutboxRow) -> bool {
    r.status == outbox::QUEUED && r.attempts > 0
}

/// Each notification the person may receive: (event, its label, whether it is on).
pub async fn preferences(
    ctx: &Ctx,
    user_id: i64,
) -> AppResult<Vec<(&'static str, &'static str, bool)>> {
    let off = prefs::disabled(&ctx.db.pool, user_id).await?;
    Ok(prefs::EVENTS
        .iter()
        .map(|(event, label)| (*event, *label, !off.iter().any(|o| o == event)))
        .collect())
}

/// A page of the agency's outbox (`status` empty: all) and its (queued, sent, dead) counts.
#[tracing::instrument(skip_all, fields(agency = agency_id))]
pub async fn delivery(
    ctx: &Ctx,
    agency_id: i64,
    status: &str,
    before: Option<i64>,
    per_page: i64,
) -> AppResult<(Page<outbox::OutboxRow>, (i64, i64, i64))> {
    let db = &ctx.db.pool;
    Ok(tokio::try_join!(
        outbox::list_for_agency(db, agency_id, status, before, per_page),
        outbox::counts(db, agency_id),
    )?)
}

/// Queues an undeliverable (or failing) message of the agency again.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, message = id))]
pub async fn retry(ctx: &Ctx, actor: &Actor, id: i64) -> AppResult<()> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    if !outbox::retry(&mut *tx, actor.agency_id, id, now).await? {
        return Err(AppError::NotFound);
    }
    audit(
        &mut tx,
        actor,
        "email.retried",
        &format!("message {id}"),
        now,
    )
    .await?;
    tx.commit().await?;
    ctx.mailer.wake();
    Ok(())
}

/// Sets which notifications a person receives: every event in `on`, none of the others.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn set_preferences(ctx: &Ctx, actor: &Actor, on: &[String]) -> AppResult<()> {
    let user_id = actor.user_id.ok_or(AppError::NotFound)?;
    let mut tx = ctx.db.begin().await?;
    for (event, _) in prefs::EVENTS {
        prefs::set(&mut *tx, user_id, event, on.iter().any(|o| o == event)).await?;
    }
    tx.commit().await?;
    Ok(())
}
