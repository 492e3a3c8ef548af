//! The agency's own Google connection: a Google account an owner or manager signs in with
//! (offline access, so Latchkey keeps a refresh token, sealed). Its address is the one
//! clients give Analytics access to; its token reads back what the agency holds
//! (verification) and removes it (offboarding). With it, the agency names its Google Ads
//! manager account (MCC), checked with Google, which clients' Ads accounts are linked to.

use super::{Actor, Ctx, audit};
use crate::error::{AppError, AppResult};
use crate::google::{GoogleClient, scopes};
use crate::store::agencies;

/// What the agency's Google account is asked for: to see the properties and containers it
/// was given (verification), to remove its own access where Google lets it (offboarding),
/// and to invite clients' Ads accounts from its manager account and read the links back.
pub const AGENCY_SCOPES: [&str; 6] = [
    scopes::EMAIL,
    scopes::ANALYTICS_READONLY,
    scopes::MANAGE_USERS,
    scopes::TAGMANAGER_READONLY,
    scopes::TAGMANAGER_MANAGE_USERS,
    scopes::ADWORDS,
];

/// How long a started connection may take at Google's consent screen.
const STATE_TTL: i64 = 15 * 60;

/// The Google client, or a plain refusal when this installation has none.
pub fn client(ctx: &Ctx) -> AppResult<&GoogleClient> {
    ctx.google
        .as_ref()
        .ok_or_else(|| AppError::BadRequest("Google is not set up on this installation.".into()))
}

/// Where Google sends the agency's browser back.
pub fn redirect_uri(ctx: &Ctx) -> String {
    ctx.url("/settings/google/callback")
}

/// The consent screen's address for `actor`. The state is sealed with the installation's
/// key and names the person and a deadline, so a callback is only accepted for the person
/// who started it (no one can connect their own Google account to someone else's agency by
/// sending them a link).
pub fn start(ctx: &Ctx, actor: &Actor) -> AppResult<String> {
    let google = client(ctx)?;
    let user = actor.user_id.ok_or(AppError::Forbidden(
        "Only a person of the agency can connect Google.",
    ))?;
    let deadline = ctx.clock.now() + STATE_TTL;
    let state = ctx
        .secrets
        .seal(&format!("{}:{user}:{deadline}", actor.agency_id));
    Ok(google.consent_url(&redirect_uri(ctx), &AGENCY_SCOPES, &state, true))
}

/// Completes the connection from Google's answer; a refusal is said in plain words.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn finish(
    ctx: &Ctx,
    actor: &Actor,
    state: &str,
    code: Option<&str>,
    error: Option<&str>,
) -> AppResult<Result<String, String>> {
    let google = client(ctx)?;
    let expected = format!("{}:{}:", actor.agency_id, actor.user_id.unwrap_or_default());
    let fresh = ctx.secrets.open(state).ok().is_some_and(|s| {
        s.strip_prefix(&expected)
            .and_then(|d| d.parse::<i64>().ok())
            .is_some_and(|deadline| deadline >= ctx.clock.now())
    });
    if !fresh {
        return Ok(Err(
            "That Google sign-in was not started here, or took too long. Connect Google again."
                .into(),
        ));
    }
    let Some(code) = code.filter(|_| error.is_none()) else {
        return Ok(Err(
            "Google was not connected: the sign-in was cancelled.".into()
        ));
    };
    let answer = match google.exchange(code, &redirect_uri(ctx)).await {
        Ok(a) => a,
        Err(e) => return Ok(Err(e.plain())),
    };
    let info = match google.tokeninfo(&answer.access_token).await {
        Ok(i) => i,
        Err(e) => return Ok(Err(e.plain())),
    };
    let (Some(refresh), Some(email)) = (answer.refresh_token, info.email.clone()) else {
        return Ok(Err(
            "Google did not give lasting access or the account's address. Connect Google again and allow both.".into(),
        ));
    };
    if info.aud != google.config().client_id {
        return Ok(Err("That sign-in was for another app.".into()));
    }
    if !info.has_scope(scopes::ANALYTICS_READONLY) {
        return Ok(Err("Google was connected without \"See your Google Analytics data\", which Latchkey needs to check what clients shared. Connect Google again and leave it ticked.".into()));
    }
    let now = ctx.clock.now();
    let sealed = ctx.secrets.seal(&refresh);
    let mut tx = ctx.db.begin().await?;
    agencies::set_google(&mut *tx, actor.agency_id, Some((&sealed, &email)), now).await?;
    audit(&mut tx, actor, "settings.google_connected", &email, now).await?;
    tx.commit().await?;
    Ok(Ok(email))
}

