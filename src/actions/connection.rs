//! The agency's own Meta connection: connecting a system-user token (checked with Meta),
//! disconnecting, checking a portfolio id, warning before the token expires, and the
//! preflight Settings shows before the first link.

use super::{Actor, Ctx, audit, audit_as};
use crate::clock::format_day;
use crate::domain::migration::ConnectionWarning;
use crate::error::{AppError, AppResult};
use crate::mail::templates;
use crate::meta::{AccessToken, GraphError};
use crate::store::{agencies, prefs};

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

/// Warns the agency's people that its Meta connection expires soon or stopped working,
/// once per warning and token. Returns whether this call sent it.
pub(super) async fn warn_connection(
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
    let mut lines = vec![PreflightLine {
        what: "Meta app".into(),
        state: if ctx.demo.is_some() {
            format!("the built-in sandbox app ({})", cfg.app_id)
        } else {
            format!("app {}", cfg.app_id)
        },
        ready: !cfg.app_id.is_empty(),
    }];
    lines.push(version_line(&cfg.version, ctx.clock.now()));
    lines.extend(permission_lines(ctx).await);
    lines.push(system_user_line(ctx, agency_id).await?);
    Ok(lines)
}

/// Whether Meta still serves the configured Graph API version, and until when.
fn version_line(version: &str, now: i64) -> PreflightLine {
    match crate::meta::versions::warning(version, now) {
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
    }
}

/// Each permission Latchkey asks for, with its access level at Meta.
async fn permission_lines(ctx: &Ctx) -> Vec<PreflightLine> {
    let mut lines = Vec::new();
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
    lines
}

/// The system user's connection and its role in the agency's portfolio.
async fn system_user_line(ctx: &Ctx, agency_id: i64) -> AppResult<PreflightLine> {
    let agency = agencies::get(&ctx.db.pool, agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(
        match (agency_token(ctx, agency_id).await?, agency.portfolio_id) {
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
            (Some(token), Some(portfolio)) => {
                match ctx.graph.system_users(&token, &portfolio).await {
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
                }
            }
        },
    )
}
