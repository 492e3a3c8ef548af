//! Finishes approvals whose process died mid-way: at start-up, then every half lease.

use std::sync::Arc;

use std::time::Duration;

use tokio::sync::watch;

use super::{Turn, every};
use crate::actions::{self, Ctx};

#[tracing::instrument(skip_all, name = "job.recovery")]
pub async fn run(ctx: Arc<Ctx>, shutdown: watch::Receiver<bool>) {
    let wait = Duration::from_secs((ctx.approval_lease / 2).max(1) as u64);
    every(None, shutdown, || async {
        match actions::approval::recover(&ctx).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "unfinished approvals recovered"),
            Err(e) => tracing::error!(error = ?e, "approval recovery failed"),
        }
        Turn::Idle(wait)
    })
    .await;
}
