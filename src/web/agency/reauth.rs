//! Managed-account migration, agency side: recording a client's move, the re-authorisation
//! queue and the one-click link.

use super::NoticeQuery;
use crate::actions::Ctx;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::flash::{self, Shown};
use crate::actions::migration::{self, MoveForm};
use crate::actions::radar::{self, RadarCounts, RadarSort};
use crate::clock::format_day;
use crate::i18n::Tr;
use crate::web::agency::clients::{MigrationValues, show_with_migration_errors};
use crate::web::client::link::PublicBrand;
use crate::web::csv;
use crate::web::error::AppResult;
use crate::web::layout::{Layout, render};
use crate::web::session::{ClientIp, Staff};
use axum::http::header;

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
    State(st): State<Arc<Ctx>>,
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
    match migration::record(&st, &staff.acting(&ip), id, &form).await? {
        Ok(_) => Ok(Redirect::to(&format!("/clients/{id}?notice=saved")).into_response()),
        Err(errors) => {
            let sent = MigrationValues {
                status: form.status,
                date: form.date,
                people_deadline: form.people_deadline,
                deadline_source: form.deadline_source,
                activated_on: form.activated_on,
                activated_source: form.activated_source,
            };
            show_with_migration_errors(&st, &staff, id, sent, errors).await
        }
    }
}

/// Staff accept or dismiss a signal from Meta.
pub async fn decide_signal(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<SignalForm>,
) -> AppResult<Response> {
    crate::actions::signals::decide_signal(&st, &staff.acting(&ip), id, f.signal, &f.decision)
        .await?;
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
    /// `status=lapsed&` or empty, for links that keep the tab.
    tab: &'static str,
    sort: &'static str,
    rows: Vec<QueueRow>,
    page: i64,
    has_next: bool,
}

#[derive(Debug, Deserialize)]
pub struct RadarQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: Option<i64>,
}

/// The radar: every flagged (or lapsed) user-based grant with its deadline, soonest first.
pub async fn queue(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Query(q): Query<RadarQuery>,
) -> AppResult<Response> {
    let now = st.clock.now();
    let lapsed = q.status == "lapsed";
    let sort = RadarSort::parse(&q.sort);
    let radar = radar::radar(&st, staff.agency_id, lapsed, sort, q.page.unwrap_or(1)).await?;
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
        tab: if lapsed { "status=lapsed&" } else { "" },
        sort: sort.as_str(),
        rows,
        page: radar.rows.page,
        has_next: radar.rows.has_next,
    })
}

/// The radar as CSV: every flagged and lapsed grant with its deadline and basis.
pub async fn export(State(st): State<Arc<Ctx>>, staff: Staff) -> AppResult<Response> {
    let rows = radar::radar_rows(&st, staff.agency_id).await?;
    let mut body = csv::row(&[
        "client_id",
        "client",
        "asset",
        "platform",
        "kind",
        "through",
        "status",
        "deadline",
        "basis",
    ]);
    for (status, r) in rows {
        body.extend(csv::row(&[
            r.client_id.to_string(),
            r.client_name,
            r.asset_name,
            r.platform.label().to_owned(),
            r.kind.label().to_owned(),
            r.grantee,
            status.label().to_owned(),
            r.due_at
                .map(crate::clock::format_iso_day)
                .unwrap_or_default(),
            if r.deadline_known == 1 {
                "organisation's deadline".to_owned()
            } else {
                "estimate".to_owned()
            },
        ]));
    }
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
        (
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"latchkey-migration-radar.csv\"",
        ),
    ];
    Ok((headers, body).into_response())
}

/// One click: a partner-mode request scoped exactly to the client's flagged assets,
/// e-mailed to the client.
pub async fn send_link(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let issued = migration::send_reauth_link(&st, &staff.acting(&ip), id).await?;
    let to = format!("/requests/{}?notice=reauth_sent", issued.id);
    Ok(Redirect::to(&to).into_response())
}

#[derive(Template)]
#[template(path = "clients/report.html")]
struct ReportPage {
    /// The report is staff's words, in English.
    tr: Tr,
    brand: PublicBrand,
    client_id: i64,
    client_name: String,
    csrf: String,
    status: String,
    due: Option<(String, String)>,
    /// (asset, kind, through, status, deadline)
    rows: Vec<(String, &'static str, String, &'static str, String)>,
    /// The fix link, shown once right after it was made.
    link: Option<String>,
}

async fn report_page(
    st: &Ctx,
    staff: &Staff,
    id: i64,
    link: Option<String>,
) -> AppResult<Response> {
    let r = radar::report(st, staff.agency_id, id).await?;
    let rec = r.record.as_ref().map(|m| m.record());
    let status = rec.map_or_else(
        || "Not started".to_owned(),
        |m| {
            m.status
                .describe(&m.day.map(format_day).unwrap_or_default())
        },
    );
    render(&ReportPage {
        tr: Tr::EN,
        brand: PublicBrand {
            agency_id: r.agency.id,
            name: r.agency.public_name().to_owned(),
            has_logo: crate::actions::settings::has_logo(st, r.agency.id).await?,
        },
        client_id: r.client.id,
        client_name: r.client.name,
        csrf: staff.csrf.clone(),
        status,
        due: rec
            .and_then(|m| m.people_due())
            .map(|(d, b)| (migration::due_words(d, b), b.explain().to_owned())),
        rows: r
            .at_risk
            .iter()
            .map(|g| {
                (
                    g.asset_name.clone(),
                    g.kind.label(),
                    g.grantee.clone(),
                    g.status.label(),
                    g.due_at.map(format_day).unwrap_or_default(),
                )
            })
            .collect(),
        link,
    })
}

/// A printable report for one client, in the agency's branding: what is at risk, why, and
/// (once made) the one link that fixes it.
pub async fn report(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let link = match flash::take(&st, staff.user_id, &q.shown).await? {
        Some(Shown::ReportLink { client_id, link }) if client_id == id => Some(link),
        _ => None,
    };
    report_page(&st, &staff, id, link).await
}

/// Makes the report's fix link (a partner-access request for exactly the assets at risk,
/// not e-mailed: staff send the report themselves) and shows it once.
pub async fn report_link(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let issued = migration::reauth_link(&st, &staff.acting(&ip), id, false).await?;
    // Post/Redirect/Get: the report it redirects to carries the link, once.
    let shown = Shown::ReportLink {
        client_id: id,
        link: issued.link,
    };
    let flash = flash::put(&st, staff.user_id, &shown).await?;
    Ok(Redirect::to(&format!("/clients/{id}/migration-report?shown={flash}")).into_response())
}
