//! The e-mail delivery page (owners and admins) and each user's notification preferences.

use super::NoticeQuery;
use crate::actions::Ctx;

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::{cursor, notifications};
use crate::domain::email::mask;
use crate::web::error::AppResult;
use crate::web::layout::{Layout, render};
use crate::web::session::{ClientIp, Manager, Staff};

const PER_PAGE: i64 = 50;

struct Row {
    id: i64,
    to: String,
    subject: String,
    kind: String,
    status: String,
    attempts: i64,
    when: String,
    next_attempt: Option<String>,
    last_error: Option<String>,
}

#[derive(Template)]
#[template(path = "emails.html")]
struct DeliveryPage {
    layout: Layout,
    rows: Vec<Row>,
    status: String,
    queued: i64,
    sent: i64,
    dead: i64,
    older_url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DeliveryQuery {
    #[serde(default)]
    status: String,
    before: Option<String>,
    notice: Option<String>,
}

pub async fn delivery(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    Query(q): Query<DeliveryQuery>,
) -> AppResult<Response> {
    let status = match q.status.as_str() {
        "queued" | "sent" | "dead" => q.status.clone(),
        _ => String::new(),
    };
    let before = q
        .before
        .as_deref()
        .and_then(|c| cursor::decode(&st, "emails", c));
    let (page, (queued, sent, dead)) =
        notifications::delivery(&st, staff.agency_id, &status, before, PER_PAGE).await?;
    let older_url = page.has_next.then(|| page.items.last()).flatten();
    let older_url = older_url.map(|r| {
        let at = cursor::encode(&st, "emails", &r.id);
        format!("/emails?status={status}&before={at}")
    });
    render(&DeliveryPage {
        layout: Layout::staff(&staff, "E-mail delivery", "emails").with_notice(q.notice.as_deref()),
        rows: page.items.into_iter().map(|r| Row::of(&staff, r)).collect(),
        status,
        queued,
        sent,
        dead,
        older_url,
    })
}

impl Row {
    fn of(staff: &Staff, r: notifications::OutboxRow) -> Self {
        let retrying = notifications::is_retrying(&r);
        Self {
            id: r.id,
            // Recipients are masked: this page is about delivery, not an address book.
            to: mask(&r.to_addr),
            subject: r.subject,
            kind: r.kind.replace('_', " "),
            when: staff.when(r.sent_at.unwrap_or(r.created_at)),
            next_attempt: retrying.then(|| staff.when(r.next_attempt_at)),
            status: if retrying {
                "failed, will retry".into()
            } else {
                r.status
            },
            attempts: r.attempts,
            last_error: r.last_error,
        }
    }
}

pub async fn retry(
    State(st): State<Arc<Ctx>>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    notifications::retry(&st, &staff.acting(&ip), id).await?;
    Ok(Redirect::to("/emails?notice=email_requeued").into_response())
}

struct Pref {
    event: &'static str,
    label: &'static str,
    on: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct PrefsPage {
    layout: Layout,
    prefs: Vec<Pref>,
}

pub async fn prefs_form(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    render(&PrefsPage {
        layout: Layout::staff(&staff, "Notifications", "account").with_notice(q.notice.as_deref()),
        prefs: notifications::preferences(&st, staff.user_id)
            .await?
            .into_iter()
            .map(|(event, label, on)| Pref { event, label, on })
            .collect(),
    })
}

pub async fn prefs_save(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let on: Vec<String> = form
        .into_iter()
        .filter(|(k, _)| k == "on")
        .map(|(_, v)| v)
        .collect();
    notifications::set_preferences(&st, &staff.acting(&ip), &on).await?;
    Ok(Redirect::to("/account/notifications?notice=saved").into_response())
}
