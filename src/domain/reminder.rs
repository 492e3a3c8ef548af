//! The reminder policy: how often a client may be reminded of a request, written once.

/// A client gets at most one reminder of a request per this many seconds (by hand or
/// automatically).
pub const COOLDOWN: i64 = 24 * 60 * 60;

/// When the next reminder may be sent, if the last one was at `last` (None: now).
pub fn next_allowed(last: Option<i64>) -> Option<i64> {
    last.map(|t| t + COOLDOWN)
}

/// Seconds until a reminder may be sent again (0: now).
pub fn wait(last: Option<i64>, now: i64) -> i64 {
    next_allowed(last).map_or(0, |t| (t - now).max(0))
}

/// The latest earlier reminder that still blocks a new one at `now`.
pub fn blocking_since(now: i64) -> i64 {
    now - COOLDOWN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_reminder_a_day() {
        assert_eq!(wait(None, 100), 0);
        assert_eq!(wait(Some(100), 100), COOLDOWN);
        assert_eq!(wait(Some(100), 100 + COOLDOWN), 0);
        assert_eq!(next_allowed(Some(5)), Some(5 + COOLDOWN));
    }
}
