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
use crate::approval::{self, Approval, Offered, Outcome};
use crate::domain::SecretToken;
use crate::domain::access::{Ask, AssetKind, GrantMode};
use crate::domain::migration::MigrationStatus;
use crate::domain::token::{hash_secret, random_hex};
use crate::mail::templates::{self, AssetOutcome};
use crate::meta::AccessToken;
use crate::store::flows::{self, Flow};
use crate::store::requests::AccessRequest;
use crate::store::{agencies, audit, clients, grants, prefs, requests, users};

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
    let scopes = approval::scopes_for(&Ask::decode(&r.asks));
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
    let Some(flow) = flows::consume_state(&st.db.pool, &hash_secret(&state), now).await? else {
        return Err(bad_state());
    };
    // The state must come back to the browser that started it.
    let mine = current_flow(&st, &headers).await?;
    if mine.as_ref().map(|f| f.id) != Some(flow.id) {
        return Err(bad_state());
    }
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
    let needed = approval::scopes_for(&Ask::decode(&r.asks));
    let missing: Vec<String> = needed
        .iter()
        .filter(|s| !info.scopes.iter().any(|g| g == *s))
        .map(|s| approval::scope_words(s).to_owned())
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
    let sealed = st.mailer.secrets.seal(token.expose());
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
    let scopes = approval::scopes_for(&Ask::decode(&r.asks));
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
        .and_then(|s| st.mailer.secrets.open(s).ok())
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
    let offered = match approval::inventory(
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
    let Some(token) = open_token(&st, &flow) else {
        return session_over(&st).await;
    };
    let now = st.clock.now();
    if !flows::claim_approval(&st.db.pool, flow.id, now).await? {
        return Ok(Redirect::to("/approve/done").into_response());
    }
    // A single-use link is consumed in one statement: of two approvals, one proceeds.
    if r.single_use == 1 && !requests::consume_single_use(&st.db.pool, r.id, now).await? {
        return gone_page(&st, &agency, "used").await;
    }
    let staff_emails: Vec<String> = users::list(&st.db.pool, agency.id)
        .await?
        .into_iter()
        .map(|u| u.email)
        .collect();
    let people: Vec<String> = r
        .user_people
        .split(',')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let asks = Ask::decode(&r.asks);
    let mode = GrantMode::parse(&r.mode).unwrap_or(GrantMode::Partner);
    let portfolio = agency.portfolio_id.clone().unwrap_or_default();
    let outcomes = match approval::approve(
        &st.graph,
        &Approval {
            token: &token,
            mode,
            asks: &asks,
            agency_portfolio: &portfolio,
            staff_emails: &staff_emails,
            people: &people,
        },
        selected,
    )
    .await
    {
        Ok(o) => o,
        Err(e) => {
            flows::release_approval(&st.db.pool, flow.id).await?;
            return problem(
                &st,
                agency.id,
                StatusCode::BAD_GATEWAY,
                "Sharing did not complete",
                e.plain(),
                false,
                vec![],
            )
            .await;
        }
    };
    record(&st, &flow, &r, &agency, &outcomes, &ip).await?;
    Ok(Redirect::to("/approve/done").into_response())
}

