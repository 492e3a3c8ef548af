//! Delivering the outbox: claims a due row with a lease, delivers, records the outcome
//! (`jobs::outbox` runs it).

use std::time::Duration;

use super::Mailer;
use crate::clock::Clock;
use crate::crypto::SecretBox;
use crate::domain::retry::Retry;
use crate::store::Db;
use crate::store::outbox::{self, DEAD, QUEUED};

/// How long a claimed message is reserved; a worker that dies mid-send loses it after this.
pub const LEASE_SECS: i64 = 120;
/// Attempts before a message is declared dead.
pub const MAX_ATTEMPTS: i64 = 8;

/// How a message is retried: a minute, doubling, at most six hours apart, then dead.
pub const RETRY: Retry = Retry::Doubling {
    first: Duration::from_secs(60),
    longest: Duration::from_secs(6 * 60 * 60),
    attempts: MAX_ATTEMPTS as u32,
};

/// Delivers one due message if there is one. Returns whether it claimed one.
pub async fn deliver_one(
    db: &Db,
    mailer: &Mailer,
    secrets: &SecretBox,
    clock: &Clock,
) -> Result<bool, sqlx::Error> {
    let now = clock.now();
    let Some(mut row) = outbox::claim(&db.pool, now, now + LEASE_SECS).await? else {
        return Ok(false);
    };
    let opened = secrets
        .open(&row.text_body)
        .and_then(|t| Ok((t, secrets.open(&row.html_body)?)));
    let outcome = match opened {
        Ok((text, html)) => {
            row.text_body = text;
            row.html_body = html;
            mailer
                .transport
                .deliver(&mailer.from, mailer.reply_to.as_ref(), &row)
                .await
        }
        Err(e) => Err(super::transport::DeliveryError {
            permanent: true,
            message: e.to_string(),
        }),
    };
    let now = clock.now();
    match outcome {
        Ok(()) => {
            outbox::mark_sent(&db.pool, row.id, now).await?;
            tracing::info!(outbox_id = row.id, kind = %row.kind, "email sent");
        }
        Err(e) => {
            let attempts = row.attempts + 1;
            let wait = RETRY.after_secs(attempts);
            let dead = e.permanent || wait.is_none();
            let status = if dead { DEAD } else { QUEUED };
            let next = now + wait.unwrap_or(0);
            tracing::warn!(outbox_id = row.id, attempts, dead, error = %e.message, "email delivery failed");
            outbox::mark_failed(&db.pool, row.id, status, next, &e.message).await?;
        }
    }
    Ok(true)
}

/// Seconds until the next message is due (at most 30), for an idle worker's wait.
pub async fn next_due_in(db: &Db, clock: &Clock) -> i64 {
    match outbox::next_due(&db.pool).await {
        Ok(Some(due)) => (due - clock.now()).clamp(0, 30),
        _ => 30,
    }
}
