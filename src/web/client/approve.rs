//! The client's approval pages: Facebook Login, the asset picker, the progress and done
//! pages. Each handler reads the flow cookie, calls one step of `actions::approval`, and
//! renders what it returned.

use crate::actions::Ctx;
use crate::web::WebConfig;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::link::{PublicBrand, gone_page, token_segment};
use crate::actions::approval::{
    self, Choice, Chose, FLOW_ABSOLUTE, LoginReturn, Problem, ProblemKind, Standing, Stop,
};
use crate::actions::approval::{Flow, Offered};
use crate::actions::settings;
use crate::domain::access::{AssetKind, GrantMode};
use crate::domain::migration::MigrationStatus;
use crate::domain::{GrantStatus, Platform};
use crate::error::AppError;
use crate::i18n::{Prefs, Text, Tr};
use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::layout::render_status;
use crate::web::session::{ClientIp, Cookies, CsrfToken};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

fn flow_cookie_name(web: &WebConfig) -> &'static str {
    if web.https {
        "__Host-lk_flow"
    } else {
        "lk_flow"
    }
}

/// The approval's flow cookie, whose name depends on whether the installation is on HTTPS.
pub struct FlowCookie(Option<String>);

impl FromRequestParts<AppState> for FlowCookie {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(Cookies::get(
            &parts.headers,
            flow_cookie_name(&st.web),
        )))
    }
}

fn with_cookie(mut resp: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

fn to(path: &str) -> AppResult<Response> {
    Ok(Redirect::to(path).into_response())
}

#[derive(Template)]
#[template(path = "client/problem.html")]
struct ProblemPage {
    tr: Tr,
    brand: PublicBrand,
    title: String,
    message: String,
    retry: bool,
    missing: Vec<String>,
}

async fn brand(st: &Ctx, agency_id: i64) -> AppResult<PublicBrand> {
    let agency = settings::agency(st, agency_id).await?;
    Ok(PublicBrand {
        agency_id,
        name: agency.public_name().to_owned(),
        has_logo: settings::has_logo(st, agency_id).await?,
    })
}

async fn problem(st: &Ctx, tr: Tr, p: Problem) -> AppResult<Response> {
    let status = match p.kind {
        ProblemKind::Declined => StatusCode::OK,
        ProblemKind::Meta => StatusCode::BAD_GATEWAY,
        ProblemKind::Invalid => StatusCode::BAD_REQUEST,
        ProblemKind::Busy => StatusCode::CONFLICT,
    };
    let page = ProblemPage {
        tr,
        brand: brand(st, p.agency_id).await?,
        title: tr.text(&p.title),
        message: tr.text(&p.message),
        retry: p.retry,
        missing: p.missing.iter().map(|m| tr.text(m)).collect(),
    };
    render_status(status, &page)
}

/// No live approval in this browser (the error page is in the reader's language).
fn session_over() -> AppResult<Response> {
    Err(AppError::Gone {
        title: Text::msg("session-over-title"),
        message: Text::msg("session-over-body"),
    })
}

/// The page for a step that could not go on.
async fn stopped(st: &Ctx, tr: Tr, stop: Stop) -> AppResult<Response> {
    match stop {
        Stop::SessionOver => session_over(),
        Stop::Gone(agency, why) => gone_page(st, tr, &agency, why).await,
        Stop::Problem(p) => problem(st, tr, p).await,
    }
}

/// The language of a page of this flow.
fn tr_of(prefs: Prefs, flow: Option<&Flow>) -> Tr {
    Tr::new(prefs.pick(flow.and_then(Flow::lang)))
}

/// The flow of this browser.
async fn current_flow(st: &Ctx, cookie: FlowCookie) -> AppResult<Option<Flow>> {
    approval::current(st, cookie.0.as_deref()).await
}

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    /// Which of the request's platforms to sign in with (`meta`, `google`); the first when
    /// absent or not one of them.
    platform: Option<String>,
}

