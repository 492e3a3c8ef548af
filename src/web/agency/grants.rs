//! The grants dashboard: filters, totals, keyset pages, and a streamed CSV export.

use crate::actions::Ctx;
use std::sync::Arc;

use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;

use super::requests::GrantRow;
use crate::actions;
use crate::actions::cursor;
use crate::actions::grants::{Cursor, Grant, GrantQuery, Total};
use crate::clock::format_utc;
use crate::clock::parse_iso_day;
use crate::domain::GrantStatus;
use crate::domain::access::{AssetKind, GrantMode};
use crate::web::error::{AppResult, urlencode};
use crate::web::layout::{Layout, render};
use crate::web::session::Staff;

const PER_PAGE: i64 = 50;

#[derive(Debug, Deserialize, Default)]
pub struct Filters {
    client: Option<i64>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    due_before: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    after: String,
}

impl Filters {
    /// Keeps only known values, so nothing unexpected reaches a query or a link.
    fn query(&self) -> GrantQuery {
        GrantQuery {
            client_id: self.client.filter(|c| *c > 0),
            kind: AssetKind::parse(&self.kind),
            mode: GrantMode::parse(&self.mode),
            status: GrantStatus::parse(&self.status),
            due_before: parse_iso_day(&self.due_before).map(|d| d + 86_399),
            sort: if matches!(self.sort.as_str(), "asset" | "due") {
                self.sort.clone()
            } else {
                "newest".into()
            },
        }
    }

    /// The query string for these filters (no cursor).
    fn link(&self) -> String {
        let q = self.query();
        format!(
            "client={}&kind={}&mode={}&status={}&due_before={}&sort={}",
            q.client_id.unwrap_or(0),
            q.kind.map_or("", AssetKind::as_str),
            q.mode.map_or("", GrantMode::as_str),
            q.status.map_or("", GrantStatus::as_str),
            urlencode(&self.due_before),
            q.sort
        )
    }
}

fn total_of(totals: &[Total], mode: GrantMode) -> i64 {
    totals
        .iter()
        .filter(|t| t.mode == mode)
        .map(|t| t.count)
        .sum()
}

struct Row {
    grant: GrantRow,
    client_id: i64,
    client_name: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "grants.html")]
struct Dashboard {
    layout: Layout,
    rows: Vec<Row>,
    totals: Vec<(&'static str, &'static str, i64)>,
    partner_total: i64,
    user_total: i64,
    clients: Vec<(i64, String)>,
    f: Filters,
    selected_client: i64,
    kinds: Vec<(&'static str, &'static str)>,
    /// (value, words) for the status filter.
    statuses: Vec<(&'static str, &'static str)>,
    next_url: Option<String>,
    csv_url: String,
}

pub async fn dashboard(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Query(f): Query<Filters>,
) -> AppResult<Response> {
    let q = f.query();
    let after = cursor::decode::<Cursor>(&st, "grants", &f.after).filter(|c| c.fits(&q.sort));
    let book = actions::grants::book(&st, staff.agency_id, &q, after.as_ref(), PER_PAGE).await?;
    let rows: Vec<Row> = book
        .items
        .iter()
        .map(|g| Row {
            grant: GrantRow::from_grant(g),
            client_id: g.client_id,
            client_name: book.names.get(&g.client_id).cloned().unwrap_or_default(),
            updated: staff.when(g.updated_at),
        })
        .collect();
    let next_url = book.more.then(|| book.items.last()).flatten().map(|g| {
        let after = cursor::encode(&st, "grants", &Cursor::after(&q.sort, g));
        format!("/grants?{}&after={after}", f.link())
    });
    let totals = &book.totals;
    render(&Dashboard {
        layout: Layout::staff(&staff, "Grants", "grants"),
        partner_total: total_of(totals, GrantMode::Partner),
        user_total: total_of(totals, GrantMode::User),
        totals: totals
            .iter()
            .map(|t| (t.mode.as_str(), t.status.label(), t.count))
            .collect(),
        rows,
        clients: book.clients,
        selected_client: q.client_id.unwrap_or(0),
        csv_url: format!("/grants.csv?{}", f.link()),
        kinds: AssetKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.plural_label()))
            .collect(),
        statuses: status_choices(),
        next_url,
        f,
    })
}

/// (value, words) for the status filter.
fn status_choices() -> Vec<(&'static str, &'static str)> {
    GrantStatus::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect()
}

/// One grant as a CSV row.
fn csv_row(g: Grant) -> Bytes {
    let fields = [
        g.id.to_string(),
        g.client_id.to_string(),
        g.platform.as_str().to_owned(),
        g.kind.as_str().to_owned(),
        g.asset_id,
        g.asset_name,
        g.owner_portfolio_id.unwrap_or_default(),
        g.mode.as_str().to_owned(),
        g.grantee,
        g.tasks.replace(',', " "),
        g.status.as_str().to_owned(),
        g.status_reason,
        g.approved_by_name,
        format_utc(g.created_at),
        format_utc(g.updated_at),
        g.verified_at.map(format_utc).unwrap_or_default(),
        g.due_at.map(format_utc).unwrap_or_default(),
    ];
    Bytes::from(crate::web::csv::row(&fields))
}

/// The filtered set as CSV, streamed row by row: memory does not grow with the row count.
pub async fn export(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Query(f): Query<Filters>,
) -> AppResult<Response> {
    let rows = actions::grants::export(&st, staff.agency_id, f.query()).await?;
    Ok(csv_response(rows))
}

/// Grants as a streamed CSV download (the dashboard's export and the API's).
pub(crate) fn csv_response(
    rows: impl futures_util::Stream<Item = Result<Grant, sqlx::Error>> + Send + 'static,
) -> Response {
    let header_line = "id,client_id,platform,kind,asset_id,asset_name,owner_portfolio_id,mode,grantee,tasks,status,status_reason,approved_by,created_at,updated_at,verified_at,due_at\n";
    let body = futures_util::stream::once(async move {
        Ok::<Bytes, sqlx::Error>(Bytes::from_static(header_line.as_bytes()))
    })
    .chain(rows.map(|row| row.map(csv_row)));
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
        (
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"latchkey-grants.csv\"",
        ),
    ];
    (headers, Body::from_stream(body)).into_response()
}
