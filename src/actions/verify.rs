//! The agency's own Meta connection, verification of partner grants against what Meta
//! lists on the agency's `client_*` edges, and offboarding a client.

use std::collections::HashMap;

use super::{Actor, Ctx, audit, audit_as};
use crate::actions::webhooks;
use crate::clock::format_day;
use crate::domain::access::{AssetKind, GrantMode};
use crate::domain::migration::ConnectionWarning;
use crate::domain::webhook::EventType;
use crate::domain::{GrantChange, GrantStatus};
use crate::error::{AppError, AppResult};
use crate::mail::templates;
use crate::meta::client::{Edge, bounded, pending_edge};
use crate::meta::share::CONCURRENCY;
use crate::meta::{AccessToken, GraphError};
use crate::store::grants::Grant;
use crate::store::{agencies, clients, grants, leases, prefs};

/// How long one verification run may hold its lease.
const LEASE_SECS: i64 = 15 * 60;

/// Stores a pasted system-user token after Meta confirms it is valid.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
/// Connects the agency's system-user token, pasted into Settings (surrounding blanks
/// dropped).
pub async fn connect(ctx: &Ctx, actor: &Actor, pasted: &str) -> AppResult<()> {
    let token = AccessToken(pasted.trim().to_owned());
    if token.expose().is_empty()
        || token.expose().len() > 1024
        || token.expose().contains(char::is_whitespace)
    {
        return Err(AppError::BadRequest("Paste the system-user access token from Meta Business Settings → Users → System users.".into()));
    }
    store_token(ctx, actor, token).await
}

/// On the embedded defaults: connect the sandbox's agency system user in one click.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn connect_demo(ctx: &Ctx, actor: &Actor) -> AppResult<()> {
    let demo = ctx.demo.as_ref().ok_or(AppError::NotFound)?;
    store_token(ctx, actor, AccessToken(demo.system_user_token())).await
}

