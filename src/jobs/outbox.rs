//! E-mail: each worker delivers a small batch at a time (several run per process), woken by
//! the mailer's bell when a transaction queues mail, else when the next retry is due.

use std::sync::Arc;

use tokio::sync::watch;

use super::{Turn, every, secs};
use crate::actions::Ctx;
use crate::mail::worker;

#[tracing::instrument(skip_all, name = "job.outbox")]
pub async fn run(ctx: Arc<Ctx>, shutdown: watch::Receiver<bool>) {
    every(Some(ctx.mailer.bell()), shutdown, || async {
        let batch = worker::deliver_batch(
            &ctx.db,
            &ctx.mailer,
            &ctx.secrets,
            &ctx.clock,
            worker::BATCH,
        );
        match batch.await {
            Ok(n) if n > 0 => return Turn::Worked,
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "outbox worker could not reach the database"),
        }
        Turn::Idle(secs(worker::next_due_in(&ctx.db, &ctx.clock).await))
    })
    .await;
    tracing::info!("outbox worker stopped");
}