/// Forgets the agency's Google account.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn disconnect(ctx: &Ctx, actor: &Actor) -> AppResult<()> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    agencies::set_google(&mut *tx, actor.agency_id, None, now).await?;
    audit(
        &mut tx,
        actor,
        "settings.google_disconnected",
        "Google account",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The agency's Google account: (its address, a fresh access token), or None when not
/// connected. Google refusing the refresh token means the connection was revoked.
pub async fn agency_access(
    ctx: &Ctx,
    agency_id: i64,
) -> AppResult<Option<(String, Result<String, crate::google::GoogleError>)>> {
    let Some(google) = ctx.google.as_ref() else {
        return Ok(None);
    };
    let c = agencies::google_connection(&ctx.db.pool, agency_id).await?;
    let (Some(sealed), Some(email)) = (c.sealed, c.email) else {
        return Ok(None);
    };
    let Ok(refresh) = ctx.secrets.open(&sealed) else {
        return Ok(None);
    };
    let token = google.refresh(&refresh).await.map(|a| a.access_token);
    Ok(Some((email, token)))
}

/// "123-456-7890": a Google Ads customer id as Google's screens show it.
pub fn dashed(id: &str) -> String {
    if id.len() == 10 {
        format!("{}-{}-{}", &id[..3], &id[3..6], &id[6..])
    } else {
        id.to_owned()
    }
}

/// Names (or, with an empty entry, forgets) the agency's Google Ads manager account, after
/// asking Google that the connected account reaches it and that it is a manager account.
/// A refusal is said in plain words and changes nothing.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn set_ads_manager(
    ctx: &Ctx,
    actor: &Actor,
    entered: &str,
) -> AppResult<Result<Option<String>, String>> {
    let now = ctx.clock.now();
    let id: String = entered
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .collect();
    if id.is_empty() {
        let mut tx = ctx.db.begin().await?;
        agencies::set_ads_manager(&mut *tx, actor.agency_id, None).await?;
        audit(
            &mut tx,
            actor,
            "settings.google_ads_manager_removed",
            "",
            now,
        )
        .await?;
        tx.commit().await?;
        return Ok(Ok(None));
    }
    if id.len() != 10 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Err(
            "Enter the manager account's customer ID: ten digits, as Google Ads shows it (123-456-7890)."
                .into(),
        ));
    }
    let google = client(ctx)?;
    let (email, token) = match agency_access(ctx, actor.agency_id).await? {
        None => {
            return Ok(Err(
                "Connect your agency's Google account first: Latchkey checks the manager account with it.".into(),
            ));
        }
        Some((_, Err(e))) => return Ok(Err(e.plain())),
        Some((email, Ok(token))) => (email, token),
    };
    let info = match google.customer(&token, &id, Some(&id)).await {
        Ok(info) => info,
        Err(e) if e.reason() == Some("ACCESS_TOKEN_SCOPE_INSUFFICIENT") => {
            return Ok(Err(format!(
                "{email} was connected without Google Ads. Connect Google again and leave \"Google Ads\" ticked."
            )));
        }
        Err(e) if e.reason() == Some("USER_PERMISSION_DENIED") => {
            return Ok(Err(format!(
                "{email} has no access to Google Ads account {}. Add it to the manager account as an administrator, or enter another ID.",
                dashed(&id)
            )));
        }
        Err(e) => return Ok(Err(e.plain())),
    };
    if !info.manager {
        return Ok(Err(format!(
            "{} ({}) is not a manager account. Enter your agency's manager account (MCC): clients' accounts are linked to it.",
            info.descriptive_name,
            dashed(&id)
        )));
    }
    let mut tx = ctx.db.begin().await?;
    agencies::set_ads_manager(
        &mut *tx,
        actor.agency_id,
        Some((&id, &info.descriptive_name)),
    )
    .await?;
    audit(
        &mut tx,
        actor,
        "settings.google_ads_manager_set",
        &format!("{} ({})", info.descriptive_name, dashed(&id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(Some(info.descriptive_name)))
}

/// Names (or, with an empty entry, forgets) the Google group that receives clients'
/// Analytics and Tag Manager access instead of the connected account. Google offers no
/// check of membership with these scopes: Settings says the connected account must belong
/// to it, which verification then shows (a group it is not in reads back as lost).
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn set_group(
    ctx: &Ctx,
    actor: &Actor,
    entered: &str,
) -> AppResult<Result<Option<String>, String>> {
    let entered = entered.trim();
    let group = if entered.is_empty() {
        None
    } else {
        match crate::domain::EmailAddress::parse(entered) {
            Ok(a) => Some(a.as_str().to_owned()),
            Err(why) => return Ok(Err(format!("Enter the group's e-mail address: {why}"))),
        }
    };
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    agencies::set_google_group(&mut *tx, actor.agency_id, group.as_deref()).await?;
    let what = group
        .clone()
        .unwrap_or_else(|| "the connected account".into());
    audit(&mut tx, actor, "settings.google_grantee_set", &what, now).await?;
    tx.commit().await?;
    Ok(Ok(group))
}

/// The agency's Google group, if it named one (Settings).
pub async fn group(ctx: &Ctx, agency_id: i64) -> AppResult<Option<String>> {
    Ok(agencies::google_connection(&ctx.db.pool, agency_id)
        .await?
        .group)
}

/// The agency's Google Ads manager account: (id, name), if named.
pub async fn ads_manager(ctx: &Ctx, agency_id: i64) -> AppResult<Option<(String, String)>> {
    let c = agencies::google_connection(&ctx.db.pool, agency_id).await?;
    Ok(c.ads_manager
        .map(|id| (id, c.ads_manager_name.unwrap_or_default())))
}

/// The connected account's address and since when (Settings).
pub async fn connected(ctx: &Ctx, agency_id: i64) -> AppResult<Option<(String, i64)>> {
    let c = agencies::google_connection(&ctx.db.pool, agency_id).await?;
    Ok(c.email.zip(c.connected_at))
}

/// One line of Google's set-up as Settings shows it.
pub struct PreflightLine {
    pub what: String,
    pub state: String,
    pub ready: bool,
}

/// What Google needs before a link can ask for Google assets, as it stands: the
/// installation's OAuth client (and the redirect URIs to register with it) and the agency's
/// account. Read from configuration and the database only: no call to Google.
pub async fn preflight(ctx: &Ctx, agency_id: i64) -> AppResult<Vec<PreflightLine>> {
    let Some(google) = ctx.google.as_ref() else {
        return Ok(Vec::new());
    };
    let sandbox = google.config().sandbox;
    let client = PreflightLine {
        what: "Google OAuth client".into(),
        state: if sandbox {
            "the built-in Google sandbox (no Google Cloud project needed to try it)".into()
        } else {
            format!(
                "{}; its authorised redirect URIs must be exactly {} and {}",
                google.config().client_id,
                ctx.url("/oauth/callback"),
                redirect_uri(ctx)
            )
        },
        ready: true,
    };
    let account = match connected(ctx, agency_id).await? {
        Some((email, _)) => PreflightLine {
            what: "Your agency's Google account".into(),
            state: match agencies::google_connection(&ctx.db.pool, agency_id)
                .await?
                .group
            {
                Some(group) => format!(
                    "{email}: clients give Analytics and Tag Manager access to the group {group}, which it must belong to"
                ),
                None => format!("{email}: clients give Analytics and Tag Manager access to it"),
            },
            ready: true,
        },
        None => PreflightLine {
            what: "Your agency's Google account".into(),
            state: "not connected: clients cannot share Google assets until it is".into(),
            ready: false,
        },
    };
    let c = agencies::google_connection(&ctx.db.pool, agency_id).await?;
    let ads = match (c.ads_manager, c.ads_manager_name) {
        (Some(id), name) => PreflightLine {
            what: "Google Ads manager account".into(),
            state: format!(
                "{} ({}): clients' Ads accounts are linked to it",
                name.unwrap_or_default(),
                dashed(&id)
            ),
            ready: true,
        },
        (None, _) => PreflightLine {
            what: "Google Ads manager account".into(),
            state: "not set: links cannot ask for Google Ads accounts until it is".into(),
            ready: false,
        },
    };
    Ok(vec![client, account, ads])
}