async fn store_token(ctx: &Ctx, actor: &Actor, token: AccessToken) -> AppResult<()> {
    let info = ctx.graph.debug_token(&token).await.map_err(|e| {
        AppError::BadRequest(format!("Meta did not accept the token: {}", e.plain()))
    })?;
    if !info.is_valid || !info.scopes.iter().any(|s| s == "business_management") {
        return Err(AppError::BadRequest(
            "That token is not valid, or lacks the business_management permission.".into(),
        ));
    }
    if info.app_id != ctx.graph.config().app_id {
        return Err(AppError::BadRequest(
            "That token was made for another Meta app. Generate the system user's token for Latchkey's app.".into(),
        ));
    }
    if info.kind != "SYSTEM_USER" {
        return Err(AppError::BadRequest(
            "That is a person's token, not a system user's. A person's access stops when your agency's people move to managed Meta accounts, and leaves with them; create a system user in Meta Business Settings → Users → System users and paste its token.".into(),
        ));
    }
    // Only an Admin system user may list the portfolio's system users, which assigning your
    // people to shared assets starts with: an Employee one would connect and then silently
    // assign nobody.
    let portfolio = agencies::get(&ctx.db.pool, actor.agency_id)
        .await?
        .and_then(|a| a.portfolio_id);
    if let Some(portfolio) = portfolio
        && let Err(GraphError::Permission { .. }) = ctx.graph.system_users(&token, &portfolio).await
    {
        return Err(AppError::BadRequest(format!(
            "That system user is not an Admin of your business portfolio ({portfolio}), so Meta does not let it assign your people to your clients' assets. In Meta Business Settings → Users → System users, give it the Admin role (or create an Admin system user) and paste its token."
        )));
    }
    let now = ctx.clock.now();
    let sealed = ctx.secrets.seal(token.expose());
    let mut tx = ctx.db.begin().await?;
    let stored = Some((sealed.as_str(), info.expires_at));
    agencies::set_meta_token(&mut *tx, actor.agency_id, stored, now).await?;
    audit(
        &mut tx,
        actor,
        "settings.meta_connected",
        "system user",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets the agency's Meta token.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn disconnect(ctx: &Ctx, actor: &Actor) -> AppResult<()> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    agencies::set_meta_token(&mut *tx, actor.agency_id, None, now).await?;
    audit(
        &mut tx,
        actor,
        "settings.meta_disconnected",
        "system user",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The agency's Meta token, opened (None: not connected).
#[tracing::instrument(skip_all, fields(agency = agency_id))]
pub async fn agency_token(ctx: &Ctx, agency_id: i64) -> AppResult<Option<AccessToken>> {
    let sealed = agencies::meta_connection(&ctx.db.pool, agency_id)
        .await?
        .sealed;
    Ok(sealed
        .and_then(|s| ctx.secrets.open(&s).ok())
        .map(AccessToken))
}

/// What Meta says about a business portfolio ID an agency entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortfolioCheck {
    /// It exists and the connection sees it (its name).
    Found(String),
    /// Meta has no portfolio by that ID that the connection can see.
    NotFound,
    /// Nothing to check with (no connection, or Meta could not be asked): accepted as typed.
    Unchecked,
}

/// Checks a portfolio ID with the agency's Meta connection (or, with the built-in sandbox,
/// the demo system user's), so an ID that does not exist is caught when it is entered
/// rather than by every share failing later.
pub async fn check_portfolio(
    ctx: &Ctx,
    agency_id: Option<i64>,
    portfolio: &str,
) -> AppResult<PortfolioCheck> {
    let token = match agency_id {
        Some(id) => agency_token(ctx, id).await?,
        None => None,
    };
    let token = token.or_else(|| {
        ctx.demo
            .as_ref()
            .map(|d| AccessToken(d.system_user_token()))
    });
    let Some(token) = token else {
        return Ok(PortfolioCheck::Unchecked);
    };
    Ok(match ctx.graph.business(&token, portfolio).await {
        Ok(b) => PortfolioCheck::Found(b.name),
        Err(GraphError::InvalidParameter { .. } | GraphError::Permission { .. }) => {
            PortfolioCheck::NotFound
        }
        Err(e) => {
            tracing::warn!(error = ?e, "portfolio id not checked");
            PortfolioCheck::Unchecked
        }
    })
}

/// The form error for a portfolio ID Meta does not know.
pub fn portfolio_not_found(id: &str) -> String {
    format!(
        "Meta has no business portfolio with ID {id} that your connection can see. Copy the ID from Meta Business Settings → Business info."
    )
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
#[tracing::instrument(skip_all, fields(agency = agency_id))]
pub async fn verify_agency(ctx: &Ctx, agency_id: i64) -> Result<VerifyReport, VerifyError> {
    let token = agency_token(ctx, agency_id)
        .await?
        .ok_or(VerifyError::NotConnected)?;
    let agency = agencies::get(&ctx.db.pool, agency_id)
        .await?
        .ok_or(VerifyError::NotConnected)?;
    let portfolio = agency
        .portfolio_id
        .clone()
        .ok_or(VerifyError::NotConnected)?;
    let holder = crate::domain::token::random_hex(8);
    let scope = format!("agency:{agency_id}");
    let now = ctx.clock.now();
    if !leases::acquire(
        &ctx.db.pool,
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
    let result = reconcile(ctx, &agency, &portfolio, &token).await;
    leases::release(&ctx.db.pool, "verify", &scope, &holder).await?;
    // Meta refused the agency's own token: tell the agency at once, not at the deadline.
    if let Err(VerifyError::Meta(GraphError::TokenInvalid { .. })) = &result {
        warn_connection(ctx, &agency, ConnectionWarning::Lost).await?;
    }
    result
}

async fn reconcile(
    ctx: &Ctx,
    agency: &agencies::Agency,
    portfolio: &str,
    token: &AccessToken,
) -> Result<VerifyReport, VerifyError> {
    // Asset id → whether the share still waits for the owner's answer. `client_*` lists
    // what the agency holds; `pending_client_*` (Pages and ad accounts only) what waits.
    let mut found: HashMap<String, bool> = HashMap::new();
    for kind in AssetKind::ALL {
        // Throttling or an outage stops the run; the next one picks up from scratch.
        let rows = ctx
            .graph
            .business_assets(token, portfolio, kind, Edge::Client)
            .await
            .map_err(VerifyError::Meta)?;
        found.extend(rows.into_iter().map(|r| (r.id, false)));
        let waiting = ctx
            .graph
            .pending_client_assets(token, portfolio, kind)
            .await
            .map_err(VerifyError::Meta)?;
        found.extend(waiting.into_iter().map(|id| (id, true)));
    }
    let now = ctx.clock.now();
    let mut report = VerifyReport::default();
    let mut lost_by_client: HashMap<i64, Vec<String>> = HashMap::new();
    let mut tx = ctx.db.begin().await?;
    for g in grants::partner_grants(&mut *tx, agency.id).await? {
        let change = match found.get(&g.asset_id) {
            Some(pending) => GrantChange::Seen { pending: *pending },
            // Meta lists no waiting shares of the other kinds: a pending one that is not
            // listed yet is still waiting, not lost.
            None if g.status == GrantStatus::Pending && pending_edge(g.kind).is_none() => {
                continue;
            }
            None => GrantChange::Missing,
        };
        let Some(new) = g.status.after(change) else {
            continue;
        };
        if change == GrantChange::Missing {
            let why = "Meta no longer lists this asset as shared with the agency.";
            grants::set_status(&mut tx, g.id, new, why, false, now).await?;
            let data = serde_json::json!({"grant_id": g.id, "client_id": g.client_id});
            webhooks::emit(&mut tx, agency.id, EventType::GrantLost, data, now).await?;
            lost_by_client
                .entry(g.client_id)
                .or_default()
                .push(label(&g));
            report.lost += 1;
        } else {
            if g.status == GrantStatus::Lost {
                report.recovered += 1;
            }
            grants::set_status(&mut tx, g.id, new, "Confirmed by Meta.", true, now).await?;
            // Confirmed partner access now covers flagged user-based access on the asset.
            if new == GrantStatus::Active {
                grants::replace_user_grants(&mut tx, agency.id, &g.asset_id, now).await?;
            }
            report.confirmed += 1;
        }
    }
    let brand = templates::Brand::from(agency);
    for (client_id, assets) in &lost_by_client {
        let name = clients::get(&mut *tx, agency.id, *client_id)
            .await?
            .map(|c| c.name)
            .unwrap_or_default();
        let url = ctx.url(&format!("/clients/{client_id}"));
        for to in prefs::recipients(&mut *tx, agency.id, "access_lost").await? {
            let email =
                templates::access_lost(&brand, &to, &name, assets, &url).map_err(AppError::from)?;
            ctx.queue_mail(&mut tx, Some(agency.id), &email, now)
                .await?;
        }
    }
    agencies::mark_verified(&mut *tx, agency.id, now).await?;
    let what = format!("{} confirmed, {} lost", report.confirmed, report.lost);
    audit_as(
        &mut tx,
        Some(agency.id),
        "verification",
        "-",
        "grants.verified",
        &what,
        now,
    )
    .await?;
    let data = serde_json::json!({
        "confirmed": report.confirmed, "lost": report.lost, "recovered": report.recovered,
    });
    webhooks::emit(
        &mut tx,
        agency.id,
        EventType::VerificationCompleted,
        data,
        now,
    )
    .await?;
    tx.commit().await?;
    ctx.mailer.wake();
    ctx.webhook_bell.notify_one();
    Ok(report)
}

/// Warns the agency's people that its Meta connection expires soon or stopped working,
/// once per warning and token. Returns whether this call sent it.
async fn warn_connection(
    ctx: &Ctx,
    agency: &agencies::Agency,
    warning: ConnectionWarning,
) -> AppResult<bool> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    if !agencies::claim_connection_warning(&mut *tx, agency.id, warning).await? {
        return Ok(false);
    }
    let expires = agencies::meta_connection(&mut *tx, agency.id)
        .await?
        .expires_at;
    let expires_on = expires
        .filter(|e| *e > 0)
        .map(format_day)
        .unwrap_or_default();
    let brand = templates::Brand::from(agency);
    let url = ctx.url("/settings");
    let kind = templates::kinds::META_CONNECTION;
    for to in prefs::recipients(&mut *tx, agency.id, kind).await? {
        let email = templates::meta_connection(&brand, &to, warning, &expires_on, &url)?;
        ctx.queue_mail(&mut tx, Some(agency.id), &email, now)
            .await?;
    }
    let what = format!("Meta connection warning: {}", warning.as_str());
    audit_as(
        &mut tx,
        Some(agency.id),
        "system",
        "-",
        "settings.meta_warning",
        &what,
        now,
    )
    .await?;
    tx.commit().await?;
    ctx.mailer.wake();
    Ok(true)
}

/// The job: warns each connected agency 14 and 3 days before its token expires, and when
/// it has. Returns how many warnings were sent.
#[tracing::instrument(skip_all)]
pub async fn warn_expiring_connections(ctx: &Ctx) -> AppResult<usize> {
    let now = ctx.clock.now();
    let mut sent = 0;
    for (agency_id, expires_at, last) in agencies::expiring_connections(&ctx.db.pool).await? {
        let Some(warning) = ConnectionWarning::due(expires_at, now).filter(|w| Some(*w) > last)
        else {
            continue;
        };
        let Some(agency) = agencies::get(&ctx.db.pool, agency_id).await? else {
            continue;
        };
        if warn_connection(ctx, &agency, warning).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// How a "check now" ended, for the page that follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckOutcome {
    Verified,
    NotConnected,
    AlreadyRunning,
    MetaFailed,
}

/// "Check now" on a client page: verifies the whole agency.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, client = client_id))]
pub async fn check_now(ctx: &Ctx, actor: &Actor, client_id: i64) -> AppResult<CheckOutcome> {
    clients::get(&ctx.db.pool, actor.agency_id, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(match verify_agency(ctx, actor.agency_id).await {
        Ok(_) => CheckOutcome::Verified,
        Err(VerifyError::NotConnected) => CheckOutcome::NotConnected,
        Err(VerifyError::AlreadyRunning) => CheckOutcome::AlreadyRunning,
        Err(VerifyError::Meta(e)) => {
            tracing::warn!(error = ?e, "check now failed");
            CheckOutcome::MetaFailed
        }
        Err(VerifyError::App(e)) => return Err(e),
    })
}

/// The periodic job: every connected agency whose last run is older than `interval`.
#[tracing::instrument(skip_all)]
pub async fn verify_due(ctx: &Ctx, interval: i64) -> usize {
    let before = ctx.clock.now() - interval;
    let Ok(due) = agencies::due_for_verification(&ctx.db.pool, before).await else {
        return 0;
    };
    let mut ran = 0;
    for agency_id in due {
        match verify_agency(ctx, agency_id).await {
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

/// A client's live grants, partner-based and user-based: what offboarding removes or lists.
#[tracing::instrument(skip_all, fields(agency = agency_id, client = client_id))]
pub async fn live_grants(
    ctx: &Ctx,
    agency_id: i64,
    client_id: i64,
) -> AppResult<(Vec<Grant>, Vec<Grant>)> {
    let all = grants::for_client(&ctx.db.pool, agency_id, client_id).await?;
    let (partner, user) = all
        .into_iter()
        .filter(|g| g.status.is_live())
        .partition(|g| g.mode == GrantMode::Partner);
    Ok((partner, user))
}

/// "Page name (Facebook Page)".
pub fn label(g: &Grant) -> String {
    format!("{} ({})", g.asset_name, g.kind.label())
}

/// Where, in the agency's own Meta Business Settings, a partner asset is removed by hand.
/// Why a Page's partner access could not be removed through the API.
const NO_PAGE_TOKEN: &str = "Meta removes a partner from a Page only with that Page's own token, and your agency's system user has no role on this Page.";

/// Why the relationship with a client's business was kept.
const SHARED_ELSEWHERE: &str = "Another of your clients in Latchkey holds assets of this Meta business, and ending the relationship would remove those too.";

/// Where a client relationship is ended by hand.
const END_BY_HAND: &str = "To end it by hand: in your agency's Meta Business Settings, open Users → Partners, select the client and choose Remove.";

fn remove_by_hand(kind: AssetKind) -> String {
    let section = kind.settings_section();
    let what = match kind {
        AssetKind::Page => "Page",
        AssetKind::AdAccount => "ad account",
        AssetKind::Instagram => "Instagram account",
        AssetKind::Catalog => "catalog",
        AssetKind::Pixel => "dataset",
    };
    format!(
        "To remove it by hand: in your agency's Meta Business Settings, open {section}, select the {what} and choose Remove."
    )
}

/// Why offboarding did not start.
#[derive(Debug)]
pub enum OffboardRefused {
    /// The typed name did not match the client's.
    NameMismatch(String),
    /// No Meta connection (or no portfolio) to remove partner access with.
    NotConnected,
}

/// Ends the partnership: removes partner access on every live partner grant and records
/// the result per asset as (asset, outcome) lines.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, client = client_id))]
pub async fn offboard(
    ctx: &Ctx,
    actor: &Actor,
    client_id: i64,
    confirm_name: &str,
) -> AppResult<Result<Vec<(String, String)>, OffboardRefused>> {
    let client = clients::get(&ctx.db.pool, actor.agency_id, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = agencies::get(&ctx.db.pool, actor.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if confirm_name.trim() != client.name {
        return Ok(Err(OffboardRefused::NameMismatch(client.name)));
    }
    let (partner, _) = live_grants(ctx, actor.agency_id, client_id).await?;
    let token = agency_token(ctx, actor.agency_id).await?;
    let (Some(token), Some(portfolio)) = (token, agency.portfolio_id.clone()) else {
        return Ok(Err(OffboardRefused::NotConnected));
    };
    let total = partner.len();
    // Meta changes a Page's partners only with that Page's token: the agency's system user
    // has one for the Pages it was given a role on (`/me/accounts`).
    let page_tokens: HashMap<String, AccessToken> =
        if partner.iter().any(|g| g.kind == AssetKind::Page) {
            crate::actions::assignments::page_tokens(ctx, &token).await
        } else {
            HashMap::new()
        };
    let outcomes = bounded(partner, CONCURRENCY, |g| {
        let (graph, portfolio, system) = (ctx.graph.clone(), portfolio.clone(), token.clone());
        let owner_side = match g.kind {
            AssetKind::Page => page_tokens.get(&g.asset_id).cloned(),
            _ => Some(token.clone()),
        };
        async move {
            // The agency's own side first: Meta documents it for Pages and ad accounts, and
            // it needs no Page token (which an agency given Advertise or View never holds).
            let agency_side = graph
                .leave_client_asset(&system, &portfolio, g.kind, &g.asset_id)
                .await;
            let r = match (agency_side, owner_side) {
                (Some(Ok(())), _) => Ok(()),
                // Then the owner's side, where the agency holds what it needs.
                (_, Some(t)) => graph
                    .remove_partner(&t, &g.asset_id, &portfolio)
                    .await
                    .map_err(|e| e.plain().to_owned()),
                (Some(Err(e)), None) => Err(e.plain().to_owned()),
                (None, None) => Err(NO_PAGE_TOKEN.to_owned()),
            };
            (g, r)
        }
    })
    .await;
    // Then the relationship itself (`DELETE /{agency}/clients`), which takes every asset of
    // the client's business whatever its kind — unless another client of the agency's holds
    // assets of that business, which it would take too.
    let mut owners: Vec<String> = outcomes
        .iter()
        .filter_map(|(g, _)| g.owner_portfolio_id.clone())
        .filter(|o| !o.is_empty())
        .collect();
    owners.sort();
    owners.dedup();
    let mut relationships: Vec<(String, Result<(), String>)> = Vec::new();
    for owner in owners {
        if grants::owner_shared_elsewhere(&ctx.db.pool, actor.agency_id, client_id, &owner).await? {
            relationships.push((owner, Err(SHARED_ELSEWHERE.to_owned())));
            continue;
        }
        let r = ctx
            .graph
            .end_client_relationship(&token, &portfolio, &owner)
            .await
            .map_err(|e| e.plain().to_owned());
        relationships.push((owner, r));
    }
    let ended: Vec<&str> = relationships
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(o, _)| o.as_str())
        .collect();
    let outcomes: Vec<_> = outcomes
        .into_iter()
        .map(|(g, r)| {
            let by_relationship = g
                .owner_portfolio_id
                .as_deref()
                .is_some_and(|o| ended.contains(&o));
            let r = if by_relationship { Ok(()) } else { r };
            (g, r)
        })
        .collect();
    // Read back either way: an asset Meta still lists as shared with the agency was not
    // removed, whatever the calls answered; a business Meta still lists among the agency's
    // clients was not let go.
    let mut still_listed: Vec<String> = Vec::new();
    let mut kinds: Vec<AssetKind> = Vec::new();
    for (g, r) in &outcomes {
        if r.is_ok() && !kinds.contains(&g.kind) {
            kinds.push(g.kind);
        }
    }
    for kind in kinds {
        if let Ok(rows) = ctx
            .graph
            .business_assets(&token, &portfolio, kind, crate::meta::client::Edge::Client)
            .await
        {
            still_listed.extend(rows.into_iter().map(|r| r.id));
        }
    }
    let still_clients: Vec<String> = if ended.is_empty() {
        Vec::new()
    } else {
        ctx.graph
            .client_businesses(&token, &portfolio)
            .await
            .map(|rows| rows.into_iter().map(|b| b.id).collect())
            .unwrap_or_default()
    };
    let outcomes: Vec<_> = outcomes
        .into_iter()
        .map(|(g, r)| {
            let r = r.and_then(|()| {
                if still_listed.contains(&g.asset_id) {
                    Err("Meta still lists it as shared with your agency.".to_owned())
                } else {
                    Ok(())
                }
            });
            (g, r)
        })
        .collect();
    let now = ctx.clock.now();
    let mut results = Vec::new();
    let mut tx = ctx.db.begin().await?;
    for (g, r) in &outcomes {
        match r {
            Ok(()) => {
                let new = g
                    .status
                    .after(GrantChange::Removed)
                    .unwrap_or(GrantStatus::Revoked);
                let why = "Partnership ended by the agency; partner access removed.";
                grants::set_status(&mut tx, g.id, new, why, false, now).await?;
                let data = serde_json::json!({
                    "grant_id": g.id, "client_id": g.client_id, "asset_id": g.asset_id,
                    "kind": g.kind.as_str(), "mode": g.mode.as_str(),
                });
                webhooks::emit(&mut tx, actor.agency_id, EventType::GrantRemoved, data, now)
                    .await?;
                results.push((label(g), "Removed".to_owned()));
            }
            Err(why) => results.push((
                label(g),
                format!("Not removed: {why} {}", remove_by_hand(g.kind)),
            )),
        }
    }
    let removed = results.iter().filter(|r| r.1 == "Removed").count();
    for (owner, r) in relationships {
        let line = format!("The client relationship with Meta business {owner}");
        results.push(match r {
            Ok(()) if !still_clients.contains(&owner) => (line, "Removed".to_owned()),
            Ok(()) => (
                line,
                format!("Not removed: Meta still lists it among your clients. {END_BY_HAND}"),
            ),
            Err(why) => (line, format!("Not removed: {why} {END_BY_HAND}")),
        });
    }
    let target = format!(
        "{}: {removed} of {total} partner grants removed",
        client.name
    );
    audit(&mut tx, actor, "client.offboarded", &target, now).await?;
    tx.commit().await?;
    ctx.webhook_bell.notify_one();
    Ok(Ok(results))
}

/// One line of the Meta preflight: what is checked, how it stands, and whether it is ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreflightLine {
    pub what: String,
    pub state: String,
    pub ready: bool,
}

/// Settings → Meta, before an agency sends its first link: the app, the API version, each
/// permission Latchkey asks for with its access level at Meta, and the system user's role.
#[tracing::instrument(skip_all, fields(agency = agency_id))]
pub async fn preflight(ctx: &Ctx, agency_id: i64) -> AppResult<Vec<PreflightLine>> {
    let cfg = ctx.graph.config();
    let mut lines = Vec::new();
    lines.push(PreflightLine {
        what: "Meta app".into(),
        state: if ctx.demo.is_some() {
            format!("the built-in sandbox app ({})", cfg.app_id)
        } else {
            format!("app {}", cfg.app_id)
        },
        ready: !cfg.app_id.is_empty(),
    });
    let now = ctx.clock.now();
    let version = &cfg.version;
    lines.push(match crate::meta::versions::warning(version, now) {
        Some((at, days)) if days < 0 => PreflightLine {
            what: "Graph API version".into(),
            state: format!(
                "{version}: Meta stopped serving it on {}; set LATCHKEY_META_API_VERSION={}",
                format_day(at),
                crate::meta::versions::NEWEST
            ),
            ready: false,
        },
        Some((at, _)) => PreflightLine {
            what: "Graph API version".into(),
            state: format!(
                "{version}: served until {}; move to {} before then",
                format_day(at),
                crate::meta::versions::NEWEST
            ),
            ready: false,
        },
        None => PreflightLine {
            what: "Graph API version".into(),
            state: format!("{version}: served (no end date announced)"),
            ready: true,
        },
    });
    match ctx.graph.app_permissions().await {
        Ok(granted) => {
            for needed in crate::meta::client::ASKED_SCOPES {
                let got = granted.iter().find(|g| g.permission == needed);
                let advanced = got.is_some_and(|g| {
                    g.access_level.as_deref().is_none_or(|l| l == "advanced")
                        && g.status.as_deref().is_none_or(|s| s == "live" || s == "granted")
                });
                lines.push(PreflightLine {
                    what: format!("Permission {needed}"),
                    state: match got {
                        None => "not requested: add it in App Review → Permissions and Features".into(),
                        Some(_) if advanced => "Advanced Access".into(),
                        Some(g) => format!(
                            "{} access: request Advanced Access in App Review, or only people with a role on the app can log in",
                            g.access_level.as_deref().unwrap_or("standard")
                        ),
                    },
                    ready: advanced,
                });
            }
        }
        Err(e) => lines.push(PreflightLine {
            what: "Permissions".into(),
            state: format!(
                "Meta did not list the app's permissions ({}): check App Review → Permissions and Features",
                e.plain()
            ),
            ready: false,
        }),
    }
    let agency = agencies::get(&ctx.db.pool, agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let system_user = match (agency_token(ctx, agency_id).await?, agency.portfolio_id) {
        (None, _) => PreflightLine {
            what: "System user".into(),
            state: "not connected: connect an Admin system user's token below".into(),
            ready: false,
        },
        (Some(_), None) => PreflightLine {
            what: "System user".into(),
            state: "connected; add your business portfolio ID above to check its role".into(),
            ready: false,
        },
        (Some(token), Some(portfolio)) => match ctx.graph.system_users(&token, &portfolio).await {
            Ok(_) => PreflightLine {
                what: "System user".into(),
                state: "an Admin of your portfolio: it can assign your people".into(),
                ready: true,
            },
            Err(e) => PreflightLine {
                what: "System user".into(),
                state: format!(
                    "cannot list your portfolio's system users ({}): give it the Admin role",
                    e.plain()
                ),
                ready: false,
            },
        },
    };
    lines.push(system_user);
    Ok(lines)
}
