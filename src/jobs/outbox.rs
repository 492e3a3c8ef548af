//! E-mail: one worker delivers one message at a time (several run per process), woken by
//! the mailer's bell when a transaction queues mail, else when the next retry is due.

use std::sync::Arc;

use tokio::sync::watch;

use super::{Turn, every, secs};
use crate::actions::Ctx;
use crate::mail::worker;

#[tracing::instrument(skip_all, name = "job.outbox")]
pub async fn run(ctx: Arc<Ctx>, shutdown: watch::Receiver<bool>) {
    every(Some(ctx.mailer.bell()), shutdown, || async {
        match worker::deliver_one(&ctx.db, &ctx.mailer, &ctx.secrets, &ctx.clock).await {
            Ok(true) => return Turn::Worked,
            Ok(false) => {}
            Err(e) => tracing::error!(error = %e, "outbox worker could not reach the database"),
        }
        Turn::Idle(secs(worker::next_due_in(&ctx.db, &ctx.clock).await))
    })
    .await;
    tracing::info!("outbox worker stopped");
}
