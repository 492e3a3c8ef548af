//! One retry policy, for everything that tries again: the e-mail outbox, webhook deliveries
//! and Graph calls each configure one. A policy answers one question: after the n-th failed
//! attempt, how long to wait before the next, or whether to give up.

use std::time::Duration;

/// How failed attempts are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Waits doubling from `first`, never longer than `longest`; `attempts` in all, then
    /// give up.
    Doubling {
        first: Duration,
        longest: Duration,
        attempts: u32,
    },
    /// A fixed schedule of waits, one per failed attempt; give up once it is spent.
    Schedule(&'static [Duration]),
}

impl Retry {
    /// The wait after the `failed`-th failed attempt (1 after the first), or `None`: give up.
    pub fn after(&self, failed: u32) -> Option<Duration> {
        match *self {
            Self::Doubling {
                first,
                longest,
                attempts,
            } => (failed >= 1 && failed < attempts).then(|| {
                let doubled = first.saturating_mul(1u32 << (failed - 1).min(20));
                doubled.min(longest)
            }),
            Self::Schedule(waits) => waits
                .get(usize::try_from(failed).ok()?.checked_sub(1)?)
                .copied(),
        }
    }

    /// [`Self::after`] in whole seconds, for waits kept as timestamps.
    pub fn after_secs(&self, failed: i64) -> Option<i64> {
        let wait = self.after(u32::try_from(failed).ok()?)?;
        i64::try_from(wait.as_secs()).ok()
    }

    /// How many attempts the policy makes in all, the first included.
    pub fn attempts(&self) -> u32 {
        match *self {
            Self::Doubling { attempts, .. } => attempts,
            Self::Schedule(waits) => u32::try_from(waits.len()).unwrap_or(u32::MAX) + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn doubling_doubles_caps_and_gives_up_after_its_attempts() {
        let r = Retry::Doubling {
            first: MIN,
            longest: 4 * MIN,
            attempts: 5,
        };
        let waits: Vec<_> = (1..=5).map(|n| r.after(n)).collect();
        assert_eq!(
            waits,
            [Some(MIN), Some(2 * MIN), Some(4 * MIN), Some(4 * MIN), None]
        );
        assert_eq!(r.after(0), None, "nothing failed yet");
        assert_eq!(r.after_secs(2), Some(120));
        assert_eq!(r.attempts(), 5);
    }

    #[test]
    fn a_schedule_is_followed_then_spent() {
        const WAITS: [Duration; 2] = [Duration::from_secs(5), Duration::from_secs(300)];
        let r = Retry::Schedule(&WAITS);
        assert_eq!(r.after_secs(1), Some(5));
        assert_eq!(r.after_secs(2), Some(300));
        assert_eq!(r.after_secs(3), None);
        assert_eq!(r.attempts(), 3);
    }
}
