//! The audit log page (owners and admins).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::AppState;
use super::error::AppResult;
use super::layout::{Layout, render};
use super::session::Manager;
use crate::clock::format_utc;
use crate::store::audit;

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
}

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    before: Option<i64>,
}

pub async fn list(
    State(st): State<AppState>,
    Manager(staff): Manager,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let page = audit::list(&st.db.pool, staff.agency_id, q.before, PER_PAGE).await?;
    let older_url = if page.has_next {
        page.items.last().map(|e| format!("/audit?before={}", e.id))
    } else {
        None
    };
    let entries = page
        .items
        .into_iter()
        .map(|e| EntryView {
            when: format_utc(e.created_at),
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
    })
}
