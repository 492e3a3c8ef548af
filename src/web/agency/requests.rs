//! Access requests, agency side: the list, the detail with its timeline, remind,
//! regenerate and revoke. Creating one is `new_request`.

use super::NoticeQuery;
use crate::actions::Ctx;

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::{
    self,
    requests::{self},
};
use crate::clock::format_day;
use crate::domain::GrantStatus;
use crate::domain::access::{self, Ask, GrantMode};
use crate::domain::reminder;
use crate::domain::request::DeclineReason;
use crate::domain::request::RequestStatus;
use crate::web::error::AppResult;
use crate::web::layout::{Layout, render};
use crate::web::session::{ClientIp, Staff};

const PER_PAGE: i64 = 25;

struct ListRow {
    id: i64,
    client_name: String,
    status: &'static str,
    status_label: &'static str,
    kinds: String,
    mode: &'static str,
    created: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "requests/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<ListRow>,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    client_id: i64,
    client_name: Option<String>,
    older_url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    client_id: Option<i64>,
    before: Option<String>,
}

fn kinds_summary(asks: &str) -> String {
    Ask::decode(asks)
        .iter()
        .map(|a| {
            format!(
                "{} ({})",
                a.kind.plural_label(),
                a.level.label().to_lowercase()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn list(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let status = RequestStatus::parse(&q.status);
    let client_name = match q.client_id {
        Some(id) => Some(actions::clients::get(&st, staff.agency_id, id).await?.name),
        None => None,
    };
    let now = st.clock.now();
    let query = requests::RequestQuery {
        status,
        client_id: q.client_id,
        before_id: q
            .before
            .as_deref()
            .and_then(|c| actions::cursor::decode(&st, "requests", c)),
    };
    let page = actions::requests::list(&st, staff.agency_id, &query, PER_PAGE).await?;
    let status = status.map_or("", RequestStatus::as_str).to_owned();
    let older_url = page.has_next.then(|| page.items.last()).flatten().map(|r| {
        let client = q.client_id.map(|c| format!("&client_id={c}"));
        format!(
            "/requests?status={status}&before={}{}",
            actions::cursor::encode(&st, "requests", &r.id),
            client.unwrap_or_default()
        )
    });
    render(&ListPage {
        layout: Layout::staff(&staff, "Access requests", "requests"),
        rows: page
            .items
            .iter()
            .map(|r| list_row(&staff, r, now))
            .collect(),
        status,
        statuses: RequestStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        client_id: q.client_id.unwrap_or(0),
        client_name,
        older_url,
    })
}

fn list_row(staff: &Staff, r: &requests::AccessRequest, now: i64) -> ListRow {
    let s = r.status(now);
    ListRow {
        id: r.id,
        client_name: r.client_name.clone(),
        status: s.as_str(),
        status_label: s.label(),
        kinds: kinds_summary(&r.asks),
        mode: if r.mode == GrantMode::User {
            "User"
        } else {
            "Partner"
        },
        created: staff.when(r.created_at),
        expires: staff.when(r.expires_at),
    }
}

struct EventRow {
    when: String,
    kind: String,
    detail: String,
}

/// A grant as lists show it.
pub struct GrantRow {
    pub asset_name: String,
    pub kind_label: &'static str,
    pub partner: bool,
    pub badge: &'static str,
    pub grantee: String,
    pub status: String,
    /// The status's stable name, for its colour.
    pub status_class: &'static str,
    pub reason: String,
    pub tasks: String,
    pub due: Option<String>,
    /// Partner grants: who at the agency can use the asset, or what to do so someone can.
    pub usable: Option<(bool, String)>,
}

impl GrantRow {
    pub fn from_grant(g: &crate::actions::grants::Grant) -> Self {
        Self {
            asset_name: g.asset_name.clone(),
            kind_label: g.kind.label(),
            partner: g.mode == GrantMode::Partner,
            badge: g.mode.badge(),
            grantee: g.grantee.clone(),
            status: g.status.label().to_owned(),
            status_class: g.status.as_str(),
            reason: g.status_reason.clone(),
            tasks: access::task_words(&g.tasks),
            due: g.due_at.map(format_day),
            usable: (g.mode == GrantMode::Partner && g.status == GrantStatus::Active).then(|| {
                if g.usable_by.is_empty() {
                    (false, crate::actions::assignments::assign_by_hand(g.kind))
                } else {
                    (true, format!("Usable at the agency by {}", g.usable_by))
                }
            }),
        }
    }
}

#[derive(Template)]
#[template(path = "requests/show.html")]
struct ShowPage {
    layout: Layout,
    r: requests::AccessRequest,
    status: &'static str,
    status_label: &'static str,
    asks: Vec<String>,
    mode_badge: &'static str,
    user_mode: bool,
    people: String,
    created: String,
    expires: String,
    events: Vec<EventRow>,
    live: bool,
    next_reminder: Option<String>,
    grants: Vec<GrantRow>,
    /// The client's "no": reason, note, when.
    declined: Option<String>,
}

pub(super) async fn load(st: &Ctx, staff: &Staff, id: i64) -> AppResult<requests::AccessRequest> {
    actions::requests::get(st, staff.agency_id, id).await
}

pub async fn show(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let d = actions::requests::detail(&st, staff.agency_id, id).await?;
    let (r, now) = (d.request, st.clock.now());
    let status = r.status(now);
    let next_reminder = reminder::next_allowed(r.last_reminder_at).filter(|t| *t > now);
    render(&ShowPage {
        layout: Layout::staff(&staff, format!("Request for {}", r.client_name), "requests")
            .with_notice(q.notice.as_deref()),
        status: status.as_str(),
        status_label: status.label(),
        asks: Ask::decode(&r.asks)
            .iter()
            .map(|a| access::plain_words(a.kind, a.level))
            .collect(),
        mode_badge: r.mode.badge(),
        user_mode: r.mode == GrantMode::User,
        people: r.user_people.replace(',', ", "),
        created: staff.when(r.created_at),
        expires: staff.when(r.expires_at),
        events: d
            .events
            .into_iter()
            .map(|e| EventRow::of(&staff, e))
            .collect(),
        live: status.is_open(),
        next_reminder: next_reminder.map(|t| staff.when(t)),
        grants: d.grants.iter().map(GrantRow::from_grant).collect(),
        declined: r.declined_at.map(|at| {
            let why = DeclineReason::parse(&r.decline_reason).map_or("Declined", |d| d.label());
            match r.decline_note.as_str() {
                "" => format!("{why} — {}", staff.when(at)),
                note => format!("{why}: “{note}” — {}", staff.when(at)),
            }
        }),
        r,
    })
}

impl EventRow {
    fn of(staff: &Staff, e: crate::actions::requests::TimelineRow) -> Self {
        Self {
            when: staff.when(e.created_at),
            kind: crate::domain::request::RequestEvent::parse(&e.kind)
                .map_or(e.kind, |k| k.label().to_owned()),
            detail: e.detail,
        }
    }
}

pub async fn remind(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    actions::reminders::remind(&st, &staff.acting(&ip), id).await?;
    Ok(Redirect::to(&format!("/requests/{id}?notice=reminded")).into_response())
}

#[derive(Template)]
#[template(path = "requests/confirm.html")]
struct ConfirmPage {
    layout: Layout,
    r: requests::AccessRequest,
    action: &'static str,
}

pub async fn regenerate_confirm(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let r = load(&st, &staff, id).await?;
    render(&ConfirmPage {
        layout: Layout::staff(&staff, "Regenerate link", "requests"),
        r,
        action: "regenerate",
    })
}

pub async fn revoke_confirm(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let r = load(&st, &staff, id).await?;
    render(&ConfirmPage {
        layout: Layout::staff(&staff, "Revoke link", "requests"),
        r,
        action: "revoke",
    })
}

pub async fn regenerate(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let issued = actions::requests::regenerate(&st, &staff.acting(&ip), id).await?;
    super::new_request::show_once(&st, &staff, issued, true).await
}

pub async fn revoke(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    actions::requests::revoke(&st, &staff.acting(&ip), id).await?;
    Ok(Redirect::to(&format!("/requests/{id}?notice=revoked")).into_response())
}
