//! Meta's Marketing API versions and the day each stops being served, as data.
//!
//! Source: Meta's "Marketing API versions" page, read 6 December 2026 (recorded in
//! shared/META_GRAPH.md): v25.0 released February 2026 and expires 23 February 2027; v26.0
//! released July 2026 and v27.0 on 4 November 2026, neither with an expiry announced yet.
//! Ad accounts, `/agencies` and business assets follow the Marketing API's dates, not the
//! longer Graph API ones, so these are the dates that matter to Latchkey. When Meta
//! announces a date, add it here; the dashboard and the log warn from
//! [`WARN_DAYS`] before it.

use time::macros::date;

/// One version: its name and, once Meta announced it, the first day it is no longer served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiVersion {
    pub name: &'static str,
    pub expires: Option<time::Date>,
}

/// Oldest first; the last one is the newest, Latchkey's default.
pub const VERSIONS: &[ApiVersion] = &[
    ApiVersion {
        name: "v25.0",
        expires: Some(date!(2027 - 02 - 23)),
    },
    ApiVersion {
        name: "v26.0",
        expires: None,
    },
    ApiVersion {
        name: "v27.0",
        expires: None,
    },
];

/// The newest version Meta lists: the default.
pub const NEWEST: &str = "v27.0";

/// Days before a version's expiry from which the operator is warned.
pub const WARN_DAYS: i64 = 60;

/// The version's major number (`v25.0` → 25).
fn major(version: &str) -> Option<u32> {
    version.strip_prefix('v')?.strip_suffix(".0")?.parse().ok()
}

/// When `version` stops being served (Unix seconds, midnight UTC): the table's date, or for a
/// version older than any listed, the oldest listed expiry (it went before that one).
pub fn expires_at(version: &str) -> Option<i64> {
    let to_ts = |d: time::Date| d.midnight().assume_utc().unix_timestamp();
    if let Some(v) = VERSIONS.iter().find(|v| v.name == version) {
        return v.expires.map(to_ts);
    }
    let oldest = VERSIONS.first()?;
    match (major(version), major(oldest.name)) {
        (Some(v), Some(o)) if v < o => oldest.expires.map(to_ts),
        _ => None,
    }
}

/// Whether Meta no longer serves `version` at `now`.
pub fn is_gone(version: &str, now: i64) -> bool {
    expires_at(version).is_some_and(|at| at <= now)
}

/// What the operator must hear about the configured version, if anything: (expiry, days
/// left — negative once past).
pub fn warning(version: &str, now: i64) -> Option<(i64, i64)> {
    let at = expires_at(version)?;
    // Whole days, rounded up: 29 days and 23 hours away reads "in 30 days".
    let days = (at - now + 86_399).div_euclid(86_400);
    (days <= WARN_DAYS).then_some((at, days))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    #[test]
    fn the_newest_is_the_default_and_expiry_warns_sixty_days_ahead() {
        assert_eq!(VERSIONS.last().unwrap().name, NEWEST);
        let expiry = expires_at("v25.0").unwrap();
        assert_eq!(
            crate::clock::format_utc(expiry)[..10].to_owned(),
            "2027-02-23"
        );
        assert_eq!(warning("v25.0", expiry - 61 * DAY), None);
        assert_eq!(warning("v25.0", expiry - 60 * DAY), Some((expiry, 60)));
        assert_eq!(warning("v25.0", expiry + DAY), Some((expiry, -1)));
        assert_eq!(warning("v25.0", expiry - 30 * DAY + 5), Some((expiry, 30)));
        assert!(is_gone("v25.0", expiry) && !is_gone("v25.0", expiry - 1));
        assert_eq!(
            warning(NEWEST, expiry + 400 * DAY),
            None,
            "no date announced"
        );
        // Older than any listed: gone by the oldest listed's date at the latest.
        assert!(is_gone("v21.0", expiry));
        assert!(
            !is_gone("v28.0", expiry + 400 * DAY),
            "newer than the table: unknown"
        );
    }
}
