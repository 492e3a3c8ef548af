//! Background jobs that run on a schedule in every process. Each is safe to run in several
//! processes at once: the work items are claimed atomically in the database.

use std::time::Duration;

use tokio::sync::watch;

use crate::actions::Ctx;

/// How often the reminder job looks for requests to remind.
const REMINDER_EVERY: Duration = Duration::from_secs(60);

/// Once a minute until shutdown: automatic request reminders, deadline reminders,
/// verification of agencies that are due, and forgetting expired approval tokens.
#[tracing::instrument(skip_all, name = "job.reminders")]
pub async fn run_reminders(state: Ctx, verify_interval: i64, mut shutdown: watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow() {
            break;
        }
        match crate::actions::requests::send_auto_reminders(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "automatic reminders queued"),
            Err(e) => tracing::error!(error = ?e, "reminder job failed"),
        }
        match crate::actions::requests::note_expired(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "expired links told to webhooks"),
            Err(e) => tracing::error!(error = ?e, "expiry job failed"),
        }
        // Lapse first: a grant past its deadline gets the "presumed lost" e-mail, not an
        // "overdue" reminder as well.
        match crate::actions::migration::lapse_overdue(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "flagged grants lapsed at their deadline"),
            Err(e) => tracing::error!(error = ?e, "lapse job failed"),
        }
        match crate::actions::migration::send_deadline_reminders(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "re-authorisation deadline reminders queued"),
            Err(e) => tracing::error!(error = ?e, "deadline reminder job failed"),
        }
        crate::actions::verify::verify_due(&state, verify_interval).await;
        match crate::actions::verify::warn_expiring_connections(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "Meta connection warnings queued"),
            Err(e) => tracing::error!(error = ?e, "connection warning job failed"),
        }
        match crate::actions::api_keys::warn_expiring(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "API key expiry warnings queued"),
            Err(e) => tracing::error!(error = ?e, "API key expiry job failed"),
        }
        match crate::actions::access_review::remind_due(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "access review reminders queued"),
            Err(e) => tracing::error!(error = ?e, "access review reminder job failed"),
        }
        match crate::actions::housekeeping::tidy(&state).await {
            Ok(t) if t.tokens > 0 => {
                tracing::info!(count = t.tokens, "expired approval tokens forgotten")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = ?e, "housekeeping failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(REMINDER_EVERY) => {}
            _ = shutdown.changed() => {}
        }
    }
}

/// Finishes approvals whose process died mid-way: at start-up, then every half lease.
#[tracing::instrument(skip_all, name = "job.recovery")]
pub async fn run_recovery(state: Ctx, mut shutdown: watch::Receiver<bool>) {
    let every = Duration::from_secs((state.approval_lease / 2).max(1) as u64);
    loop {
        if *shutdown.borrow() {
            break;
        }
        match crate::actions::approval::recover(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "unfinished approvals recovered"),
            Err(e) => tracing::error!(error = ?e, "approval recovery failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => {}
        }
    }
}
