//! The agency's own Meta connection, verification of partner grants against what Meta
//! lists on the agency's `client_*` edges, and offboarding a client.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::AppResult;
use super::layout::{Layout, render};
use super::session::{ClientIp, Manager, Staff};
use super::{AppError, AppState};
use crate::domain::access::AssetKind;
use crate::mail::templates;
use crate::meta::client::Edge;
use crate::meta::{AccessToken, GraphError};
use crate::store::{agencies, audit, clients, grants, leases, prefs};

/// How long one verification run may hold its lease.
const LEASE_SECS: i64 = 15 * 60;

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

/// Stores a pasted system-user token after Meta confirms it is valid.
pub async fn connect(
    State(st): State<AppState>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Form(f): Form<TokenForm>,
) -> AppResult<Response> {
    let token = AccessToken(f.token.trim().to_owned());
    if token.expose().is_empty()
        || token.expose().len() > 1024
        || token.expose().contains(char::is_whitespace)
    {
        return Err(AppError::BadRequest("Paste the system-user access token from Meta Business Settings → Users → System users.".into()));
    }
    store_token(&st, &staff, &ip, token).await
}

/// On the embedded defaults: connect the sandbox's agency system user in one click.
pub async fn connect_sandbox(
    State(st): State<AppState>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
) -> AppResult<Response> {
    let sandbox = st.sandbox.as_ref().ok_or(AppError::NotFound)?;
    let scopes = [
        "business_management",
        "pages_show_list",
        "ads_management",
        "instagram_basic",
        "catalog_management",
    ];
    let token = AccessToken(sandbox.issue_token(
        crate::meta::sandbox::world::SYSTEM_USER,
        &scopes,
        365 * 86_400,
    ));
    store_token(&st, &staff, &ip, token).await
}

async fn store_token(
    st: &AppState,
    staff: &Staff,
    ip: &str,
    token: AccessToken,
) -> AppResult<Response> {
    let info = st.graph.debug_token(&token).await.map_err(|e| {
        AppError::BadRequest(format!("Meta did not accept the token: {}", e.plain()))
    })?;
    if !info.is_valid || !info.scopes.iter().any(|s| s == "business_management") {
        return Err(AppError::BadRequest(
            "That token is not valid, or lacks the business_management permission.".into(),
        ));
    }
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    agencies::set_meta_token(
        &mut *tx,
        staff.agency_id,
        Some(&st.secrets.seal(token.expose())),
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "settings.meta_connected",
            target: "system user",
            ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings?notice=saved").into_response())
}

pub async fn disconnect(
    State(st): State<AppState>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
) -> AppResult<Response> {
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    agencies::set_meta_token(&mut *tx, staff.agency_id, None, now).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "settings.meta_disconnected",
            target: "system user",
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings?notice=saved").into_response())
}

async fn agency_token(st: &AppState, agency_id: i64) -> AppResult<Option<AccessToken>> {
    let (sealed, _, _) = agencies::meta_connection(&st.db.pool, agency_id).await?;
    Ok(sealed
        .and_then(|s| st.secrets.open(&s).ok())
        .map(AccessToken))
}

/// What one verification run found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub confirmed: usize,
    pub lost: usize,
    pub recovered: usize,
}

/// Why a run did not happen.
#[derive(Debug)]
pub enum VerifyError {
    NotConnected,
    /// Another process (or request) is verifying this agency right now.
    AlreadyRunning,
    Meta(GraphError),
    App(AppError),
}

impl From<AppError> for VerifyError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl From<sqlx::Error> for VerifyError {
    fn from(e: sqlx::Error) -> Self {
        Self::App(e.into())
    }
}

/// Reconciles the agency's partner grants with Meta's `client_*` edges. Holds a lease so a
/// run never overlaps itself across processes; a crashed run's lease simply expires.
pub async fn verify_agency(st: &AppState, agency_id: i64) -> Result<VerifyReport, VerifyError> {
    let token = agency_token(st, agency_id)
        .await?
        .ok_or(VerifyError::NotConnected)?;
    let agency = agencies::get(&st.db.pool, agency_id)
        .await?
        .ok_or(VerifyError::NotConnected)?;
    let portfolio = agency
        .portfolio_id
        .clone()
        .ok_or(VerifyError::NotConnected)?;
    let holder = crate::domain::token::random_hex(8);
    let scope = format!("agency:{agency_id}");
    let now = st.clock.now();
    if !leases::acquire(
        &st.db.pool,
        "verify",
        &scope,
        &holder,
        now,
        now + LEASE_SECS,
    )
    .await?
    {
        return Err(VerifyError::AlreadyRunning);
    }
    let result = reconcile(st, &agency, &portfolio, &token).await;
    leases::release(&st.db.pool, "verify", &scope, &holder).await?;
    result
}

