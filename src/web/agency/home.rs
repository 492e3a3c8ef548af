//! The dashboard, and where a first visit is sent.

use crate::actions::Ctx;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::dashboard::{self, MetaConnection, Todo};
use crate::clock::format_day;
use crate::domain::migration::ConnectionWarning;
use crate::web::error::AppResult;
use crate::web::layout::{Layout, render};
use crate::web::session::MaybeStaff;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    layout: Layout,
    client_count: i64,
    portfolio_missing: bool,
    can_manage: bool,
    /// The Meta connection's health in words, and whether it needs action now.
    connection: (String, bool),
    /// What needs someone: (words, link, urgent).
    todo: Vec<(String, &'static str, bool)>,
    /// Meta stops serving the configured API version soon (or has): what to do.
    version_warning: Option<String>,
}

/// The operator's warning about the Graph API version, from `meta::versions::WARN_DAYS`
/// before its end.
fn version_warning((at, days, version, newest): (i64, i64, String, &str)) -> String {
    if days < 0 {
        format!(
            "Meta stopped serving Graph API {version} on {}: shares and checks fail until the operator sets LATCHKEY_META_API_VERSION={newest}.",
            format_day(at)
        )
    } else {
        format!(
            "Meta stops serving Graph API {version} on {} (in {days} days). Ask the operator to set LATCHKEY_META_API_VERSION={newest} before then.",
            format_day(at)
        )
    }
}

/// "3 grants", "1 grant".
fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The to-do lines, in the order shown: (one, many, what, link, urgent). `{oldest}` is
/// the age of the oldest request waiting.
const TODO: [(&str, &str, &str, &str, bool); 9] = [
    (
        "grant",
        "grants",
        "lapsed at a client's migration deadline: send a partner-access link",
        "/reauth?status=lapsed",
        true,
    ),
    (
        "grant",
        "grants",
        "due for re-authorisation within 7 days",
        "/reauth",
        true,
    ),
    (
        "grant",
        "grants",
        "found lost by verification",
        "/grants?status=lost",
        true,
    ),
    (
        "share is",
        "shares are",
        "waiting for your agency to accept at Meta: in Meta Business Settings, open \
         Requests → Received, accept each one, then press \"Check now\" on the client",
        "/grants?status=pending",
        true,
    ),
    (
        "request was",
        "requests were",
        "only partly approved",
        "/requests?status=partially_completed",
        false,
    ),
    (
        "asset",
        "assets",
        "could not be shared",
        "/grants?status=failed",
        false,
    ),
    (
        "request",
        "requests",
        "declined by the client in the last 30 days",
        "/requests?status=declined",
        false,
    ),
    (
        "request",
        "requests",
        "waiting for the client (oldest: {oldest})",
        "/requests",
        false,
    ),
    (
        "more grant",
        "more grants",
        "need re-authorisation before a client's migration deadline",
        "/reauth",
        false,
    ),
];

/// The dashboard's to-do list, most urgent first; empty when nothing needs anyone.
fn todo_items(t: &Todo, now: i64) -> Vec<(String, &'static str, bool)> {
    let age = t
        .oldest_waiting
        .map(|at| (now - at).div_euclid(86_400))
        .unwrap_or(0);
    let counts = [
        t.lapsed,
        t.due_within_week,
        t.lost_grants,
        t.pending_grants,
        t.partial,
        t.failed_grants,
        t.declined,
        t.waiting,
        t.flagged - t.due_within_week,
    ];
    counts
        .into_iter()
        .zip(TODO)
        .filter(|(n, _)| *n > 0)
        .map(|(n, (one, many, what, href, urgent))| {
            let what = what.replace("{oldest}", &plural(age, "day", "days"));
            (format!("{} {what}", plural(n, one, many)), href, urgent)
        })
        .collect()
}

/// "Connected; the token expires on …", with whether someone must act.
fn connection_health(c: &MetaConnection, now: i64) -> (String, bool) {
    match (&c.sealed, c.expires_at) {
        (None, _) => (
            "Not connected: verification of your clients' access is off.".into(),
            true,
        ),
        (Some(_), Some(at)) if at > 0 && at <= now => (
            "The token has expired: verification and offboarding are paused.".into(),
            true,
        ),
        (Some(_), Some(at)) if at > 0 => (
            format!("Connected; the token expires on {}.", format_day(at)),
            ConnectionWarning::due(at, now).is_some(),
        ),
        (Some(_), _) => ("Connected; the token does not expire.".into(), false),
    }
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `/`: set-up on a fresh install, the login page for visitors, the dashboard for staff.
pub async fn dashboard(
    State(st): State<Arc<Ctx>>,
    MaybeStaff(staff): MaybeStaff,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let Some(staff) = staff else {
        let to = if dashboard::installed(&st).await? {
            "/login"
        } else {
            "/setup"
        };
        return Ok(Redirect::to(to).into_response());
    };
    let d = dashboard::load(&st, staff.agency_id).await?;
    let now = st.clock.now();
    render(&Dashboard {
        layout: Layout::staff(&staff, "Dashboard", "home").with_notice(q.notice.as_deref()),
        client_count: d.client_count,
        portfolio_missing: d.portfolio_missing,
        can_manage: staff.role.can_manage(),
        connection: connection_health(&d.connection, now),
        todo: todo_items(&d.todo, now),
        version_warning: d.version_end.map(version_warning),
    })
}
