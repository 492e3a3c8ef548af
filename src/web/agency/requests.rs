//! Access requests, agency side: create, send, list, detail, remind, regenerate, revoke.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::{
    self,
    requests::{Draft, Issued},
};
use crate::clock::format_utc;
use crate::domain::access::{self, AccessLevel, Ask, AssetKind, GrantMode};
use crate::domain::reminder;
use crate::store::{agencies, clients, requests, users};
use crate::web::error::AppResult;
use crate::web::layout::{Layout, render, render_status};
use crate::web::session::{ClientIp, Staff};
use crate::web::{AppError, AppState};

const PER_PAGE: i64 = 25;

struct KindRow {
    kind: &'static str,
    label: &'static str,
    checked: bool,
    level: String,
}

struct ClientOption {
    id: i64,
    name: String,
    selected: bool,
}

struct PersonOption {
    email: String,
    name: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "requests/new.html")]
struct NewPage {
    layout: Layout,
    clients: Vec<ClientOption>,
    kinds: Vec<KindRow>,
    levels: Vec<AccessLevel>,
    people: Vec<PersonOption>,
    mode: String,
    expiry_days: String,
    single_use: bool,
    message: String,
    delivery: String,
    portfolio_missing: bool,
    errors: Vec<String>,
}

/// Reads the form's repeated fields (`kind`, `level_<kind>`, `person`).
fn draft_from_pairs(pairs: &[(String, String)]) -> Draft {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let all = |k: &str| {
        pairs
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    Draft {
        client_id: get("client_id").parse().ok(),
        kinds: all("kind")
            .into_iter()
            .map(|k| {
                let level = get(&format!("level_{k}"));
                (k, level)
            })
            .collect(),
        mode: get("mode"),
        people: all("person"),
        expiry_days: get("expiry_days"),
        single_use: get("single_use") == "1",
        message: get("message"),
        delivery: get("delivery"),
    }
}

async fn new_page(
    st: &AppState,
    staff: &Staff,
    form: Draft,
    errors: Vec<String>,
) -> AppResult<NewPage> {
    let agency = agencies::get(&st.db.pool, staff.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let active = clients::list(
        &st.db.pool,
        staff.agency_id,
        &clients::ClientQuery {
            search: String::new(),
            archived: false,
            page: 1,
        },
        1000,
    )
    .await?;
    let staff_list = users::list(&st.db.pool, staff.agency_id).await?;
    let fresh = form.kinds.is_empty() && errors.is_empty();
    Ok(NewPage {
        layout: Layout::staff(staff, "New access request", "requests"),
        clients: active
            .items
            .into_iter()
            .map(|c| ClientOption {
                selected: Some(c.id) == form.client_id,
                id: c.id,
                name: c.name,
            })
            .collect(),
        kinds: AssetKind::ALL
            .iter()
            .map(|k| {
                let chosen = form.kinds.iter().find(|(kk, _)| kk == k.as_str());
                KindRow {
                    kind: k.as_str(),
                    label: k.plural_label(),
                    // A fresh form asks for Pages and ad accounts, the common case.
                    checked: chosen.is_some()
                        || (fresh && matches!(k, AssetKind::Page | AssetKind::AdAccount)),
                    level: chosen.map_or_else(
                        || agency.default_level.as_str().to_owned(),
                        |(_, l)| l.clone(),
                    ),
                }
            })
            .collect(),
        levels: AccessLevel::ALL.to_vec(),
        people: staff_list
            .into_iter()
            .map(|u| PersonOption {
                checked: form.people.contains(&u.email),
                email: u.email,
                name: u.name,
            })
            .collect(),
        mode: if form.mode.is_empty() {
            "partner".into()
        } else {
            form.mode
        },
        expiry_days: if form.expiry_days.is_empty() {
            agency.default_expiry_days.to_string()
        } else {
            form.expiry_days
        },
        single_use: form.single_use || fresh,
        message: form.message,
        delivery: if form.delivery.is_empty() {
            "email".into()
        } else {
            form.delivery
        },
        portfolio_missing: agency.portfolio_id.is_none(),
        errors,
    })
}

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    client_id: Option<i64>,
}

pub async fn new_form(
    State(st): State<AppState>,
    staff: Staff,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    if let Some(id) = q.client_id {
        clients::get(&st.db.pool, staff.agency_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
    }
    let form = Draft {
        client_id: q.client_id,
        ..Draft::default()
    };
    render(&new_page(&st, &staff, form, vec![]).await?)
}

#[derive(Template)]
#[template(path = "requests/link.html")]
struct LinkPage {
    layout: Layout,
    request_id: i64,
    client_name: String,
    link: String,
    emailed_to: Option<String>,
    expires: String,
}

pub async fn create(
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let draft = draft_from_pairs(&pairs);
    match actions::requests::create(&st, &staff.acting(&ip), &draft).await? {
        Ok(issued) => link_page(&staff, "Your link", issued),
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &new_page(&st, &staff, draft, errors).await?,
        ),
    }
}

/// The plain link, shown this once; only its hash is kept.
fn link_page(staff: &Staff, title: &str, issued: Issued) -> AppResult<Response> {
    render(&LinkPage {
        layout: Layout::staff(staff, title, "requests"),
        request_id: issued.id,
        client_name: issued.client_name,
        link: issued.link,
        emailed_to: issued.emailed_to,
        expires: format_utc(issued.expires_at),
    })
}

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

fn status_label(s: &str) -> &'static str {
    match s {
        "created" => "Created",
        "emailed" => "E-mailed",
        "opened" => "Opened",
        "completed" => "Completed",
        "partially_completed" => "Partially completed",
        "expired" => "Expired",
        "revoked" => "Revoked",
        _ => "—",
    }
}