/// Writes grants, history, the request's outcome, e-mails and the audit entry in one
/// transaction, and ends token custody.
async fn record(
    st: &AppState,
    flow: &Flow,
    r: &AccessRequest,
    agency: &agencies::Agency,
    outcomes: &[Outcome],
    ip: &str,
) -> AppResult<()> {
    let now = st.clock.now();
    let approver = flow.person_name.clone().unwrap_or_default();
    let approver_id = flow.person_id.clone().unwrap_or_default();
    let made: Vec<&Outcome> = outcomes.iter().filter(|o| !o.existing).collect();
    let failed = made.iter().filter(|o| o.status == "failed").count();
    let outcome = if failed == 0 { "completed" } else { "partial" };
    let mut tx = st.db.begin().await?;
    for o in outcomes {
        if o.status == "failed" {
            continue;
        }
        let tasks = o.tasks.join(",");
        grants::upsert(
            &mut tx,
            &grants::GrantRecord {
                agency_id: agency.id,
                client_id: r.client_id,
                request_id: Some(r.id),
                kind: &o.kind,
                asset_id: &o.asset_id,
                asset_name: &o.asset_name,
                owner_portfolio_id: o.owner.as_deref(),
                mode: &o.mode,
                grantee: &o.grantee,
                tasks: &tasks,
                status: &o.status,
                status_reason: &o.reason,
                approved_by_name: &approver,
                approved_by_id: &approver_id,
                verified: o.verified,
                existing: o.existing,
            },
            now,
        )
        .await?;
    }
    // New partner access replaces flagged user-based access on the same assets.
    for o in outcomes
        .iter()
        .filter(|o| !o.existing && o.mode == "partner" && o.status != "failed")
    {
        grants::replace_user_grants(&mut tx, agency.id, &o.asset_id, now).await?;
    }
    requests::complete(&mut *tx, r.id, outcome, now).await?;
    requests::add_event(
        &mut *tx,
        r.id,
        "approved",
        &format!(
            "by {approver}: {} shared, {failed} failed",
            made.len() - failed
        ),
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(agency.id),
            actor: &format!("{approver} (client, Facebook id {approver_id})"),
            action: "request.approved",
            target: &format!("{} ({})", r.client_name, r.token_prefix),
            ip,
            at: now,
        },
    )
    .await?;
    let summary: Vec<AssetOutcome> = made
        .iter()
        .map(|o| AssetOutcome {
            asset_name: o.asset_name.clone(),
            kind_label: AssetKind::parse(&o.kind)
                .map_or("Asset", AssetKind::label)
                .to_owned(),
            outcome: match o.status.as_str() {
                "active" => "granted".into(),
                s => s.to_owned(),
            },
            reason: (o.status != "active").then(|| o.reason.clone()),
        })
        .collect();
    let brand_mail = templates::Brand::from(agency);
    let url = format!("{}/requests/{}", st.web.base_url, r.id);
    for to in prefs::recipients(&mut *tx, agency.id, "access_approved").await? {
        let email = templates::access_approved(&brand_mail, &to, &r.client_name, &summary, &url)?;
        st.mailer
            .queue(&mut tx, Some(agency.id), &email, now)
            .await?;
    }
    let receipt =
        templates::approval_receipt(&brand_mail, &r.client_email, &r.client_name, &summary)?;
    st.mailer
        .queue(&mut tx, Some(agency.id), &receipt, now)
        .await?;
    flows::finish(
        &mut *tx,
        flow.id,
        &serde_json::to_string(outcomes).unwrap_or_default(),
    )
    .await?;
    tx.commit().await?;
    st.mailer.wake();
    Ok(())
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
    let Some(results) = flow.results.as_deref() else {
        return Ok(Redirect::to("/approve").into_response());
    };
    let outcomes: Vec<Outcome> = serde_json::from_str(results).unwrap_or_default();
    let view = |o: &Outcome| ResultView {
        name: o.asset_name.clone(),
        kind_label: AssetKind::parse(&o.kind).map_or("Asset", AssetKind::label),
        reason: o.reason.clone(),
    };
    let mine: Vec<&Outcome> = outcomes.iter().filter(|o| !o.existing).collect();
    let r = requests::get(&st.db.pool, flow.agency_id, flow.request_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (status, date) = clients::migration(&st.db.pool, flow.agency_id, r.client_id)
        .await?
        .unwrap_or_default();
    let (brand, _) = brand(&st, flow.agency_id).await?;
    render_status(
        StatusCode::OK,
        &Done {
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
            migration_date: date
                .map(super::requests::format_iso_day)
                .unwrap_or_default(),
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

/// The client says whether (and when) their organisation moves to managed Meta accounts.
pub async fn migration(
    State(st): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(f): Form<MigrationForm>,
) -> AppResult<Response> {
    let Some(flow) = current_flow(&st, &headers).await? else {
        return session_over(&st).await;
    };
    let status = match f.status.as_str() {
        "not_started" | "planned" | "migrating" | "migrated" => f.status.as_str(),
        _ => return Err(AppError::BadRequest("Choose one of the answers.".into())),
    };
    let date = if f.date.trim().is_empty() {
        None
    } else {
        match super::requests::parse_iso_day(&f.date) {
            Some(d) => Some(d),
            None => return Err(AppError::BadRequest("Use a date like 2027-01-31.".into())),
        }
    };
    if matches!(status, "migrating" | "migrated") && date.is_none() {
        return Err(AppError::BadRequest(
            "Tell us the date of the move, so the agency knows the deadline.".into(),
        ));
    }
    let r = requests::get(&st.db.pool, flow.agency_id, flow.request_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = st.clock.now();
    let actor = format!("{} (client)", flow.person_name.clone().unwrap_or_default());
    let status = MigrationStatus::parse(status).unwrap_or(MigrationStatus::NotStarted);
    super::reauth::apply_migration(&st, flow.agency_id, r.client_id, status, date, &actor, &ip)
        .await?;
    flows::touch(&st.db.pool, flow.id, now).await?;
    Ok(Redirect::to("/approve/done?saved=1").into_response())
}
