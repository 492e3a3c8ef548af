//! Access requests, agency side: create, send, list, detail, remind, regenerate, revoke.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::{AppResult, human_wait};
use super::layout::{Layout, render, render_status};
use super::session::{ClientIp, Staff};
use super::{AppError, AppState};
use crate::clock::format_utc;
use crate::domain::access::{self, AccessLevel, Ask, AssetKind, GrantMode};
use crate::domain::{BoundedText, SecretToken};
use crate::mail::templates;
use crate::store::{agencies, audit, clients, requests, users};

/// Prefix of link tokens.
pub const LINK_PREFIX: &str = "lkr";
const PER_PAGE: i64 = 25;
const MAX_MESSAGE: usize = 1000;

/// Builds the client's link for a token.
pub fn link_url(st: &AppState, token: &SecretToken) -> String {
    format!("{}/r/{}", st.base_url, token.expose())
}

/// A fresh token and its (hash, display prefix).
fn new_token() -> (SecretToken, String, String) {
    let token = SecretToken::generate(LINK_PREFIX);
    let prefix = format!("{}…", &token.expose()[..8]);
    (token.clone(), token.hash(), prefix)
}

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

/// The form as typed, so it can be shown again with its errors.
#[derive(Debug, Default, Clone)]
struct RequestForm {
    client_id: Option<i64>,
    kinds: Vec<(String, String)>,
    mode: String,
    people: Vec<String>,
    expiry_days: String,
    single_use: bool,
    message: String,
    delivery: String,
}

impl RequestForm {
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let kinds = pairs
            .iter()
            .filter(|(n, _)| n == "kind")
            .map(|(_, k)| (k.clone(), get(&format!("level_{k}"))))
            .collect();
        Self {
            client_id: get("client_id").parse().ok(),
            kinds,
            mode: get("mode"),
            people: pairs
                .iter()
                .filter(|(n, _)| n == "person")
                .map(|(_, v)| v.clone())
                .collect(),
            expiry_days: get("expiry_days"),
            single_use: get("single_use") == "1",
            message: get("message"),
            delivery: get("delivery"),
        }
    }
}

