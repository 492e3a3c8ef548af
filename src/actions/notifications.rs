//! E-mail the agency receives: retrying an undeliverable message, and each person's
//! notification preferences.

use super::{Actor, Ctx, audit};
use crate::error::{AppError, AppResult};
use crate::store::{Page, outbox, prefs};

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
