//! The one clock. Everything that compares times (session expiry, token expiry,
//! throttling, reminders) asks this clock, so tests can move time instead of sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Wall-clock time in Unix seconds, plus an offset that tests can advance; tests that must
/// not see a second tick by itself can also freeze it.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset: Arc<AtomicI64>,
    /// The instant the clock was frozen at (0: running).
    frozen: Arc<AtomicI64>,
}

impl Clock {
    /// The real time.
    pub fn system() -> Self {
        Self::default()
    }

    /// Current time as Unix seconds.
    pub fn now(&self) -> i64 {
        let base = match self.frozen.load(Ordering::Relaxed) {
            0 => time::OffsetDateTime::now_utc().unix_timestamp(),
            at => at,
        };
        base + self.offset.load(Ordering::Relaxed)
    }

    /// Stops this clock (and every clone of it) at the current second; only
    /// [`Clock::advance`] moves it from then on.
    pub fn freeze(&self) {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let _ = self
            .frozen
            .compare_exchange(0, now, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// Moves this clock (and every clone of it) forward by `secs` seconds.
    pub fn advance(&self, secs: i64) {
        self.offset.fetch_add(secs, Ordering::Relaxed);
    }
}

/// Formats Unix seconds as `2026-11-28 14:05 UTC` for people.
pub fn format_utc(ts: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_else(|| "—".to_owned())
}

/// "2026-12-01 15:05 CET": a moment in the agency's time zone (an IANA name; an unknown
/// one, or "UTC", shows UTC).
pub fn format_in(ts: i64, zone: &str) -> String {
    use time_tz::{Offset, OffsetDateTimeExt, TimeZone};
    let Some(tz) = time_tz::timezones::get_by_name(zone).filter(|_| zone != "UTC") else {
        return format_utc(ts);
    };
    let Ok(utc) = time::OffsetDateTime::from_unix_timestamp(ts) else {
        return "—".to_owned();
    };
    let local = utc.to_timezone(tz);
    let abbreviation = tz.get_offset_utc(&utc).name().to_owned();
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    local
        .format(&fmt)
        .map(|t| format!("{t} {abbreviation}"))
        .unwrap_or_else(|_| "—".to_owned())
}

/// Every IANA time zone name, sorted.
pub fn time_zones() -> Vec<&'static str> {
    use time_tz::TimeZone;
    let mut v: Vec<&'static str> = time_tz::timezones::iter().map(|z| z.name()).collect();
    v.sort_unstable();
    v
}

/// Whether `zone` is an IANA time zone name Latchkey knows.
pub fn is_time_zone(zone: &str) -> bool {
    zone == "UTC" || time_tz::timezones::get_by_name(zone).is_some()
}

/// "14 December 2026".
pub fn format_day(ts: i64) -> String {
    let fmt = time::macros::format_description!("[day padding:none] [month repr:long] [year]");
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

/// "2027-01-31" for date inputs.
pub fn format_iso_day(ts: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

/// Midnight UTC of a `YYYY-MM-DD` date.
pub fn parse_iso_day(s: &str) -> Option<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &fmt)
        .ok()
        .map(|d| d.midnight().assume_utc().unix_timestamp())
}

/// "2026-12-01T09:05:00Z": a moment as RFC 3339 in UTC, for the API and webhooks.
pub fn format_rfc3339(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{Clock, format_in, format_utc, is_time_zone};

    #[test]
    fn moments_in_the_agency_s_time_zone() {
        // 2026-12-01 14:05 UTC.
        let ts = 1_796_133_900;
        assert_eq!(format_utc(ts), "2026-12-01 14:05 UTC");
        assert_eq!(format_in(ts, "UTC"), "2026-12-01 14:05 UTC");
        assert_eq!(format_in(ts, "Europe/Amsterdam"), "2026-12-01 15:05 CET");
        assert_eq!(format_in(ts, "America/New_York"), "2026-12-01 09:05 EST");
        assert_eq!(format_in(ts, "Not/AZone"), "2026-12-01 14:05 UTC");
        assert!(is_time_zone("Europe/Madrid") && !is_time_zone("Mars/Olympus"));
    }

    #[test]
    fn a_frozen_clock_moves_only_when_advanced() {
        let c = Clock::system();
        c.freeze();
        let t = c.now();
        let clone = c.clone();
        clone.advance(5);
        assert_eq!(c.now(), t + 5);
    }
}