async fn new_page(
    st: &AppState,
    staff: &Staff,
    form: RequestForm,
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
                    level: chosen.map_or_else(|| agency.default_level.clone(), |(_, l)| l.clone()),
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
    let form = RequestForm {
        client_id: q.client_id,
        ..RequestForm::default()
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
    let form = RequestForm::from_pairs(&pairs);
    let agency = agencies::get(&st.db.pool, staff.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();

    // A foreign or unknown client id is a 404, not a form error.
    let client = match form.client_id {
        Some(id) => Some(
            clients::get(&st.db.pool, staff.agency_id, id)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        None => {
            errors.push("Choose the client this request is for.".to_owned());
            None
        }
    };
    if client.as_ref().is_some_and(|c| c.archived_at.is_some()) {
        errors.push("That client is archived. Restore it first.".to_owned());
    }
    let mut asks = Vec::new();
    for (k, l) in &form.kinds {
        match (AssetKind::parse(k), AccessLevel::parse(l)) {
            (Some(kind), Some(level)) if !asks.iter().any(|a: &Ask| a.kind == kind) => {
                asks.push(Ask { kind, level })
            }
            (Some(_), Some(_)) => {}
            (None, _) => {
                errors.push("One of the asset kinds is not one Latchkey knows.".to_owned())
            }
            (_, None) => {
                errors.push("Choose manage, advertise or view for each asset kind.".to_owned())
            }
        }
    }
    if form.kinds.is_empty() {
        errors.push("Tick at least one kind of asset to ask for.".to_owned());
    }
    let mode = GrantMode::parse(&form.mode);
    match mode {
        None => errors.push("Choose partner or user access.".to_owned()),
        Some(GrantMode::Partner) if agency.portfolio_id.is_none() => errors.push(
            "Partner access needs your agency's Meta business portfolio ID. Add it in Settings, or choose user access.".to_owned(),
        ),
        _ => {}
    }
    let staff_emails: Vec<String> = users::list(&st.db.pool, staff.agency_id)
        .await?
        .into_iter()
        .map(|u| u.email)
        .collect();
    if mode == Some(GrantMode::User) {
        if form.people.is_empty() {
            errors
                .push("For user access, tick the agency people who should get access.".to_owned());
        }
        if form.people.iter().any(|p| !staff_emails.contains(p)) {
            errors.push("Only people on your team can be named for user access.".to_owned());
        }
    }
    let days = form
        .expiry_days
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=90).contains(d));
    if days.is_none() {
        errors.push("The link must expire after 1 to 90 days.".to_owned());
    }
    let message = BoundedText::parse(&form.message, "The message", MAX_MESSAGE, false)
        .map_err(|e| errors.push(e))
        .ok();
    let by_email = match form.delivery.as_str() {
        "email" => true,
        "link" => false,
        _ => {
            errors.push("Choose whether to e-mail the link or only show it.".to_owned());
            false
        }
    };
    let (Some(client), Some(mode), Some(days), Some(message), true) =
        (client, mode, days, message, errors.is_empty())
    else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &new_page(&st, &staff, form, errors).await?,
        );
    };

    let now = st.clock.now();
    let expires_at = now + days * 86_400;
    let (token, hash, prefix) = new_token();
    let people = if mode == GrantMode::User {
        form.people.join(",")
    } else {
        String::new()
    };
    let mut tx = st.db.begin().await?;
    let id = requests::insert(
        &mut *tx,
        &requests::NewRequest {
            agency_id: staff.agency_id,
            client_id: client.id,
            token_hash: &hash,
            token_prefix: &prefix,
            mode: mode.as_str(),
            asks: &Ask::encode(&asks),
            user_people: &people,
            message: message.as_str(),
            single_use: form.single_use,
            expires_at,
            created_by: staff.user_id,
            scope_assets: "",
            purpose: "access",
        },
        now,
    )
    .await?;
    requests::add_event(&mut *tx, id, "created", &format!("by {}", staff.name), now).await?;
    let link = link_url(&st, &token);
    if by_email {
        let brand = templates::Brand::from(&agency);
        let ask = access_ask(
            &client.name,
            &staff.name,
            &asks,
            message.as_str(),
            &link,
            expires_at,
        );
        let email = templates::access_link(&brand, &client.contact_email, &ask)?;
        st.queue_mail(&mut tx, Some(staff.agency_id), &email, now)
            .await?;
        requests::mark_emailed(&mut *tx, id, now).await?;
        requests::add_event(
            &mut *tx,
            id,
            "emailed",
            &format!("to {}", client.contact_email),
            now,
        )
        .await?;
    }
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "request.created",
            target: &format!("{} ({prefix})", client.name),
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    st.mailer.wake();
    // The plain link is shown this once; only its hash is kept.
    render(&LinkPage {
        layout: Layout::staff(&staff, "Your link", "requests"),
        request_id: id,
        client_name: client.name,
        link,
        emailed_to: by_email.then_some(client.contact_email),
        expires: format_utc(expires_at),
    })
}

/// The e-mail's view of a request.
fn access_ask(
    client_name: &str,
    sender: &str,
    asks: &[Ask],
    message: &str,
    link: &str,
    expires_at: i64,
) -> templates::AccessAsk {
    templates::AccessAsk {
        client_name: client_name.to_owned(),
        sender_name: sender.to_owned(),
        asks: asks
            .iter()
            .map(|a| access::plain_words(a.kind, a.level))
            .collect(),
        message: (!message.is_empty()).then(|| message.to_owned()),
        link: link.to_owned(),
        expires_on: format_day(expires_at),
    }
}

/// "2027-01-31" for date inputs.
pub fn format_iso_day(ts: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

/// Midnight UTC of a `YYYY-MM-DD` date.
pub fn parse_iso_day(s: &str) -> Option<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &fmt)
        .ok()
        .map(|d| d.midnight().assume_utc().unix_timestamp())
}