async fn reconcile(
    st: &AppState,
    agency: &agencies::Agency,
    portfolio: &str,
    token: &AccessToken,
) -> Result<VerifyReport, VerifyError> {
    let mut found: HashMap<String, String> = HashMap::new();
    for kind in AssetKind::ALL {
        // Throttling or an outage stops the run; the next one picks up from scratch.
        let rows = st
            .graph
            .business_assets(token, portfolio, kind, Edge::Client)
            .await
            .map_err(VerifyError::Meta)?;
        for r in rows {
            found.insert(r.id, r.access_status.unwrap_or_else(|| "CONFIRMED".into()));
        }
    }
    let now = st.clock.now();
    let mut report = VerifyReport::default();
    let mut lost_by_client: HashMap<i64, Vec<String>> = HashMap::new();
    let mut tx = st.db.begin().await?;
    for g in grants::partner_grants(&mut *tx, agency.id).await? {
        match found.get(&g.asset_id) {
            Some(status) => {
                let new = if status == "PENDING" {
                    "pending"
                } else {
                    "active"
                };
                if g.status == "lost" {
                    report.recovered += 1;
                }
                grants::set_status(&mut tx, g.id, new, "Confirmed by Meta.", true, now).await?;
                report.confirmed += 1;
            }
            None if g.status != "lost" => {
                grants::set_status(
                    &mut tx,
                    g.id,
                    "lost",
                    "Meta no longer lists this asset as shared with the agency.",
                    false,
                    now,
                )
                .await?;
                lost_by_client.entry(g.client_id).or_default().push(format!(
                    "{} ({})",
                    g.asset_name,
                    AssetKind::parse(&g.kind).map_or("asset", AssetKind::label)
                ));
                report.lost += 1;
            }
            None => {}
        }
    }
    let brand = templates::Brand::from(agency);
    for (client_id, assets) in &lost_by_client {
        let name = clients::get(&mut *tx, agency.id, *client_id)
            .await?
            .map(|c| c.name)
            .unwrap_or_default();
        let url = format!("{}/clients/{client_id}", st.base_url);
        for to in prefs::recipients(&mut *tx, agency.id, "access_lost").await? {
            let email =
                templates::access_lost(&brand, &to, &name, assets, &url).map_err(AppError::from)?;
            st.queue_mail(&mut tx, Some(agency.id), &email, now).await?;
        }
    }
    agencies::mark_verified(&mut *tx, agency.id, now).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(agency.id),
            actor: "verification",
            action: "grants.verified",
            target: &format!("{} confirmed, {} lost", report.confirmed, report.lost),
            ip: "-",
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    st.mailer.wake();
    Ok(report)
}

/// The periodic job: every connected agency whose last run is older than `interval`.
pub async fn verify_due(st: &AppState, interval: i64) -> usize {
    let before = st.clock.now() - interval;
    let Ok(due) = agencies::due_for_verification(&st.db.pool, before).await else {
        return 0;
    };
    let mut ran = 0;
    for agency_id in due {
        match verify_agency(st, agency_id).await {
            Ok(r) => {
                ran += 1;
                tracing::info!(
                    agency_id,
                    confirmed = r.confirmed,
                    lost = r.lost,
                    "grants verified"
                );
            }
            Err(VerifyError::AlreadyRunning) => {}
            Err(e) => tracing::warn!(agency_id, error = ?e, "verification did not complete"),
        }
    }
    ran
}