/// "Continue with Facebook" (or Google): a new flow, then the platform's sign-in dialog.
pub async fn start(
    State(st): State<Arc<Ctx>>,
    State(web): State<Arc<WebConfig>>,
    ClientIp(ip): ClientIp,
    prefs: Prefs,
    uri: Uri,
    Query(q): Query<StartQuery>,
) -> AppResult<Response> {
    let platform = q.platform.as_deref().and_then(Platform::parse);
    let raw = token_segment(&uri);
    let started = match approval::start(&st, &ip, &raw, prefs, platform).await? {
        Ok(s) => s,
        Err(stop) => return stopped(&st, tr_of(prefs, None), stop).await,
    };
    Ok(to_dialog(&web, started))
}

/// From the done page: go on with the request's next platform, in a new flow.
pub async fn next(
    State(st): State<Arc<Ctx>>,
    State(web): State<Arc<WebConfig>>,
    cookie: FlowCookie,
    prefs: Prefs,
    Path(platform): Path<String>,
) -> AppResult<Response> {
    let Some(flow) = current_flow(&st, cookie).await? else {
        return session_over();
    };
    let platform = Platform::parse(&platform).ok_or(AppError::NotFound)?;
    match approval::start_next(&st, &flow, platform).await? {
        Ok(started) => Ok(to_dialog(&web, started)),
        Err(stop) => stopped(&st, tr_of(prefs, Some(&flow)), stop).await,
    }
}

