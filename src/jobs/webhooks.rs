//! Webhook deliveries: [`SENDERS`] senders, each claiming (fairly between agencies) and
//! sending one delivery at a time, woken by the bell a transaction rings when it queues
//! deliveries, else when the next retry is due.

use std::sync::Arc;

use tokio::sync::watch;

use super::{Turn, every, secs};
use crate::actions::Ctx;
use crate::actions::webhooks::{SENDERS, deliver_next, next_due_in};

#[tracing::instrument(skip_all, name = "job.webhooks")]
pub async fn run(ctx: Arc<Ctx>, shutdown: watch::Receiver<bool>) {
    let senders = (0..SENDERS).map(|_| {
        let (ctx, shutdown) = (ctx.clone(), shutdown.clone());
        async move {
            let bell = ctx.webhook_bell.clone();
            every(Some(bell), shutdown, || async {
                match deliver_next(&ctx).await {
                    Ok(true) => return Turn::Worked,
                    Ok(false) => {}
                    Err(e) => {
                        tracing::error!(error = ?e, "webhook worker could not reach the database")
                    }
                }
                Turn::Idle(secs(next_due_in(&ctx).await))
            })
            .await;
        }
    });
    futures_util::future::join_all(senders).await;
}