/// "Check now" on a client page.
pub async fn check_now(
    State(st): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    clients::get(&st.db.pool, staff.agency_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let notice = match verify_agency(&st, staff.agency_id).await {
        Ok(_) => "verified",
        Err(VerifyError::NotConnected) => "not_connected",
        Err(VerifyError::AlreadyRunning) => "verify_running",
        Err(VerifyError::Meta(e)) => {
            tracing::warn!(error = ?e, "check now failed");
            "verify_failed"
        }
        Err(VerifyError::App(e)) => return Err(e),
    };
    Ok(Redirect::to(&format!("/clients/{id}?notice={notice}")).into_response())
}

#[derive(Template)]
#[template(path = "clients/offboard.html")]
struct OffboardPage {
    layout: Layout,
    client_id: i64,
    client_name: String,
    partner: Vec<String>,
    user: Vec<String>,
    connected: bool,
    results: Vec<(String, String)>,
    error: Option<String>,
}

async fn offboard_lists(
    st: &AppState,
    agency_id: i64,
    client_id: i64,
) -> AppResult<(Vec<grants::Grant>, Vec<grants::Grant>)> {
    let all = grants::for_client(&st.db.pool, agency_id, client_id).await?;
    let live =
        |g: &grants::Grant| matches!(g.status.as_str(), "active" | "pending" | "needs_reauth");
    Ok((
        all.iter()
            .filter(|g| g.mode == "partner" && live(g))
            .cloned()
            .collect(),
        all.iter()
            .filter(|g| g.mode == "user" && live(g))
            .cloned()
            .collect(),
    ))
}

fn label(g: &grants::Grant) -> String {
    format!(
        "{} ({})",
        g.asset_name,
        AssetKind::parse(&g.kind).map_or("asset", AssetKind::label)
    )
}

pub async fn offboard_confirm(
    State(st): State<AppState>,
    Manager(staff): Manager,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let client = clients::get(&st.db.pool, staff.agency_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (partner, user) = offboard_lists(&st, staff.agency_id, id).await?;
    render(&OffboardPage {
        layout: Layout::staff(
            &staff,
            format!("End partnership with {}", client.name),
            "clients",
        ),
        client_id: id,
        client_name: client.name,
        partner: partner.iter().map(label).collect(),
        user: user
            .iter()
            .map(|g| format!("{} — {}", label(g), g.grantee))
            .collect(),
        connected: agency_token(&st, staff.agency_id).await?.is_some(),
        results: vec![],
        error: None,
    })
}

#[derive(Debug, Deserialize)]
pub struct OffboardForm {
    #[serde(default)]
    confirm_name: String,
}

/// Ends the partnership: removes partner access on every live partner grant, records the
/// result per asset, and lists the user-based access that must be removed by hand.
pub async fn offboard(
    State(st): State<AppState>,
    Manager(staff): Manager,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<OffboardForm>,
) -> AppResult<Response> {
    let client = clients::get(&st.db.pool, staff.agency_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = agencies::get(&st.db.pool, staff.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (partner, user) = offboard_lists(&st, staff.agency_id, id).await?;
    let token = agency_token(&st, staff.agency_id).await?;
    let page = |results: Vec<(String, String)>, error: Option<String>| OffboardPage {
        layout: Layout::staff(
            &staff,
            format!("End partnership with {}", client.name),
            "clients",
        ),
        client_id: id,
        client_name: client.name.clone(),
        partner: partner.iter().map(label).collect(),
        user: user
            .iter()
            .map(|g| format!("{} — {}", label(g), g.grantee))
            .collect(),
        connected: token.is_some(),
        results,
        error,
    };
    if f.confirm_name.trim() != client.name {
        return super::layout::render_status(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            &page(
                vec![],
                Some(format!(
                    "Type the client's name, {}, exactly to confirm.",
                    client.name
                )),
            ),
        );
    }
    let (Some(token), Some(portfolio)) = (token.clone(), agency.portfolio_id.clone()) else {
        return super::layout::render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page(vec![], Some("Connect your agency's Meta account in Settings first: removing partner access is done with it.".into())));
    };
    let outcomes =
        crate::meta::client::bounded(partner.clone(), crate::approval::CONCURRENCY, |g| {
            let (graph, token, portfolio) = (st.graph.clone(), token.clone(), portfolio.clone());
            async move {
                let r = graph.remove_partner(&token, &g.asset_id, &portfolio).await;
                (g, r)
            }
        })
        .await;
    let now = st.clock.now();
    let mut results = Vec::new();
    let mut tx = st.db.begin().await?;
    for (g, r) in &outcomes {
        match r {
            Ok(()) => {
                grants::set_status(
                    &mut tx,
                    g.id,
                    "revoked",
                    "Partnership ended by the agency; partner access removed.",
                    false,
                    now,
                )
                .await?;
                results.push((label(g), "Removed".to_owned()));
            }
            Err(e) => results.push((label(g), format!("Not removed: {}", e.plain()))),
        }
    }
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "client.offboarded",
            target: &format!(
                "{}: {} of {} partner grants removed",
                client.name,
                results.iter().filter(|r| r.1 == "Removed").count(),
                outcomes.len()
            ),
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    render(&page(results, None))
}
