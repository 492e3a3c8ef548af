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

/// Messages one worker claims at once: each claim and each batch of outcomes is one commit
/// (on SQLite one fsync), shared by the batch instead of paid per message. A process killed
/// mid-batch re-sends at most this many per worker, with their same `Message-ID`.
pub const BATCH: i64 = 8;

/// Delivers one due message if there is one. Returns whether it claimed one.
pub async fn deliver_one(
    db: &Db,
    mailer: &Mailer,
    secrets: &SecretBox,
    clock: &Clock,
) -> Result<bool, sqlx::Error> {
    Ok(deliver_batch(db, mailer, secrets, clock, 1).await? > 0)
}

/// Claims up to `max` due messages, delivers them at once and records every outcome in one
/// transaction. Returns how many it claimed.
pub async fn deliver_batch(
    db: &Db,
    mailer: &Mailer,
    secrets: &SecretBox,
    clock: &Clock,
    max: i64,
) -> Result<usize, sqlx::Error> {
    let now = clock.now();
    let rows = outbox::claim_many(db, now, now + LEASE_SECS, max).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let claimed = rows.len();
    let sent = futures_util::future::join_all(
        rows.into_iter()
            .map(|row| deliver_row(mailer, secrets, row)),
    )
    .await;
    let now = clock.now();
    // In id order, as every recording transaction takes its rows (see `Db::skip_locked`).
    let mut sent = sent;
    sent.sort_by_key(|(row, _)| row.id);
    let mut tx = db.begin().await?;
    for (row, outcome) in sent {
        match outcome {
            Ok(()) => {
                outbox::mark_sent(&mut *tx, row.id, now).await?;
                tracing::info!(outbox_id = row.id, kind = %row.kind, "email sent");
            }
            Err(e) => {
                let attempts = row.attempts + 1;
                let wait = RETRY.after_secs(attempts);
                let dead = e.permanent || wait.is_none();
                let status = if dead { DEAD } else { QUEUED };
                let next = now + wait.unwrap_or(0);
                tracing::warn!(outbox_id = row.id, attempts, dead, error = %e.message, "email delivery failed");
                outbox::mark_failed(&mut *tx, row.id, status, next, &e.message).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(claimed)
}

/// Opens a claimed message's sealed bodies and hands it to the transport.
async fn deliver_row(
    mailer: &Mailer,
    secrets: &SecretBox,
    mut row: outbox::OutboxRow,
) -> (
    outbox::OutboxRow,
    Result<(), super::transport::DeliveryError>,
) {
    let opened = secrets
        .open(&row.text_body)
        .and_then(|t| Ok((t, secrets.open(&row.html_body)?)));
    let outcome = match opened {
        Ok((text, html)) => {
            let mut plain = row.clone();
            plain.text_body = text;
            plain.html_body = html;
            mailer
                .transport
                .deliver(&mailer.from, mailer.reply_to.as_ref(), &plain)
                .await
        }
        Err(e) => Err(super::transport::DeliveryError {
            permanent: true,
            message: e.to_string(),
        }),
    };
    // The sealed bodies are not needed past here.
    row.text_body.clear();
    row.html_body.clear();
    (row, outcome)
}

/// Seconds until the next message is due (at most 30), for an idle worker's wait.
pub async fn next_due_in(db: &Db, clock: &Clock) -> i64 {
    match outbox::next_due(&db.pool).await {
        Ok(Some(due)) => (due - clock.now()).clamp(0, 30),
        _ => 30,
    }
}
