//! A sliding-window pacer: at most `limit` calls in any `window`, each caller waiting its
//! turn instead of being refused. Tag Manager's quota is 0.25 requests a second per
//! project, counted over 100 seconds, so a burst of 25 goes at once and the rest follow one
//! every four seconds — the rate Google accepts, never a quota error from this process.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug)]
pub struct Pacer {
    limit: usize,
    window: Duration,
    calls: Mutex<VecDeque<Instant>>,
}

impl Pacer {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit: limit.max(1),
            window,
            calls: Mutex::new(VecDeque::new()),
        }
    }

    /// Tag Manager's quota: 25 calls in any 100 seconds.
    pub const TAG_MANAGER: (usize, Duration) = (25, Duration::from_secs(100));

    /// Tag Manager's pacer.
    pub fn tag_manager() -> Self {
        Self::new(Self::TAG_MANAGER.0, Self::TAG_MANAGER.1)
    }

    /// The steady interval between calls (the window shared out).
    pub fn interval(&self) -> Duration {
        self.window / self.limit as u32
    }

    /// Waits until a call fits in the window, and counts it.
    pub async fn wait_turn(&self) {
        loop {
            let wait = {
                let mut calls = self.calls.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                while calls
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= self.window)
                {
                    calls.pop_front();
                }
                if calls.len() < self.limit {
                    calls.push_back(now);
                    return;
                }
                // The oldest call leaves the window then; whoever wakes first takes it.
                calls[0] + self.window - now
            };
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_burst_goes_at_once_and_the_rest_wait_for_the_window() {
        let pacer = std::sync::Arc::new(Pacer::tag_manager());
        let start = Instant::now();
        let mut at = Vec::new();
        for _ in 0..27 {
            pacer.wait_turn().await;
            at.push(start.elapsed());
        }
        assert!(at[..25].iter().all(|t| *t == Duration::ZERO), "{at:?}");
        assert_eq!(at[25], Duration::from_secs(100));
        assert_eq!(at[26], Duration::from_secs(100));
        assert_eq!(pacer.interval(), Duration::from_secs(4));
        // Concurrent callers share the window: never more than 25 in any 100 s.
        let mut tasks = Vec::new();
        for _ in 0..30 {
            let p = pacer.clone();
            tasks.push(tokio::spawn(async move {
                p.wait_turn().await;
                Instant::now()
            }));
        }
        let mut times = Vec::new();
        for t in tasks {
            times.push(t.await.unwrap());
        }
        times.sort();
        let secs: Vec<u64> = times.iter().map(|t| (*t - start).as_secs()).collect();
        // At 100 s the window holds the two calls just made: 23 more fit; the other 7 wait
        // until those 25 leave it, at 200 s.
        assert_eq!(secs.iter().filter(|s| **s == 100).count(), 23, "{secs:?}");
        assert_eq!(secs.iter().filter(|s| **s == 200).count(), 7, "{secs:?}");
    }
}
