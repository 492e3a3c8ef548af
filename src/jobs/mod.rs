//! Every background worker, on one scheduling helper ([`every`]). Each is safe to run in
//! several processes at once: the work items are claimed atomically in the database.
//!
//! - `reminders`: once a minute, the timed use cases (reminders, expiry, lapses,
//!   verification, warnings, tidying);
//! - `recovery`: approvals whose process died, every half lease;
//! - `outbox`: e-mail, one message at a time per worker, woken by the mailer's bell;
//! - `webhooks`: deliveries, [`crate::actions::webhooks::SENDERS`] senders, woken by their
//!   bell.

mod outbox;
mod recovery;
mod reminders;
mod webhooks;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};

pub use outbox::run as outbox;
pub use recovery::run as recovery;
pub use reminders::run as reminders;
pub use webhooks::run as webhooks;

/// What one turn of a worker found.
pub enum Turn {
    /// It did something: there may be more, so go again at once.
    Worked,
    /// Nothing to do: wait this long (or for the bell, or shutdown).
    Idle(Duration),
}

/// The shortest wait after an idle turn: a due item another worker claimed first is not a
/// reason to spin.
const MIN_IDLE: Duration = Duration::from_millis(200);

/// Runs `turn` until `shutdown` turns true: again at once after a turn that worked, else
/// after its wait, the `bell` or shutdown, whichever comes first. A turn in progress is
/// finished before stopping.
pub async fn every<F, Fut>(
    bell: Option<Arc<Notify>>,
    mut shutdown: watch::Receiver<bool>,
    mut turn: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = Turn>,
{
    loop {
        if *shutdown.borrow() {
            break;
        }
        let wait = match turn().await {
            Turn::Worked => continue,
            Turn::Idle(wait) => wait.max(MIN_IDLE),
        };
        let rung = async {
            match &bell {
                Some(b) => b.notified().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = rung => {}
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => {}
        }
    }
}

/// Seconds (clamped to `0..`) as a wait.
fn secs(n: i64) -> Duration {
    Duration::from_secs(u64::try_from(n).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn a_worker_goes_again_while_it_works_waits_when_idle_and_stops_on_shutdown() {
        let (stop, shutdown) = watch::channel(false);
        let bell = Arc::new(Notify::new());
        let turns = Arc::new(AtomicUsize::new(0));
        let counted = turns.clone();
        let worker = tokio::spawn(every(Some(bell.clone()), shutdown, move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            // Three turns find work, then it is idle for an hour.
            async move {
                if n < 3 {
                    Turn::Worked
                } else {
                    Turn::Idle(Duration::from_secs(3600))
                }
            }
        }));
        while turns.load(Ordering::SeqCst) < 4 {
            tokio::task::yield_now().await;
        }
        // Idle for an hour: only the bell brings the next turn.
        bell.notify_one();
        while turns.load(Ordering::SeqCst) < 5 {
            tokio::task::yield_now().await;
        }
        stop.send(true).unwrap();
        worker.await.unwrap();
        assert_eq!(turns.load(Ordering::SeqCst), 5);
    }
}
