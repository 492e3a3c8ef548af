//! The dashboard, and where a first visit is sent.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::clock::format_day;
use crate::domain::migration::ConnectionWarning;
use crate::store::{agencies, clients};
use crate::web::AppState;
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
}

/// "Connected; the token expires on …", with whether someone must act.
fn connection_health(c: &agencies::MetaConnection, now: i64) -> (String, bool) {
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
    State(st): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let Some(staff) = staff else {
        let to = if agencies::any_exists(&st.db.pool).await? {
            "/login"
        } else {
            "/setup"
        };
        return Ok(Redirect::to(to).into_response());
    };
    let agency = agencies::get(&st.db.pool, staff.agency_id).await?;
    let connection = agencies::meta_connection(&st.db.pool, staff.agency_id).await?;
    render(&Dashboard {
        layout: Layout::staff(&staff, "Dashboard", "home").with_notice(q.notice.as_deref()),
        client_count: clients::count_active(&st.db.pool, staff.agency_id).await?,
        portfolio_missing: agency.is_none_or(|a| a.portfolio_id.is_none()),
        can_manage: staff.role.can_manage(),
        connection: connection_health(&connection, st.clock.now()),
    })
}
