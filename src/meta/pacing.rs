//! Proactive pacing from Meta's usage headers, so Latchkey slows down before Meta
//! throttles it and never calls again before Meta said access is back.
//!
//! Meta reports usage as percentages on every answer (META_GRAPH.md, "Usage headers"):
//! `X-App-Usage` for the whole app, `X-Business-Use-Case-Usage` per business (keyed by the
//! business the call counted against, with `estimated_time_to_regain_access` in minutes),
//! and `X-Ad-Account-Usage` for the ad account called (`reset_time_duration` in seconds).
//! Throttling starts at 100 on any metric. The pacer keeps, per scope, until when calls
//! should wait: at 100 until the stated regain time; from [`EASE_FROM`] % on, a short
//! spacing that grows with usage, so bursts (an approval of 185 assets) thin out before
//! they hit the wall.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Usage (percent) from which calls are spaced out.
pub const EASE_FROM: f64 = 75.0;
/// The spacing at 99 %: it grows linearly from zero at [`EASE_FROM`].
pub const MAX_SPACING: Duration = Duration::from_secs(2);
/// How long to hold when Meta says 100 % but not for how long (the app-level window).
pub const DEFAULT_HOLD: Duration = Duration::from_secs(60);

/// What a call counts against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    App,
    /// A business portfolio (from `X-Business-Use-Case-Usage`).
    Business(String),
    /// The first path segment of a call (an asset or a business id), once an answer told
    /// which business or ad account it counts against.
    Node(String),
}

/// The usage headers of one answer, read.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Usage {
    pub app_pct: Option<f64>,
    /// (business id, highest percent, stated regain time).
    pub businesses: Vec<(String, f64, Option<Duration>)>,
    /// (highest percent, stated reset time) of the ad account called.
    pub ad_account: Option<(f64, Option<Duration>)>,
}

impl Usage {
    pub fn read(app: Option<&str>, buc: Option<&str>, ad_account: Option<&str>) -> Self {
        let json = |h: Option<&str>| h.and_then(|h| serde_json::from_str::<Value>(h).ok());
        let pct = |v: &Value, keys: &[&str]| {
            keys.iter()
                .filter_map(|k| v.get(*k).and_then(Value::as_f64))
                .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))))
        };
        let app_pct =
            json(app).and_then(|v| pct(&v, &["call_count", "total_time", "total_cputime"]));
        let businesses = json(buc)
            .and_then(|v| v.as_object().cloned())
            .into_iter()
            .flatten()
            .filter_map(|(business, entries)| {
                let entries = entries.as_array()?.clone();
                let high = entries
                    .iter()
                    .filter_map(|e| pct(e, &["call_count", "total_time", "total_cputime"]))
                    .fold(0.0, f64::max);
                let regain = entries
                    .iter()
                    .filter_map(|e| e.get("estimated_time_to_regain_access")?.as_u64())
                    .max()
                    .map(|m| Duration::from_secs(m * 60));
                Some((business, high, regain))
            })
            .collect();
        let ad_account = json(ad_account).and_then(|v| {
            let high = pct(&v, &["acc_id_util_pct"])?;
            let reset = v
                .get("reset_time_duration")
                .and_then(Value::as_u64)
                .map(Duration::from_secs);
            Some((high, reset))
        });
        Self {
            app_pct,
            businesses,
            ad_account,
        }
    }
}

/// How long to wait after an answer at `pct` percent usage (None: no need). A stated
/// time of zero ("regain access now") is taken at its word.
fn hold_for(pct: f64, stated: Option<Duration>) -> Option<Duration> {
    if pct >= 100.0 {
        Some(stated.unwrap_or(DEFAULT_HOLD))
    } else if pct >= EASE_FROM {
        Some(MAX_SPACING.mul_f64((pct - EASE_FROM) / (99.0 - EASE_FROM)))
    } else {
        None
    }
}

/// Until when each scope should wait.
#[derive(Debug, Default)]
pub struct Pacer {
    until: Mutex<HashMap<Scope, Instant>>,
}

