//! The client's approval: Facebook Login, the asset picker, sharing, and the done page.
//! A flow is bound to the browser by a `SameSite=Lax` cookie and to Facebook Login by a
//! single-use state; both are stored hashed.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::AppResult;
use super::layout::render_status;
use super::link::{Lookup, PublicBrand, gone_page, lookup, token_segment};
use super::session::{ClientIp, Cookies, CsrfToken};
use super::{AppError, AppState};
use crate::actions::approval::{self as approval_run, Begun};
use crate::domain::SecretToken;
use crate::domain::access::{Ask, AssetKind, GrantMode};
use crate::domain::migration::MigrationStatus;
use crate::domain::token::{hash_secret, random_hex};
use crate::mail::templates;
use crate::meta::AccessToken;
use crate::meta::share::{self, Offered, Outcome};
use crate::store::flows::{self, Flow};
use crate::store::requests::AccessRequest;
use crate::store::{agencies, audit, prefs, requests};

const FLOW_PREFIX: &str = "lkf";
const STATE_TTL: i64 = 10 * 60;
const FLOW_IDLE: i64 = 15 * 60;
const FLOW_ABSOLUTE: i64 = 60 * 60;

fn flow_cookie_name(st: &AppState) -> &'static str {
    if st.web.https {
        "__Host-lk_flow"
    } else {
        "lk_flow"
    }
}

fn with_cookie(mut resp: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Template)]
#[template(path = "client/problem.html")]
struct Problem {
    brand: PublicBrand,
    title: String,
    message: String,
    retry: bool,
    missing: Vec<String>,
}

