//! The audit log page (owners and admins): filters and CSV export.

use crate::actions::Ctx;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::actions::audit_log::{self, AuditQuery};
use crate::actions::cursor;
use crate::clock::format_utc;
use crate::clock::parse_iso_day;
use crate::web::error::{AppResult, urlencode};
use crate::web::layout::{Layout, render};
use crate::web::session::Manager;

const PER_PAGE: i64 = 50;

struct EntryView {
    when: String,
    actor: String,
    action: String,
    target: String,
    ip: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    entries: Vec<EntryView>,
    older_url: Option<String>,
    f: AuditFilters,
    csv_url: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct AuditFilters {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    client: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    before: Option<String>,
}

impl AuditFilters {
    fn query(&self) -> AuditQuery {
        let cap = |s: &str| s.trim().chars().take(100).collect::<String>();
        AuditQuery {
            actor: cap(&self.actor),
            action: cap(&self.action),
            target: cap(&self.client),
            from: parse_iso_day(&self.from),
            to: parse_iso_day(&self.to).map(|d| d + 86_399),
        }
    }

    fn link(&self) -> String {
        format!(
            "actor={}&action={}&client={}&from={}&to={}",
            urlencode(&self.actor),
            urlencode(&self.action),
            urlencode(&self.client),
            urlencode(&self.from),
            urlencode(&self.to)
        )
    }
}

pub async fn list(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    Query(f): Query<AuditFilters>,
) -> AppResult<Response> {
    let before = f
        .before
        .as_deref()
        .and_then(|c| cursor::decode(&st, "audit", c));
    let page = audit_log::page(&st, staff.agency_id, &f.query(), before, PER_PAGE).await?;
    let older_url = if page.has_next {
        page.items.last().map(|e| {
            format!(
                "/audit?{}&before={}",
                f.link(),
                cursor::encode(&st, "audit", &e.id)
            )
        })
    } else {
        None
    };
    let entries = page
        .items
        .into_iter()
        .map(|e| EntryView {
            when: staff.when(e.created_at),
            actor: e.actor,
            action: e.action,
            target: e.target,
            ip: e.ip,
        })
        .collect();
    render(&AuditPage {
        layout: Layout::staff(&staff, "Audit log", "audit"),
        entries,
        older_url,
        csv_url: format!("/audit.csv?{}", f.link()),
        f,
    })
}

pub async fn export(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    Query(f): Query<AuditFilters>,
) -> AppResult<Response> {
    let rows = audit_log::all(&st, staff.agency_id, &f.query()).await?;
    let mut out = b"when_utc,actor,action,target,ip\n".to_vec();
    for e in rows {
        let fields = [format_utc(e.created_at), e.actor, e.action, e.target, e.ip];
        out.extend(crate::web::csv::row(&fields));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"latchkey-audit.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}