impl Pacer {
    /// Records an answer to a call on `node` (the first path segment) at `now`.
    pub fn observe(&self, node: &str, usage: &Usage, now: Instant) {
        let mut until = self.until.lock().expect("pacer lock");
        let mut hold = |scope: Scope, pct: f64, stated: Option<Duration>| {
            // Holds only grow: an answer to a call made earlier may report lower usage,
            // and Meta's stated regain time stands until it has passed.
            if let Some(d) = hold_for(pct, stated) {
                let t = now + d;
                let e = until.entry(scope).or_insert(t);
                *e = (*e).max(t);
            }
        };
        if let Some(pct) = usage.app_pct {
            hold(Scope::App, pct, None);
        }
        let mut node_pct: Option<(f64, Option<Duration>)> = None;
        for (business, pct, regain) in &usage.businesses {
            hold(Scope::Business(business.clone()), *pct, *regain);
            if node_pct.is_none_or(|(p, _)| *pct > p) {
                node_pct = Some((*pct, *regain));
            }
        }
        if let Some(a) = usage.ad_account
            && node_pct.is_none_or(|(p, _)| a.0 > p)
        {
            node_pct = Some(a);
        }
        if let Some((pct, stated)) = node_pct {
            hold(Scope::Node(node.to_owned()), pct, stated);
        }
    }

    /// How long a call on `node` should wait at `now` (zero: go).
    pub fn wait(&self, node: &str, now: Instant) -> Duration {
        let until = self.until.lock().expect("pacer lock");
        [
            Scope::App,
            Scope::Business(node.to_owned()),
            Scope::Node(node.to_owned()),
        ]
        .iter()
        .filter_map(|s| until.get(s))
        .map(|t| t.saturating_duration_since(now))
        .max()
        .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_headers_are_read() {
        let u = Usage::read(
            Some(r#"{"call_count":28,"total_time":25,"total_cputime":25}"#),
            Some(
                r#"{"123":[{"type":"pages","call_count":95,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":0}]}"#,
            ),
            Some(r#"{"acc_id_util_pct":9.67,"reset_time_duration":100}"#),
        );
        assert_eq!(u.app_pct, Some(28.0));
        assert_eq!(
            u.businesses,
            vec![("123".to_owned(), 95.0, Some(Duration::ZERO))]
        );
        assert_eq!(u.ad_account, Some((9.67, Some(Duration::from_secs(100)))));
        assert_eq!(Usage::read(Some("nonsense"), None, None), Usage::default());
    }

    #[test]
    fn low_usage_goes_high_usage_spaces_and_full_usage_holds_until_regained() {
        let p = Pacer::default();
        let t0 = Instant::now();
        let at = |pct: u32, regain: u32| {
            Usage::read(
                None,
                Some(&format!(
                    r#"{{"555":[{{"type":"pages","call_count":{pct},"estimated_time_to_regain_access":{regain}}}]}}"#
                )),
                None,
            )
        };
        p.observe("1100", &at(40, 0), t0);
        assert_eq!(p.wait("1100", t0), Duration::ZERO);
        p.observe("1100", &at(87, 0), t0);
        let spaced = p.wait("1100", t0);
        assert!(
            spaced > Duration::ZERO && spaced < MAX_SPACING,
            "{spaced:?}"
        );
        // Other businesses' assets are not slowed.
        assert_eq!(p.wait("1200", t0), Duration::ZERO);
        p.observe("1100", &at(100, 5), t0);
        assert_eq!(p.wait("1100", t0), Duration::from_secs(300));
        assert_eq!(p.wait("555", t0), Duration::from_secs(300));
        // Never before the stated time, and free after it.
        assert_eq!(
            p.wait("1100", t0 + Duration::from_secs(299)),
            Duration::from_secs(1)
        );
        assert_eq!(
            p.wait("1100", t0 + Duration::from_secs(300)),
            Duration::ZERO
        );
    }

    #[test]
    fn app_usage_at_the_limit_holds_every_call() {
        let p = Pacer::default();
        let t0 = Instant::now();
        p.observe(
            "me",
            &Usage::read(Some(r#"{"call_count":100}"#), None, None),
            t0,
        );
        assert_eq!(p.wait("anything", t0), DEFAULT_HOLD);
        // A late answer with lower usage does not cut the hold short.
        p.observe(
            "me",
            &Usage::read(Some(r#"{"call_count":3}"#), None, None),
            t0,
        );
        assert_eq!(p.wait("anything", t0), DEFAULT_HOLD);
        assert_eq!(p.wait("anything", t0 + DEFAULT_HOLD), Duration::ZERO);
    }

    #[test]
    fn a_busy_ad_account_is_held_for_its_reset_time() {
        let p = Pacer::default();
        let t0 = Instant::now();
        p.observe(
            "act_1",
            &Usage::read(
                None,
                None,
                Some(r#"{"acc_id_util_pct":100,"reset_time_duration":40}"#),
            ),
            t0,
        );
        assert_eq!(p.wait("act_1", t0), Duration::from_secs(40));
        assert_eq!(p.wait("act_2", t0), Duration::ZERO);
    }
}