async fn brand(st: &AppState, agency_id: i64) -> AppResult<(PublicBrand, agencies::Agency)> {
    let agency = agencies::get(&st.db.pool, agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let b = PublicBrand {
        agency_id,
        name: agency.public_name().to_owned(),
        has_logo: agencies::logo(&st.db.pool, agency_id).await?.is_some(),
    };
    Ok((b, agency))
}

async fn problem(
    st: &AppState,
    agency_id: i64,
    status: StatusCode,
    title: &str,
    message: &str,
    retry: bool,
    missing: Vec<String>,
) -> AppResult<Response> {
    let (brand, _) = brand(st, agency_id).await?;
    render_status(
        status,
        &Problem {
            brand,
            title: title.to_owned(),
            message: message.to_owned(),
            retry,
            missing,
        },
    )
}

/// "Continue with Facebook": a new flow, then the login dialog.
pub async fn start(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    uri: Uri,
) -> AppResult<Response> {
    let raw = token_segment(&uri);
    let (r, agency) = match lookup(&st, &ip, &raw).await? {
        Lookup::Live(r, a) => (r, a),
        Lookup::Gone(agency, why) => return gone_page(&st, &agency, why).await,
    };
    let now = st.clock.now();
    let cookie = SecretToken::generate(FLOW_PREFIX);
    let state = random_hex(32);
    flows::insert(
        &st.db.pool,
        r.id,
        agency.id,
        &cookie.hash(),
        &hash_secret(&state),
        now + STATE_TTL,
        now + FLOW_ABSOLUTE,
        now,
    )
    .await?;
    let scopes = share::scopes_for(&Ask::decode(&r.asks));
    let dialog = st.graph.dialog_url(&state, &scopes, false);
    let set = Cookies::build(
        &st.web,
        flow_cookie_name(&st),
        cookie.expose(),
        Some(FLOW_ABSOLUTE),
    );
    Ok(with_cookie(Redirect::to(&dialog).into_response(), &set))
}

/// The flow of this browser, if it is still within its limits.
async fn current_flow(st: &AppState, headers: &HeaderMap) -> AppResult<Option<Flow>> {
    let Some(raw) = Cookies::get(headers, flow_cookie_name(st)) else {
        return Ok(None);
    };
    let Some(token) = SecretToken::from_presented(FLOW_PREFIX, raw) else {
        return Ok(None);
    };
    let Some(flow) = flows::by_cookie(&st.db.pool, &token.hash()).await? else {
        return Ok(None);
    };
    let now = st.clock.now();
    if now >= flow.expires_at || now - flow.last_seen_at > FLOW_IDLE {
        return Ok(None);
    }
    Ok(Some(flow))
}

async fn session_over(st: &AppState) -> AppResult<Response> {
    Err(AppError::Gone {
        title: "This approval session has ended".into(),
        message: format!(
            "For your security, approval sessions end after 15 minutes without activity. Open the link {} sent you again to continue.",
            if st.sandbox.is_some() {
                "the agency"
            } else {
                "your agency"
            }
        ),
    })
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Where Facebook Login sends the browser back.
pub async fn callback(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> AppResult<Response> {
    let now = st.clock.now();
    let state = q.state.unwrap_or_default();
    let bad_state = || {
        AppError::Gone {
        title: "This sign-in has expired".into(),
        message: "The Facebook sign-in took too long, was already used, or was started in another browser. Open your link again to start over.".into(),
    }
    };
    // The state must come back to the browser that started it: check the flow cookie
    // first, so a callback replayed in another browser cannot use up the real one's state.
    let Some(mine) = current_flow(&st, &headers).await? else {
        return Err(bad_state());
    };
    let Some(flow) = flows::consume_state(&st.db.pool, mine.id, &hash_secret(&state), now).await?
    else {
        return Err(bad_state());
    };
    if q.error.is_some() {
        return problem(&st, flow.agency_id, StatusCode::OK, "You did not log in with Facebook", "Nothing was shared. To share access, log in with Facebook and allow the permissions Latchkey asks for.", true, vec![]).await;
    }
    let code = q.code.unwrap_or_default();
    let failed = |e: crate::meta::GraphError| {
        tracing::warn!(error = ?e, "facebook login could not be completed");
        e
    };
    let token = match st.graph.exchange_code(&code).await.map_err(failed) {
        Ok(t) => t.access_token,
        Err(e) => {
            return problem(
                &st,
                flow.agency_id,
                StatusCode::BAD_GATEWAY,
                "Facebook sign-in did not complete",
                e.plain(),
                true,
                vec![],
            )
            .await;
        }
    };
    let info = match st.graph.debug_token(&token).await.map_err(failed) {
        Ok(i) => i,
        Err(e) => {
            return problem(
                &st,
                flow.agency_id,
                StatusCode::BAD_GATEWAY,
                "Facebook sign-in did not complete",
                e.plain(),
                true,
                vec![],
            )
            .await;
        }
    };
    let r = requests::get(&st.db.pool, flow.agency_id, flow.request_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let needed = share::scopes_for(&Ask::decode(&r.asks));
    let missing: Vec<String> = needed
        .iter()
        .filter(|s| !info.scopes.iter().any(|g| g == *s))
        .map(|s| share::scope_words(s).to_owned())
        .collect();
    if !info.is_valid || info.app_id != st.graph.config().app_id {
        return problem(
            &st,
            flow.agency_id,
            StatusCode::BAD_REQUEST,
            "Facebook sign-in did not complete",
            "Facebook did not confirm the sign-in. Please try again.",
            true,
            vec![],
        )
        .await;
    }
    if !missing.is_empty() {
        return problem(
            &st,
            flow.agency_id,
            StatusCode::OK,
            "A permission is missing",
            "To share your assets, Latchkey needs every permission below. Nothing was shared.",
            true,
            missing,
        )
        .await;
    }
    let me = st
        .graph
        .me(&token)
        .await
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("/me failed: {e}")))?;
    let sealed = st.secrets.seal(token.expose());
    let mut tx = st.db.begin().await?;
    flows::set_login(&mut *tx, flow.id, &sealed, &me.id, &me.name, now).await?;
    requests::add_event(
        &mut *tx,
        flow.request_id,
        "login",
        &format!("{} logged in with Facebook", me.name),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/approve").into_response())
}

/// Another try at Facebook Login in the same flow, asking again for declined permissions.
pub async fn retry(State(st): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    let Some(flow) = current_flow(&st, &headers).await? else {
        return session_over(&st).await;
    };
    let r = requests::get(&st.db.pool, flow.agency_id, flow.request_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = st.clock.now();
    let state = random_hex(32);
    flows::renew_state(&st.db.pool, flow.id, &hash_secret(&state), now + STATE_TTL).await?;
    let scopes = share::scopes_for(&Ask::decode(&r.asks));
    Ok(Redirect::to(&st.graph.dialog_url(&state, &scopes, true)).into_response())
}

/// The request must still be open when the client acts on it.
async fn request_still_open(
    st: &AppState,
    flow: &Flow,
) -> AppResult<Result<(AccessRequest, agencies::Agency), Response>> {
    let r = requests::get(&st.db.pool, flow.agency_id, flow.request_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = agencies::get(&st.db.pool, flow.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = st.clock.now();
    if r.revoked_at.is_some() {
        return Err(AppError::NotFound);
    }
    if r.expires_at <= now {
        return Ok(Err(gone_page(st, &agency, "expired").await?));
    }
    if r.single_use == 1 && r.used_at.is_some() && flow.approved_at.is_none() {
        return Ok(Err(gone_page(st, &agency, "used").await?));
    }
    Ok(Ok((r, agency)))
}

struct AssetView {
    id: String,
    name: String,
    kind_label: &'static str,
    shareable: bool,
    reason: String,
}

struct Group {
    key: usize,
    name: String,
    assets: Vec<AssetView>,
    any_shareable: bool,
}

#[derive(Template)]
#[template(path = "client/picker.html")]
struct Picker {
    brand: PublicBrand,
    csrf: String,
    person: String,
    groups: Vec<Group>,
    total: usize,
    partner: bool,
    error: Option<String>,
}

fn groups_of(offered: &[Offered]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for o in offered {
        let view = AssetView {
            id: o.id.clone(),
            name: o.name.clone(),
            kind_label: o.kind().label(),
            shareable: o.shareable,
            reason: o.reason.clone().unwrap_or_default(),
        };
        match groups.iter_mut().find(|g| g.name == o.owner_name) {
            Some(g) => {
                g.any_shareable |= o.shareable;
                g.assets.push(view);
            }
            None => {
                let key = groups.len();
                groups.push(Group {
                    key,
                    name: o.owner_name.clone(),
                    any_shareable: o.shareable,
                    assets: vec![view],
                });
            }
        }
    }
    groups
}

fn open_token(st: &AppState, flow: &Flow) -> Option<AccessToken> {
    flow.token_sealed
        .as_ref()
        .and_then(|s| st.secrets.open(s).ok())
        .map(AccessToken)
}

pub async fn picker(
    State(st): State<AppState>,
    headers: HeaderMap,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let Some(flow) = current_flow(&st, &headers).await? else {
        return session_over(&st).await;
    };
    if flow.approved_at.is_some() {
        return Ok(Redirect::to("/approve/done").into_response());
    }
    let (r, agency) = match request_still_open(&st, &flow).await? {
        Ok(x) => x,
        Err(page) => return Ok(page),
    };
    let Some(token) = open_token(&st, &flow) else {
        return session_over(&st).await;
    };
    let asks = Ask::decode(&r.asks);
    let scope: Vec<&str> = r
        .scope_assets
        .split(',')
        .filter(|s| !s.is_empty())
        .collect();
    let offered = match share::inventory(
        &st.graph,
        &token,
        &asks,
        agency.portfolio_id.as_deref(),
        agency.public_name(),
    )
    .await
    {
        // A re-authorisation request offers exactly the flagged assets.
        Ok(o) => o
            .into_iter()
            .filter(|a| scope.is_empty() || scope.contains(&a.id.as_str()))
            .collect::<Vec<_>>(),
        Err(e) => {
            return problem(
                &st,
                agency.id,
                StatusCode::BAD_GATEWAY,
                "We could not load your assets",
                e.plain(),
                e == crate::meta::GraphError::TokenInvalid { subcode: None },
                vec![],
            )
            .await;
        }
    };
    let now = st.clock.now();
    flows::set_inventory(
        &st.db.pool,
        flow.id,
        &serde_json::to_string(&offered).unwrap_or_default(),
        now,
    )
    .await?;
    let (brand, _) = brand(&st, agency.id).await?;
    render_status(
        StatusCode::OK,
        &Picker {
            brand,
            csrf: csrf.0,
            person: flow.person_name.unwrap_or_default(),
            total: offered.len(),
            groups: groups_of(&offered),
            partner: r.mode == GrantMode::Partner.as_str(),
            error: None,
        },
    )
}

pub async fn approve(
    State(st): State<AppState>,
    headers: HeaderMap,
    csrf: CsrfToken,
    ClientIp(ip): ClientIp,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let Some(flow) = current_flow(&st, &headers).await? else {
        return session_over(&st).await;
    };
    if flow.approved_at.is_some() {
        // A second submit (double click, back button): the first one's results stand.
        return Ok(Redirect::to("/approve/done").into_response());
    }
    let (r, agency) = match request_still_open(&st, &flow).await? {
        Ok(x) => x,
        Err(page) => return Ok(page),
    };
    let offered: Vec<Offered> = flow
        .inventory
        .as_deref()
        .and_then(|i| serde_json::from_str(i).ok())
        .unwrap_or_default();
    let ids: Vec<&str> = form
        .iter()
        .filter(|(k, _)| k == "asset")
        .map(|(_, v)| v.as_str())
        .collect();
    let selected: Vec<Offered> = offered
        .iter()
        .filter(|o| o.shareable && ids.contains(&o.id.as_str()))
        .cloned()
        .collect();
    if selected.is_empty() {
        let (brand, _) = brand(&st, agency.id).await?;
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &Picker {
                brand,
                csrf: csrf.0,
                person: flow.person_name.clone().unwrap_or_default(),
                total: offered.len(),
                groups: groups_of(&offered),
                partner: r.mode == GrantMode::Partner.as_str(),
                error: Some("Tick at least one asset to share.".into()),
            },
        );
    }
    if open_token(&st, &flow).is_none() {
        return session_over(&st).await;
    }
    start_attempt(&st, &flow, &r, &agency, &selected, ip).await
}

/// How long the browser's request waits for the shares before it is shown the progress
/// page (the approval goes on in the background either way).
const WAIT_FOR_SHARES: std::time::Duration = std::time::Duration::from_secs(10);

/// Claims an attempt with its intent, runs it in the background (a closed browser or a
/// slow Meta does not stop it), and sends the browser to the page that follows it.
async fn start_attempt(
    st: &AppState,
    flow: &Flow,
    r: &AccessRequest,
    agency: &agencies::Agency,
    selected: &[Offered],
    ip: String,
) -> AppResult<Response> {
    let attempt = match approval_run::begin(st, flow, r, selected).await? {
        Begun::Started(n) => n,
        Begun::AlreadyStarted => return Ok(Redirect::to("/approve/done").into_response()),
        Begun::LinkUsed => return gone_page(st, agency, "used").await,
        Begun::Busy => {
            return problem(
                st,
                agency.id,
                StatusCode::CONFLICT,
                "This link is being approved in another window",
                "Someone is approving with this link right now. Wait a minute and open it again to see the result.",
                false,
                vec![],
            )
            .await;
        }
    };
    let job = tokio::spawn(approval_run::run(st.ctx.clone(), flow.id, attempt, ip));
    match tokio::time::timeout(WAIT_FOR_SHARES, job).await {
        Ok(Ok(Err(e))) => tracing::error!(error = ?e, flow_id = flow.id, "approval failed"),
        Ok(Err(e)) => tracing::error!(error = %e, flow_id = flow.id, "approval task failed"),
        _ => {}
    }
    Ok(Redirect::to("/approve/done").into_response())
}

/// Tries again for the assets of this flow that were not shared.
pub async fn retry_failed(
    State(st): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
) -> AppResult<Response> {
    let Some(flow) = current_flow(&st, &headers).await? else {
        return session_over(&st).await;
    };
    if flow.in_progress() || flow.approved_at.is_none() {
        return Ok(Redirect::to("/approve/done").into_response());
    }
    let (r, agency) = match request_still_open(&st, &flow).await? {
        Ok(x) => x,
        Err(page) => return Ok(page),
    };
    if open_token(&st, &flow).is_none() {
        return session_over(&st).await;
    }
    let outcomes: Vec<Outcome> = flow
        .results
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    let offered: Vec<Offered> = flow
        .inventory
        .as_deref()
        .and_then(|i| serde_json::from_str(i).ok())
        .unwrap_or_default();
    let failed: Vec<Offered> = offered
        .into_iter()
        .filter(|o| {
            outcomes
                .iter()
                .any(|x| !x.existing && x.asset_id == o.id && x.status == "failed")
        })
        .collect();
    if failed.is_empty() {
        return Ok(Redirect::to("/approve/done").into_response());
    }
    start_attempt(&st, &flow, &r, &agency, &failed, ip).await
}

struct ResultView {
    name: String,
    kind_label: &'static str,
    reason: String,
}

#[derive(Template)]
#[template(path = "client/done.html")]
struct Done {
    brand: PublicBrand,
    csrf: String,
    granted: Vec<ResultView>,
    pending: Vec<ResultView>,
    failed: Vec<ResultView>,
    migration_status: String,
    migration_date: String,
    saved: bool,
    /// The failed assets can be tried again in this session.
    can_retry: bool,
    /// Nothing was recorded, so the link still works for another try.
    link_open: bool,
}

#[derive(Template)]
#[template(path = "client/progress.html")]
struct Progress {
    brand: PublicBrand,
    chosen: usize,
    answered: usize,
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    saved: Option<String>,
}

pub async fn done(
    State(st): State<AppState>,
    headers: HeaderMap,
    csrf: CsrfToken,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let Some(flow) = current_flow(&st, &headers).await? else {
        return session_over(&st).await;
    };
    if flow.approved_at.is_none() {
        return Ok(Redirect::to("/approve").into_response());
    }
    if flow.in_progress() {
        // Still sharing (or, after a crash, being recovered): a page that refreshes itself.
        let items = flows::items(&st.db.pool, flow.id).await?;
        let this: Vec<_> = items.iter().filter(|i| i.attempt == flow.attempt).collect();
        let (brand, _) = brand(&st, flow.agency_id).await?;
        return render_status(
            StatusCode::ACCEPTED,
            &Progress {
                brand,
                chosen: this.len(),
                answered: this.iter().filter(|i| i.outcomes.is_some()).count(),
            },
        );
    }
    let outcomes: Vec<Outcome> = flow
        .results
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    let view = |o: &Outcome| ResultView {
        name: o.asset_name.clone(),
        kind_label: AssetKind::parse(&o.kind).map_or("Asset", AssetKind::label),
        reason: o.reason.clone(),
    };
    let mine: Vec<&Outcome> = outcomes.iter().filter(|o| !o.existing).collect();
    let r = requests::get(&st.db.pool, flow.agency_id, flow.request_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // The form shows back what this client said, never the agency's own record.
    let (status, date) =
        crate::store::statements::latest_for_request(&st.db.pool, flow.agency_id, r.id)
            .await?
            .map(|s| (s.status, s.day))
            .unwrap_or_default();
    let (brand, _) = brand(&st, flow.agency_id).await?;
    let any_failed = mine.iter().any(|o| o.status == "failed");
    let any_shared = mine.iter().any(|o| o.status != "failed");
    let now = st.clock.now();
    let live = r.revoked_at.is_none() && r.expires_at > now;
    render_status(
        StatusCode::OK,
        &Done {
            can_retry: any_failed && live && flow.token_sealed.is_some(),
            link_open: live && !any_shared && (r.single_use == 0 || r.used_at.is_none()),
            brand,
            csrf: csrf.0,
            granted: mine
                .iter()
                .filter(|o| o.status == "active")
                .map(|o| view(o))
                .collect(),
            pending: mine
                .iter()
                .filter(|o| o.status == "pending")
                .map(|o| view(o))
                .collect(),
            failed: mine
                .iter()
                .filter(|o| o.status == "failed")
                .map(|o| view(o))
                .collect(),
            migration_status: status,
            migration_date: date.map(crate::clock::format_iso_day).unwrap_or_default(),
            saved: q.saved.is_some(),
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct MigrationForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    date: String,
}

/// Statements per flow before the client must wait: enough to correct a slip.
const STATEMENTS: crate::store::throttle::Policy = crate::store::throttle::Policy {
    free: 5,
    max_delay: 15 * 60,
    lock_after: 50,
    lock_secs: 60 * 60,
    forget_after: 60 * 60,
};

/// The client says whether (and when) their organisation moves to managed Meta accounts.
/// It is their statement, kept with the person's name beside the agency's record and
/// sent to the agency; it never changes that record or a grant's flag. It needs the
/// verified Facebook login of this flow and a live link, and is rate-limited.
pub async fn migration(
    State(st): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(f): Form<MigrationForm>,
) -> AppResult<Response> {
    let Some(flow) = current_flow(&st, &headers).await? else {
        return session_over(&st).await;
    };
    let (Some(person_id), Some(person_name)) = (flow.person_id.clone(), flow.person_name.clone())
    else {
        // No Facebook login in this flow: nobody to attribute a statement to.
        return session_over(&st).await;
    };
    let (r, agency) = match request_still_open(&st, &flow).await? {
        Ok(x) => x,
        Err(page) => return Ok(page),
    };
    let status = MigrationStatus::parse(&f.status)
        .ok_or_else(|| AppError::BadRequest("Choose one of the answers.".into()))?;
    let date = if f.date.trim().is_empty() {
        None
    } else {
        match crate::clock::parse_iso_day(&f.date) {
            Some(d) => Some(d),
            None => return Err(AppError::BadRequest("Use a date like 2027-01-31.".into())),
        }
    };
    if status.starts_clock() && date.is_none() {
        return Err(AppError::BadRequest(
            "Tell us the date of the move, so the agency knows the deadline.".into(),
        ));
    }
    let now = st.clock.now();
    let key = format!("statement:{}", flow.id);
    let wait = crate::store::throttle::wait_secs(&st.db.pool, &key, now).await?;
    if wait > 0 {
        return Err(AppError::TooManyRequests { retry_after: wait });
    }
    let said = match date {
        Some(d) => format!(
            "{} ({})",
            status_words(status),
            crate::clock::format_iso_day(d)
        ),
        None => status_words(status).to_owned(),
    };
    let mut tx = st.db.begin().await?;
    crate::store::throttle::record_failure(&mut tx, &key, STATEMENTS, now).await?;
    crate::store::statements::insert(
        &mut *tx,
        &crate::store::statements::NewStatement {
            agency_id: agency.id,
            client_id: r.client_id,
            request_id: r.id,
            person_id: &person_id,
            person_name: &person_name,
            status: status.as_str(),
            day: date,
        },
        now,
    )
    .await?;
    requests::add_event(
        &mut *tx,
        r.id,
        "statement",
        &format!("{person_name} said: {said}"),
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(agency.id),
            actor: &format!("{person_name} (client, Facebook id {person_id})"),
            action: "client.statement",
            target: &format!("{}: {said}", r.client_name),
            ip: &ip,
            at: now,
        },
    )
    .await?;
    let brand_mail = templates::Brand::from(&agency);
    let url = format!("{}/clients/{}", st.base_url, r.client_id);
    for to in prefs::recipients(&mut *tx, agency.id, templates::kinds::CLIENT_STATEMENT).await? {
        let email = templates::client_statement(
            &brand_mail,
            &to,
            &r.client_name,
            &person_name,
            &said,
            &url,
        )?;
        st.queue_mail(&mut tx, Some(agency.id), &email, now).await?;
    }
    flows::touch(&mut *tx, flow.id, now).await?;
    tx.commit().await?;
    st.mailer.wake();
    Ok(Redirect::to("/approve/done?saved=1").into_response())
}

/// A migration status as a client's words.
pub fn status_words(status: MigrationStatus) -> &'static str {
    match status {
        MigrationStatus::NotStarted => "not moving, or not that they know of",
        MigrationStatus::Planned => "the move is planned",
        MigrationStatus::Migrating => "the move is happening now",
        MigrationStatus::Migrated => "the move already happened",
    }
}