const STATUSES: [&str; 7] = [
    "created",
    "emailed",
    "opened",
    "completed",
    "partially_completed",
    "expired",
    "revoked",
];

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
    before: Option<i64>,
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
    State(st): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let status = if STATUSES.contains(&q.status.as_str()) {
        q.status.clone()
    } else {
        String::new()
    };
    let client_name = match q.client_id {
        Some(id) => Some(
            clients::get(&st.db.pool, staff.agency_id, id)
                .await?
                .ok_or(AppError::NotFound)?
                .name,
        ),
        None => None,
    };
    let now = st.clock.now();
    let page = requests::list(
        &st.db.pool,
        staff.agency_id,
        &requests::RequestQuery {
            status: status.clone(),
            client_id: q.client_id,
            before_id: q.before,
        },
        now,
        PER_PAGE,
    )
    .await?;
    let older_url = if page.has_next {
        page.items.last().map(|r| {
            let mut u = format!("/requests?status={status}&before={}", r.id);
            if let Some(c) = q.client_id {
                u.push_str(&format!("&client_id={c}"));
            }
            u
        })
    } else {
        None
    };
    let rows = page
        .items
        .iter()
        .map(|r| {
            let s = r.status(now);
            ListRow {
                id: r.id,
                client_name: r.client_name.clone(),
                status: s,
                status_label: status_label(s),
                kinds: kinds_summary(&r.asks),
                mode: if r.mode == GrantMode::User {
                    "User"
                } else {
                    "Partner"
                },
                created: format_utc(r.created_at),
                expires: format_utc(r.expires_at),
            }
        })
        .collect();
    render(&ListPage {
        layout: Layout::staff(&staff, "Access requests", "requests"),
        rows,
        status,
        statuses: STATUSES.iter().map(|s| (*s, status_label(s))).collect(),
        client_id: q.client_id.unwrap_or(0),
        client_name,
        older_url,
    })
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
    pub reason: String,
    pub tasks: String,
    pub due: Option<String>,
}

impl GrantRow {
    pub fn from_grant(g: &crate::store::grants::Grant) -> Self {
        Self {
            asset_name: g.asset_name.clone(),
            kind_label: g.kind.label(),
            partner: g.mode == GrantMode::Partner,
            badge: g.mode.badge(),
            grantee: g.grantee.clone(),
            status: g.status.label().to_owned(),
            reason: g.status_reason.clone(),
            tasks: g.tasks.replace(',', ", "),
            due: g.due_at.map(format_utc),
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
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

async fn load(st: &AppState, staff: &Staff, id: i64) -> AppResult<requests::AccessRequest> {
    actions::requests::get(st, staff.agency_id, id).await
}

pub async fn show(
    State(st): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let r = load(&st, &staff, id).await?;
    let now = st.clock.now();
    let status = r.status(now);
    let events = requests::events(&st.db.pool, r.id)
        .await?
        .into_iter()
        .map(|e| EventRow {
            when: format_utc(e.created_at),
            kind: e.kind,
            detail: e.detail,
        })
        .collect();
    let live = matches!(status, "created" | "emailed" | "opened");
    let next_reminder = r
        .last_reminder_at
        .map(|t| t + reminder::COOLDOWN)
        .filter(|t| *t > now)
        .map(format_utc);
    render(&ShowPage {
        layout: Layout::staff(&staff, format!("Request for {}", r.client_name), "requests")
            .with_notice(q.notice.as_deref()),
        status,
        status_label: status_label(status),
        asks: Ask::decode(&r.asks)
            .iter()
            .map(|a| access::plain_words(a.kind, a.level))
            .collect(),
        mode_badge: r.mode.badge(),
        user_mode: r.mode == GrantMode::User,
        people: r.user_people.replace(',', ", "),
        created: format_utc(r.created_at),
        expires: format_utc(r.expires_at),
        events,
        live,
        next_reminder,
        grants: crate::store::grants::for_request(&st.db.pool, staff.agency_id, r.id)
            .await?
            .iter()
            .map(GrantRow::from_grant)
            .collect(),
        r,
    })
}

pub async fn remind(
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    actions::requests::remind(&st, &staff.acting(&ip), id).await?;
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
    State(st): State<AppState>,
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
    State(st): State<AppState>,
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
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let issued = actions::requests::regenerate(&st, &staff.acting(&ip), id).await?;
    link_page(&staff, "Your new link", issued)
}

pub async fn revoke(
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    actions::requests::revoke(&st, &staff.acting(&ip), id).await?;
    Ok(Redirect::to(&format!("/requests/{id}?notice=revoked")).into_response())
}
