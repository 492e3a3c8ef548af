//! Once a minute: automatic request reminders, expired links, lapsed grants, deadline
//! reminders, verification of agencies that are due, expiry warnings, access-review
//! reminders, and tidying.

use std::sync::Arc;

use std::time::Duration;

use tokio::sync::watch;

use super::{Turn, every};
use crate::actions::{self, Ctx};
use crate::error::AppResult;

const EVERY: Duration = Duration::from_secs(60);

/// Logs one timed use case's count (when it did something) or its failure.
fn report(what: &str, done: AppResult<usize>) {
    match done {
        Ok(0) => {}
        Ok(n) => tracing::info!(count = n, "{what}"),
        Err(e) => tracing::error!(error = ?e, "{what}: failed"),
    }
}

#[tracing::instrument(skip_all, name = "job.reminders")]
pub async fn run(ctx: Arc<Ctx>, verify_interval: i64, shutdown: watch::Receiver<bool>) {
    every(None, shutdown, || async {
        let ctx = &ctx;
        report(
            "automatic reminders queued",
            actions::reminders::send_auto_reminders(ctx).await,
        );
        report(
            "expired links told to webhooks",
            actions::reminders::note_expired(ctx).await,
        );
        // Lapse first: a grant past its deadline gets the "presumed lost" e-mail, not an
        // "overdue" reminder as well.
        report(
            "flagged grants lapsed at their deadline",
            actions::migration::lapse_overdue(ctx).await,
        );
        report(
            "re-authorisation deadline reminders queued",
            actions::migration::send_deadline_reminders(ctx).await,
        );
        actions::verify::verify_due(ctx, verify_interval).await;
        report(
            "Meta connection warnings queued",
            actions::connection::warn_expiring_connections(ctx).await,
        );
        report(
            "API key expiry warnings queued",
            actions::api_keys::warn_expiring(ctx).await,
        );
        report(
            "access review reminders queued",
            actions::access_review::remind_due(ctx).await,
        );
        report(
            "expired approval tokens forgotten",
            actions::housekeeping::tidy(ctx)
                .await
                .map(|t| usize::try_from(t.tokens).unwrap_or(usize::MAX)),
        );
        Turn::Idle(EVERY)
    })
    .await;
}