/// Sets the new flow's cookie and sends the browser to the platform's sign-in dialog.
fn to_dialog(web: &WebConfig, started: approval::Started) -> Response {
    let name = flow_cookie_name(web);
    let set = Cookies::build(web, name, started.cookie.expose(), Some(FLOW_ABSOLUTE));
    with_cookie(Redirect::to(&started.dialog).into_response(), &set)
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Where Facebook Login sends the browser back.
pub async fn callback(
    State(st): State<Arc<Ctx>>,
    cookie: FlowCookie,
    prefs: Prefs,
    Query(q): Query<CallbackQuery>,
) -> AppResult<Response> {
    let mine = current_flow(&st, cookie).await?;
    let tr = tr_of(prefs, mine.as_ref());
    let back = LoginReturn {
        state: q.state.unwrap_or_default(),
        code: q.code,
        error: q.error,
    };
    match approval::login(&st, mine, back).await? {
        Ok(()) => to("/approve"),
        Err(p) => problem(&st, tr, p).await,
    }
}

/// Another try at Facebook Login in the same flow, asking again for declined permissions.
pub async fn retry(State(st): State<Arc<Ctx>>, cookie: FlowCookie) -> AppResult<Response> {
    let Some(flow) = current_flow(&st, cookie).await? else {
        return session_over();
    };
    to(&approval::login_again(&st, &flow).await?)
}

struct AssetView {
    id: String,
    name: String,
    kind_label: String,
    shareable: bool,
    reason: String,
}

/// One portfolio's assets of one kind: a section that collapses.
struct KindGroup {
    kind: AssetKind,
    label: String,
    assets: Vec<AssetView>,
    /// Long lists start closed, so the whole choice fits a few screens on a phone.
    open: bool,
}

struct Group {
    key: usize,
    name: String,
    kinds: Vec<KindGroup>,
    any_shareable: bool,
}

/// Kinds with more assets than this start collapsed.
const OPEN_UP_TO: usize = 8;

#[derive(Template)]
#[template(path = "client/picker.html")]
struct Picker {
    tr: Tr,
    brand: PublicBrand,
    csrf: String,
    person: String,
    groups: Vec<Group>,
    total: usize,
    partner: bool,
    /// A Google flow: access goes to the agency's Google account, not a Meta portfolio.
    google: bool,
    error: Option<String>,
    /// (portfolio, kinds, why) for each listing Meta refused.
    unlisted: Vec<(String, String, String)>,
}

fn groups_of(tr: Tr, offered: &[Offered]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for o in offered {
        let view = AssetView {
            id: o.id.clone(),
            name: o.name.clone(),
            kind_label: kind_label(tr, o.kind),
            shareable: o.shareable,
            reason: o.reason.as_ref().map(|r| tr.text(r)).unwrap_or_default(),
        };
        // Pages outside any portfolio are grouped under words in the reader's language.
        let owner = match &o.owner {
            Some(_) => o.owner_name.clone(),
            None => tr.t("owner-no-portfolio"),
        };
        let at = match groups.iter().position(|g| g.name == owner) {
            Some(i) => i,
            None => {
                groups.push(Group {
                    key: groups.len(),
                    name: owner,
                    kinds: Vec::new(),
                    any_shareable: false,
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[at];
        g.any_shareable |= o.shareable;
        match g.kinds.iter_mut().find(|k| k.kind == o.kind) {
            Some(k) => k.assets.push(view),
            None => g.kinds.push(KindGroup {
                kind: o.kind,
                label: kinds_label(tr, o.kind),
                assets: vec![view],
                open: true,
            }),
        }
    }
    for k in groups.iter_mut().flat_map(|g| g.kinds.iter_mut()) {
        k.open = k.assets.len() <= OPEN_UP_TO;
    }
    groups
}

/// "Facebook Page", in the reader's language.
fn kind_label(tr: Tr, kind: AssetKind) -> String {
    tr.t(&format!("kind-{}", kind.as_str()))
}

/// "Facebook Pages", in the reader's language.
fn kinds_label(tr: Tr, kind: AssetKind) -> String {
    tr.t(&format!("kinds-{}", kind.as_str()))
}

async fn picker_page(
    st: &Ctx,
    tr: Tr,
    csrf: String,
    flow: &Flow,
    choice: Choice,
    error: Option<String>,
) -> AppResult<Response> {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = Picker {
        tr,
        brand: brand(st, choice.agency_id).await?,
        csrf,
        person: flow.person_name.clone().unwrap_or_default(),
        total: choice.offered.len(),
        groups: groups_of(tr, &choice.offered),
        partner: choice.request.mode == GrantMode::Partner,
        google: flow.platform == crate::domain::Platform::Google,
        error,
        unlisted: choice
            .unlisted
            .into_iter()
            .map(|u| (u.owner_name, kinds_label(tr, u.kind), tr.text(&u.reason)))
            .collect(),
    };
    render_status(status, &page)
}

pub async fn picker(
    State(st): State<Arc<Ctx>>,
    cookie: FlowCookie,
    prefs: Prefs,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let Some(flow) = current_flow(&st, cookie).await? else {
        return session_over();
    };
    if flow.approved_at.is_some() {
        return to("/approve/done");
    }
    let tr = tr_of(prefs, Some(&flow));
    match approval::inventory(&st, &flow).await? {
        Ok(choice) => picker_page(&st, tr, csrf.0, &flow, choice, None).await,
        Err(stop) => stopped(&st, tr, stop).await,
    }
}

/// What choosing led to, as a page.
async fn chose(st: &Ctx, tr: Tr, csrf: String, flow: &Flow, c: Chose) -> AppResult<Response> {
    match c {
        Chose::Started => to("/approve/done"),
        Chose::NothingChosen(choice) => {
            let error = Some(tr.t("picker-nothing-chosen"));
            picker_page(st, tr, csrf, flow, *choice, error).await
        }
        Chose::Stopped(stop) => stopped(st, tr, stop).await,
    }
}

pub async fn approve(
    State(st): State<Arc<Ctx>>,
    cookie: FlowCookie,
    prefs: Prefs,
    csrf: CsrfToken,
    ClientIp(ip): ClientIp,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let Some(flow) = current_flow(&st, cookie).await? else {
        return session_over();
    };
    let ids: Vec<String> = form
        .into_iter()
        .filter(|(k, _)| k == "asset")
        .map(|(_, v)| v)
        .collect();
    let c = approval::choose(&st, &flow, &ids, &ip).await?;
    chose(&st, tr_of(prefs, Some(&flow)), csrf.0, &flow, c).await
}

/// Tries again for the assets of this flow that were not shared.
pub async fn retry_failed(
    State(st): State<Arc<Ctx>>,
    cookie: FlowCookie,
    prefs: Prefs,
    csrf: CsrfToken,
    ClientIp(ip): ClientIp,
) -> AppResult<Response> {
    let Some(flow) = current_flow(&st, cookie).await? else {
        return session_over();
    };
    let c = approval::retry_failed(&st, &flow, &ip).await?;
    chose(&st, tr_of(prefs, Some(&flow)), csrf.0, &flow, c).await
}

struct ResultView {
    name: String,
    kind_label: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "client/done.html")]
struct Done {
    tr: Tr,
    brand: PublicBrand,
    csrf: String,
    granted: Vec<ResultView>,
    pending: Vec<ResultView>,
    failed: Vec<ResultView>,
    migration_status: String,
    migration_date: String,
    saved: bool,
    /// What was wrong with the migration answer just sent: (the field, the words).
    move_error: Option<(&'static str, String)>,
    /// The failed assets can be tried again in this session.
    can_retry: bool,
    /// Nothing was recorded, so the link still works for another try.
    link_open: bool,
    /// A Meta approval: the managed-accounts question and Meta's removal steps apply.
    meta: bool,
    /// The request's platforms still to go: (slug, "Also share on Google").
    next: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "client/progress.html")]
struct Progress {
    tr: Tr,
    brand: PublicBrand,
    chosen: usize,
    answered: usize,
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    saved: Option<String>,
}

pub async fn done(
    State(st): State<Arc<Ctx>>,
    cookie: FlowCookie,
    prefs: Prefs,
    csrf: CsrfToken,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let Some(flow) = current_flow(&st, cookie).await? else {
        return session_over();
    };
    let tr = tr_of(prefs, Some(&flow));
    if flow.approved_at.is_none() {
        return to("/approve");
    }
    let brand = brand(&st, flow.agency_id).await?;
    let f = match approval::standing(&st, &flow).await? {
        Standing::Sharing { chosen, answered } => {
            // A page that refreshes itself until the shares are recorded.
            let page = Progress {
                tr,
                brand,
                chosen,
                answered,
            };
            return render_status(StatusCode::ACCEPTED, &page);
        }
        Standing::Finished(f) => f,
    };
    render_status(
        StatusCode::OK,
        &done_page(tr, f, brand, csrf.0, q.saved.is_some()),
    )
}

fn done_page(tr: Tr, f: approval::Finished, brand: PublicBrand, csrf: String, saved: bool) -> Done {
    let with = |status: GrantStatus| -> Vec<ResultView> {
        f.outcomes
            .iter()
            .filter(|o| o.status == status)
            .map(|o| ResultView {
                name: o.asset_name.clone(),
                kind_label: kind_label(tr, o.kind),
                reason: tr.text(&o.reason),
            })
            .collect()
    };
    let (said_status, said_day) = match f.said {
        Some((status, day)) => (status.as_str(), day),
        None => ("", None),
    };
    Done {
        meta: f.platform == Platform::Meta,
        next: f
            .next
            .iter()
            .map(|p| (p.as_str(), tr.t1("done-next", "platform", p.label())))
            .collect(),
        tr,
        can_retry: f.can_retry,
        link_open: f.link_open,
        brand,
        csrf,
        granted: with(GrantStatus::Active),
        pending: with(GrantStatus::Pending),
        failed: with(GrantStatus::Failed),
        migration_status: said_status.to_owned(),
        migration_date: said_day
            .map(crate::clock::format_iso_day)
            .unwrap_or_default(),
        saved,
        move_error: None,
    }
}

#[derive(Debug, Deserialize)]
pub struct MigrationForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    date: String,
}

/// The client's statement about their organisation's move (never the agency's record).
pub async fn migration(
    State(st): State<Arc<Ctx>>,
    cookie: FlowCookie,
    prefs: Prefs,
    csrf: CsrfToken,
    ClientIp(ip): ClientIp,
    Form(f): Form<MigrationForm>,
) -> AppResult<Response> {
    let Some(flow) = current_flow(&st, cookie).await? else {
        return session_over();
    };
    let tr = tr_of(prefs, Some(&flow));
    match approval::state_migration(&st, &flow, &f.status, &f.date, &ip).await? {
        Ok(()) => to("/approve/done?saved=1"),
        // A wrong answer comes back on the done page, as typed, the reason beside its field.
        Err(Stop::Problem(p)) if p.kind == ProblemKind::Invalid => {
            let Standing::Finished(finished) = approval::standing(&st, &flow).await? else {
                return to("/approve/done");
            };
            let brand = brand(&st, flow.agency_id).await?;
            let mut page = done_page(tr, finished, brand, csrf.0, false);
            let field = if f.status.is_empty() || MigrationStatus::parse(&f.status).is_none() {
                "status"
            } else {
                "date"
            };
            page.migration_status = f.status;
            page.migration_date = f.date;
            page.move_error = Some((field, tr.text(&p.message)));
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(stop) => stopped(&st, tr, stop).await,
    }
}
