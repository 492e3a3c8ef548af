//! Managed-account migration, agency side: recording a client's move, the re-authorisation
//! queue and the one-click link.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::migration::{self, MoveForm};
use crate::clock::format_day;
use crate::store::radar::RadarCounts;
use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::layout::{Layout, render};
use crate::web::session::{ClientIp, Staff};

#[derive(Debug, Deserialize)]
pub struct MigrationForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    people_deadline: String,
    #[serde(default)]
    deadline_source: String,
    #[serde(default)]
    activated_on: String,
    #[serde(default)]
    activated_source: String,
}

#[derive(Debug, Deserialize)]
pub struct SignalForm {
    #[serde(default)]
    signal: i64,
    #[serde(default)]
    decision: String,
}

/// Staff record the client's migration.
pub async fn set_migration(
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<MigrationForm>,
) -> AppResult<Response> {
    let form = MoveForm {
        status: f.status,
        date: f.date,
        people_deadline: f.people_deadline,
        deadline_source: f.deadline_source,
        activated_on: f.activated_on,
        activated_source: f.activated_source,
    };
    migration::record(&st, &staff.acting(&ip), id, &form).await?;
    Ok(Redirect::to(&format!("/clients/{id}?notice=saved")).into_response())
}

/// Staff accept or dismiss a signal from Meta.
pub async fn decide_signal(
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<SignalForm>,
) -> AppResult<Response> {
    migration::decide_signal(&st, &staff.acting(&ip), id, f.signal, &f.decision).await?;
    Ok(Redirect::to(&format!("/clients/{id}?notice=saved")).into_response())
}
struct QueueRow {
    client_id: i64,
    client_name: String,
    asset_name: String,
    kind_label: &'static str,
    grantee: String,
    due: String,
    estimate: bool,
    days_left: i64,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "reauth.html")]
struct QueuePage {
    layout: Layout,
    counts: RadarCounts,
    lapsed: bool,
    rows: Vec<QueueRow>,
    page: i64,
    has_next: bool,
}

#[derive(Debug, Deserialize)]
pub struct RadarQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: Option<i64>,
}

/// The radar: every flagged (or lapsed) user-based grant with its deadline, soonest first.
pub async fn queue(
    State(st): State<AppState>,
    staff: Staff,
    Query(q): Query<RadarQuery>,
) -> AppResult<Response> {
    let now = st.clock.now();
    let lapsed = q.status == "lapsed";
    let radar = migration::radar(&st, staff.agency_id, lapsed, q.page.unwrap_or(1)).await?;
    let rows = radar
        .rows
        .items
        .into_iter()
        .map(|g| {
            let due = g.due_at.unwrap_or(now);
            QueueRow {
                client_id: g.client_id,
                client_name: g.client_name,
                asset_name: g.asset_name,
                kind_label: g.kind.label(),
                grantee: g.grantee,
                due: format_day(due),
                estimate: g.deadline_known == 0,
                days_left: (due - now).div_euclid(86_400),
                overdue: due < now,
            }
        })
        .collect();
    render(&QueuePage {
        layout: Layout::staff(&staff, "Managed accounts radar", "reauth"),
        counts: radar.counts,
        lapsed,
        rows,
        page: radar.rows.page,
        has_next: radar.rows.has_next,
    })
}

/// One click: a partner-mode request scoped exactly to the client's flagged assets,
/// e-mailed to the client.
pub async fn send_link(
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let issued = migration::send_reauth_link(&st, &staff.acting(&ip), id).await?;
    let to = format!("/requests/{}?notice=reauth_sent", issued.id);
    Ok(Redirect::to(&to).into_response())
}