/// "14 December 2026".
pub fn format_day(ts: i64) -> String {
    let fmt = time::macros::format_description!("[day padding:none] [month repr:long] [year]");
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
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
                mode: if r.mode == "user" { "User" } else { "Partner" },
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
        let mode = GrantMode::parse(&g.mode).unwrap_or(GrantMode::Partner);
        Self {
            asset_name: g.asset_name.clone(),
            kind_label: AssetKind::parse(&g.kind).map_or("Asset", AssetKind::label),
            partner: mode == GrantMode::Partner,
            badge: mode.badge(),
            grantee: g.grantee.clone(),
            status: g.status.replace('_', " "),
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
    requests::get(&st.db.pool, staff.agency_id, id)
        .await?
        .ok_or(AppError::NotFound)
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
        .map(|t| t + 86_400)
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
        mode_badge: GrantMode::parse(&r.mode)
            .unwrap_or(GrantMode::Partner)
            .badge(),
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
    let r = load(&st, &staff, id).await?;
    let now = st.clock.now();
    if !matches!(r.status(now), "created" | "emailed" | "opened") {
        return Err(AppError::BadRequest(
            "This request is no longer open, so there is nothing to remind the client about."
                .into(),
        ));
    }
    let agency = agencies::get(&st.db.pool, staff.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = st.db.begin().await?;
    if !requests::claim_reminder(&mut *tx, staff.agency_id, id, now).await? {
        let wait = r.last_reminder_at.map_or(0, |t| t + 86_400 - now);
        tracing::info!(request_id = id, "reminder refused for {}", human_wait(wait));
        return Err(AppError::TooManyRequests {
            retry_after: wait.max(1),
        });
    }
    let prefix = queue_reminder(
        &st,
        &mut tx,
        &agency,
        &r,
        &staff.name,
        &format!("by {} to {}", staff.name, r.client_email),
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "request.reminded",
            target: &format!("{} ({prefix})", r.client_name),
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    st.mailer.wake();
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
    let r = load(&st, &staff, id).await?;
    let now = st.clock.now();
    let (token, hash, prefix) = new_token();
    let mut tx = st.db.begin().await?;
    if !requests::replace_token(&mut *tx, staff.agency_id, id, &hash, &prefix).await? {
        return Err(AppError::BadRequest(
            "A revoked request cannot get a new link. Create a new request instead.".into(),
        ));
    }
    requests::add_event(
        &mut *tx,
        id,
        "regenerated",
        &format!("by {}; the old link no longer works", staff.name),
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "request.regenerated",
            target: &format!("{} ({prefix})", r.client_name),
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    render(&LinkPage {
        layout: Layout::staff(&staff, "Your new link", "requests"),
        request_id: id,
        client_name: r.client_name,
        link: link_url(&st, &token),
        emailed_to: None,
        expires: format_utc(r.expires_at),
    })
}

pub async fn revoke(
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let r = load(&st, &staff, id).await?;
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    if requests::revoke(&mut *tx, staff.agency_id, id, now).await? {
        requests::add_event(&mut *tx, id, "revoked", &format!("by {}", staff.name), now).await?;
        audit::record(
            &mut *tx,
            audit::Event {
                agency_id: Some(staff.agency_id),
                actor: &staff.actor(),
                action: "request.revoked",
                target: &format!("{} ({})", r.client_name, r.token_prefix),
                ip: &ip,
                at: now,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/requests/{id}?notice=revoked")).into_response())
}

/// Queues a reminder for a request, inside the caller's transaction. Only the link's hash
/// is kept, so a reminder cannot repeat the old link: it carries a fresh one, and the old
/// one stops working (the request page says so before the click). Returns the new prefix.
async fn queue_reminder(
    st: &AppState,
    tx: &mut crate::store::Tx,
    agency: &agencies::Agency,
    r: &requests::AccessRequest,
    sender: &str,
    detail: &str,
    now: i64,
) -> AppResult<String> {
    let (token, hash, prefix) = new_token();
    requests::replace_token(&mut **tx, agency.id, r.id, &hash, &prefix).await?;
    let link = link_url(st, &token);
    let ask = access_ask(
        &r.client_name,
        sender,
        &Ask::decode(&r.asks),
        &r.message,
        &link,
        r.expires_at,
    );
    let email =
        templates::request_reminder(&templates::Brand::from(agency), &r.client_email, &ask)?;
    st.queue_mail(&mut *tx, Some(agency.id), &email, now)
        .await?;
    requests::add_event(&mut **tx, r.id, "reminded", detail, now).await?;
    Ok(prefix)
}

/// The automatic reminder job: one pass over requests that were e-mailed and not opened
/// for the agency's `reminder_days`. Safe to run in several processes at once: each
/// reminder is claimed by one atomic update in the transaction that queues its e-mail.
pub async fn send_auto_reminders(st: &AppState) -> Result<usize, AppError> {
    let now = st.clock.now();
    let due = requests::due_for_auto_reminder(&st.db.pool, now, 100).await?;
    let mut sent = 0;
    for (id, agency_id) in due {
        let Some(r) = requests::get(&st.db.pool, agency_id, id).await? else {
            continue;
        };
        let Some(agency) = agencies::get(&st.db.pool, agency_id).await? else {
            continue;
        };
        let mut tx = st.db.begin().await?;
        if !requests::claim_auto_reminder(&mut *tx, id, now).await? {
            continue;
        }
        let detail = format!(
            "automatically, after {} days unopened",
            agency.reminder_days
        );
        queue_reminder(st, &mut tx, &agency, &r, agency.public_name(), &detail, now).await?;
        tx.commit().await?;
        sent += 1;
    }
    if sent > 0 {
        st.mailer.wake();
    }
    Ok(sent)
}
