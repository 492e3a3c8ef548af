//! The client's steps before and after the crash-safe run: start a flow, come back from
//! the platform's sign-in (Facebook Login for Meta), list the assets, choose, retry, read the
//! result, and state the organisation's migration. A flow is for one platform of the
//! request (a link for Meta and Google has one flow each, started from the landing or the
//! done page); it is bound to one browser by a cookie (kept hashed) and to the sign-in by a
//! single-use state.

use std::sync::Arc;

use super::run::{self, Begun};
use crate::actions::Ctx;
use crate::actions::access::{Lookup, lookup};
use crate::actions::platforms::Outcome;
use crate::actions::platforms::{Offered, SignInRefused, Unlisted};
use crate::domain::Platform;
use crate::domain::access::Ask;
use crate::domain::migration::MigrationStatus;
use crate::domain::request::Closed;
use crate::domain::request::RequestEvent;
use crate::domain::token::{hash_secret, random_hex};
use crate::domain::{GrantStatus, SecretToken};
use crate::error::{AppError, AppResult};
use crate::i18n::{Prefs, Text};
use crate::meta::AccessToken;
use crate::store::flows::{self, Flow, Item};
use crate::store::requests::AccessRequest;
use crate::store::{agencies, grants, requests, statements};

/// Prefix of flow cookies.
pub const FLOW_PREFIX: &str = "lkf";
/// Seconds a login state may take to come back.
const STATE_TTL: i64 = 10 * 60;
/// A flow ends after this long without activity, and at [`FLOW_ABSOLUTE`] in any case.
const FLOW_IDLE: i64 = 15 * 60;
pub const FLOW_ABSOLUTE: i64 = 60 * 60;
/// How long the browser's request waits for the shares before it is shown the progress
/// page (the approval goes on in the background either way).
const WAIT_FOR_SHARES: std::time::Duration = std::time::Duration::from_secs(10);

/// Why a step cannot go on.
pub enum Stop {
    /// No live flow in this browser: open the link again.
    SessionOver,
    /// The link expired or was used up meanwhile.
    Gone(Box<agencies::Agency>, Closed),
    /// Something the client should read, on the agency's page.
    Problem(Problem),
}

/// What went wrong, in plain words, with whether a new Facebook Login may help.
pub struct Problem {
    pub agency_id: i64,
    pub kind: ProblemKind,
    pub title: Text,
    pub message: Text,
    pub retry: bool,
    /// Permissions the client declined, in plain words.
    pub missing: Vec<Text>,
}

/// The kind of problem (the web answers each with its own status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The client chose not to go on (declined login or a permission).
    Declined,
    /// Meta failed or refused.
    Meta,
    /// Facebook did not confirm the login.
    Invalid,
    /// Someone else is approving with this link right now.
    Busy,
}

impl Problem {
    /// A problem told by two messages of the client's files.
    pub(super) fn new(
        agency_id: i64,
        kind: ProblemKind,
        title: &'static str,
        message: &'static str,
    ) -> Self {
        Self::said(agency_id, kind, title, Text::msg(message))
    }

    fn said(agency_id: i64, kind: ProblemKind, title: &'static str, message: Text) -> Self {
        Self {
            agency_id,
            kind,
            title: Text::msg(title),
            message,
            retry: true,
            missing: vec![],
        }
    }
}

/// A new flow: the cookie to set and the Facebook Login dialog to go to.
pub struct Started {
    pub cookie: SecretToken,
    pub dialog: String,
}

/// "Continue with Facebook" (or with another platform the request asks for) on a live
/// link. The approval keeps the language the reader's preferences and the request's own
/// language settle on.
#[tracing::instrument(skip_all)]
pub async fn start(
    ctx: &Ctx,
    ip: &str,
    raw: &str,
    prefs: Prefs,
    platform: Option<Platform>,
) -> AppResult<Result<Started, Stop>> {
    let (r, agency) = match lookup(ctx, ip, raw).await? {
        Lookup::Live(r, a) => (r, a),
        Lookup::Gone(agency, why) => return Ok(Err(Stop::Gone(Box::new(agency), why))),
    };
    let lang = prefs.pick(r.lang());
    new_flow(ctx, &r, agency.id, platform, lang).await.map(Ok)
}

/// From the done page of one platform's approval: the next platform the same request asks
/// for, in a flow of its own (the browser's flow cookie stands for the link here).
#[tracing::instrument(skip_all, fields(flow = flow.id))]
pub async fn start_next(
    ctx: &Ctx,
    flow: &Flow,
    platform: Platform,
) -> AppResult<Result<Started, Stop>> {
    let (r, agency) = match still_open(ctx, flow).await? {
        Ok(x) => x,
        Err(stop) => return Ok(Err(stop)),
    };
    let lang = flow.lang().unwrap_or_else(|| r.mail_lang());
    new_flow(ctx, &r, agency.id, Some(platform), lang)
        .await
        .map(Ok)
}

/// A flow for one platform of `r` (the asked one if the request covers it, else its first),
/// and that platform's sign-in dialog.
async fn new_flow(
    ctx: &Ctx,
    r: &AccessRequest,
    agency_id: i64,
    platform: Option<Platform>,
    lang: crate::i18n::Lang,
) -> AppResult<Started> {
    let covered = r.platforms();
    let platform = platform
        .filter(|p| covered.contains(p))
        .or(covered.first().copied())
        .unwrap_or(Platform::Meta);
    let now = ctx.clock.now();
    let cookie = SecretToken::generate(FLOW_PREFIX);
    let state = random_hex(32);
    flows::insert(
        &ctx.db.pool,
        r.id,
        agency_id,
        platform,
        &cookie.hash(),
        &hash_secret(&state),
        now + STATE_TTL,
        now + FLOW_ABSOLUTE,
        lang,
        now,
    )
    .await?;
    let dialog =
        ctx.platforms
            .api(platform)?
            .sign_in_url(ctx, &asks_on(r, platform), &state, false);
    Ok(Started { cookie, dialog })
}

/// The flow of the browser that presents this cookie, if it is still within its limits.
#[tracing::instrument(skip_all)]
pub async fn current(ctx: &Ctx, cookie: Option<&str>) -> AppResult<Option<Flow>> {
    let Some(token) = cookie.and_then(|raw| SecretToken::from_presented(FLOW_PREFIX, raw)) else {
        return Ok(None);
    };
    let Some(flow) = flows::by_cookie(&ctx.db.pool, &token.hash()).await? else {
        return Ok(None);
    };
    let now = ctx.clock.now();
    if now >= flow.expires_at || now - flow.last_seen_at > FLOW_IDLE {
        return Ok(None);
    }
    Ok(Some(flow))
}

/// What Facebook Login sent back.
pub struct LoginReturn {
    pub state: String,
    pub code: Option<String>,
    pub error: Option<String>,
}

fn bad_state() -> AppError {
    AppError::Gone {
        title: Text::msg("sign-in-expired-title"),
        message: Text::msg("sign-in-expired-body"),
    }
}

/// Facebook Login came back to the browser of `mine`: check the state, exchange the code,
/// check the token and its permissions, and keep it (sealed) for this flow only.
#[tracing::instrument(skip_all, fields(flow = mine.as_ref().map(|f| f.id)))]
pub async fn login(
    ctx: &Ctx,
    mine: Option<Flow>,
    back: LoginReturn,
) -> AppResult<Result<(), Problem>> {
    let now = ctx.clock.now();
    // The state must come back to the browser that started it: the flow cookie is checked
    // first, so a callback replayed in another browser cannot use up the real one's state.
    let Some(mine) = mine else {
        return Err(bad_state());
    };
    let Some(flow) =
        flows::consume_state(&ctx.db.pool, mine.id, &hash_secret(&back.state), now).await?
    else {
        return Err(bad_state());
    };
    let agency_id = flow.agency_id;
    if back.error.is_some() {
        return Ok(Err(Problem::new(
            agency_id,
            ProblemKind::Declined,
            "login-declined-title",
            "login-declined-body",
        )));
    }
    let r = requests::get(&ctx.db.pool, agency_id, flow.request_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let code = back.code.unwrap_or_default();
    let me = match ctx
        .platforms
        .api(flow.platform)?
        .signed_in(ctx, &asks_on(&r, flow.platform), &code)
        .await?
    {
        Ok(me) => me,
        Err(refused) => return Ok(Err(sign_in_problem(agency_id, refused))),
    };
    let sealed = ctx.secrets.seal(me.token.expose());
    let mut tx = ctx.db.begin().await?;
    flows::set_login(
        &mut *tx,
        flow.id,
        &sealed,
        &me.person_id,
        &me.person_name,
        now,
    )
    .await?;
    let detail = format!("{} signed in with {}", me.person_name, flow.platform);
    requests::add_event(
        &mut *tx,
        flow.request_id,
        RequestEvent::SignedIn,
        &detail,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// What the client reads when the platform's sign-in gave no usable session.
fn sign_in_problem(agency_id: i64, refused: SignInRefused) -> Problem {
    match refused {
        SignInRefused::Failed(why) => {
            Problem::said(agency_id, ProblemKind::Meta, "login-failed-title", why)
        }
        SignInRefused::Unconfirmed => Problem::new(
            agency_id,
            ProblemKind::Invalid,
            "login-failed-title",
            "login-unconfirmed-body",
        ),
        SignInRefused::Missing(missing) => Problem {
            missing,
            ..Problem::new(
                agency_id,
                ProblemKind::Declined,
                "permission-missing-title",
                "permission-missing-body",
            )
        },
    }
}

/// Another try at Facebook Login in the same flow, asking again for declined permissions.
/// Returns the dialog to go to.
#[tracing::instrument(skip_all, fields(flow = flow.id))]
pub async fn login_again(ctx: &Ctx, flow: &Flow) -> AppResult<String> {
    let r = requests::get(&ctx.db.pool, flow.agency_id, flow.request_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = ctx.clock.now();
    let state = random_hex(32);
    flows::renew_state(&ctx.db.pool, flow.id, &hash_secret(&state), now + STATE_TTL).await?;
    let api = ctx.platforms.api(flow.platform)?;
    Ok(api.sign_in_url(ctx, &asks_on(&r, flow.platform), &state, true))
}

/// What `r` asks of one platform: a flow signs in, lists and shares for these only.
fn asks_on(r: &AccessRequest, platform: Platform) -> Vec<Ask> {
    Ask::decode(&r.asks)
        .into_iter()
        .filter(|a| a.kind.platform() == platform)
        .collect()
}

/// The request must still be open when the client acts on it.
#[tracing::instrument(skip_all, fields(flow = flow.id))]
pub async fn still_open(
    ctx: &Ctx,
    flow: &Flow,
) -> AppResult<Result<(AccessRequest, agencies::Agency), Stop>> {
    let r = requests::get(&ctx.db.pool, flow.agency_id, flow.request_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = agencies::get(&ctx.db.pool, flow.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = ctx.clock.now();
    if r.revoked_at.is_some() {
        return Err(AppError::NotFound);
    }
    // A client who declined (in another tab, or before) closed the link.
    if r.declined_at.is_some() {
        return Ok(Err(Stop::Gone(Box::new(agency), Closed::Declined)));
    }
    if r.expires_at <= now {
        return Ok(Err(Stop::Gone(Box::new(agency), Closed::Expired)));
    }
    if r.single_use == 1 && r.used_at.is_some() && flow.approved_at.is_none() {
        return Ok(Err(Stop::Gone(Box::new(agency), Closed::Used)));
    }
    Ok(Ok((r, agency)))
}

fn open_token(ctx: &Ctx, flow: &Flow) -> Option<AccessToken> {
    flow.token_sealed
        .as_ref()
        .and_then(|s| ctx.secrets.open(s).ok())
        .map(AccessToken)
}

/// The assets the client may choose from.
pub struct Choice {
    pub agency_id: i64,
    pub request: AccessRequest,
    pub offered: Vec<Offered>,
    /// What Meta would not list (shown with why; the rest stays choosable).
    pub unlisted: Vec<Unlisted>,
}

/// Lists what the logged-in person can share (a re-authorisation request offers exactly
/// its flagged assets) and remembers the list for this flow.
#[tracing::instrument(skip_all, fields(flow = flow.id))]
pub async fn inventory(ctx: &Ctx, flow: &Flow) -> AppResult<Result<Choice, Stop>> {
    let (r, agency) = match still_open(ctx, flow).await? {
        Ok(x) => x,
        Err(stop) => return Ok(Err(stop)),
    };
    let Some(token) = open_token(ctx, flow) else {
        return Ok(Err(Stop::SessionOver));
    };
    let asks = asks_on(&r, flow.platform);
    let scope: Vec<&str> = r
        .scope_assets
        .split(',')
        .filter(|s| !s.is_empty())
        .collect();
    let api = ctx.platforms.api(flow.platform)?;
    let (offered, unlisted) = match api.inventory(ctx, &token, &asks, &agency).await {
        // A re-authorisation request offers exactly the flagged assets.
        Ok(inv) => (
            inv.offered
                .into_iter()
                .filter(|a| scope.is_empty() || scope.contains(&a.id.as_str()))
                .collect::<Vec<_>>(),
            inv.unlisted,
        ),
        Err(e) => {
            return Ok(Err(Stop::Problem(Problem {
                retry: e.sign_in_again,
                ..Problem::said(
                    agency.id,
                    ProblemKind::Meta,
                    "inventory-failed-title",
                    e.why,
                )
            })));
        }
    };
    let now = ctx.clock.now();
    let json = serde_json::to_string(&offered).unwrap_or_default();
    flows::set_inventory(&ctx.db.pool, flow.id, &json, now).await?;
    Ok(Ok(Choice {
        agency_id: agency.id,
        request: r,
        offered,
        unlisted,
    }))
}

/// What choosing assets led to.
pub enum Chose {
    /// Sharing ran (or runs on in the background): follow it on the done page.
    Started,
    /// Nothing shareable was ticked: the same list, with an error.
    NothingChosen(Box<Choice>),
    Stopped(Stop),
}

fn offered_of(flow: &Flow) -> Vec<Offered> {
    flow.inventory
        .as_deref()
        .and_then(|i| serde_json::from_str(i).ok())
        .unwrap_or_default()
}

/// The client approves the ticked assets (ids from the list this flow was shown).
#[tracing::instrument(skip_all, fields(flow = flow.id, agency = flow.agency_id))]
/// `ctx` is the process's shared context: the shares run in a task that outlives the request.
pub async fn choose(ctx: &Arc<Ctx>, flow: &Flow, ids: &[String], ip: &str) -> AppResult<Chose> {
    if flow.approved_at.is_some() {
        // A second submit (double click, back button): the first one's results stand.
        return Ok(Chose::Started);
    }
    let (r, agency) = match still_open(ctx, flow).await? {
        Ok(x) => x,
        Err(stop) => return Ok(Chose::Stopped(stop)),
    };
    let offered = offered_of(flow);
    let selected: Vec<Offered> = offered
        .iter()
        .filter(|o| o.shareable && ids.contains(&o.id))
        .cloned()
        .collect();
    if selected.is_empty() {
        return Ok(Chose::NothingChosen(Box::new(Choice {
            agency_id: agency.id,
            request: r,
            offered,
            unlisted: Vec::new(),
        })));
    }
    if open_token(ctx, flow).is_none() {
        return Ok(Chose::Stopped(Stop::SessionOver));
    }
    attempt(ctx, flow, &r, agency, &selected, ip).await
}

/// Claims an attempt with its intent, runs it in the background (a closed browser or a
/// slow Meta does not stop it), and waits a little for it.
async fn attempt(
    ctx: &Arc<Ctx>,
    flow: &Flow,
    r: &AccessRequest,
    agency: agencies::Agency,
    selected: &[Offered],
    ip: &str,
) -> AppResult<Chose> {
    let attempt = match run::begin(ctx, flow, r, selected).await? {
        Begun::Started(n) => n,
        Begun::AlreadyStarted => return Ok(Chose::Started),
        Begun::LinkUsed => return Ok(Chose::Stopped(Stop::Gone(Box::new(agency), Closed::Used))),
        Begun::Busy => {
            return Ok(Chose::Stopped(Stop::Problem(Problem {
                retry: false,
                ..Problem::new(agency.id, ProblemKind::Busy, "busy-title", "busy-body")
            })));
        }
    };
    let job = tokio::spawn(run::run(Arc::clone(ctx), flow.id, attempt, ip.to_owned()));
    match tokio::time::timeout(WAIT_FOR_SHARES, job).await {
        Ok(Ok(Err(e))) => tracing::error!(error = ?e, flow_id = flow.id, "approval failed"),
        Ok(Err(e)) => tracing::error!(error = %e, flow_id = flow.id, "approval task failed"),
        _ => {}
    }
    Ok(Chose::Started)
}

fn outcomes_of(flow: &Flow) -> Vec<Outcome> {
    flow.results
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

/// Tries again for the assets of this flow that were not shared.
#[tracing::instrument(skip_all, fields(flow = flow.id, agency = flow.agency_id))]
pub async fn retry_failed(ctx: &Arc<Ctx>, flow: &Flow, ip: &str) -> AppResult<Chose> {
    if flow.in_progress() || flow.approved_at.is_none() {
        return Ok(Chose::Started);
    }
    let (r, agency) = match still_open(ctx, flow).await? {
        Ok(x) => x,
        Err(stop) => return Ok(Chose::Stopped(stop)),
    };
    if open_token(ctx, flow).is_none() {
        return Ok(Chose::Stopped(Stop::SessionOver));
    }
    let outcomes = outcomes_of(flow);
    let failed: Vec<Offered> = offered_of(flow)
        .into_iter()
        .filter(|o| {
            outcomes
                .iter()
                .any(|x| !x.existing && x.asset_id == o.id && x.status == GrantStatus::Failed)
        })
        .collect();
    if failed.is_empty() {
        return Ok(Chose::Started);
    }
    attempt(ctx, flow, &r, agency, &failed, ip).await
}

/// Where an approval stands, for the client's done page.
pub enum Standing {
    /// Still sharing (or, after a crash, being recovered).
    Sharing {
        chosen: usize,
        answered: usize,
    },
    Finished(Finished),
}

/// A recorded approval.
pub struct Finished {
    /// This attempt's outcomes (assets already shared before are left out).
    pub outcomes: Vec<Outcome>,
    /// What this client last said about the migration (never the agency's record).
    pub said: Option<(MigrationStatus, Option<i64>)>,
    /// The failed assets can be tried again in this session.
    pub can_retry: bool,
    /// Nothing was recorded, so the link still works for another try.
    pub link_open: bool,
    /// The platform this approval was on.
    pub platform: Platform,
    /// The request's other platforms on which nothing is shared yet: the client goes on
    /// with them from here.
    pub next: Vec<Platform>,
}

/// The result of this flow's approval.
#[tracing::instrument(skip_all, fields(flow = flow.id))]
pub async fn standing(ctx: &Ctx, flow: &Flow) -> AppResult<Standing> {
    if flow.in_progress() {
        let items: Vec<Item> = flows::items(&ctx.db.pool, flow.id).await?;
        let this: Vec<_> = items.iter().filter(|i| i.attempt == flow.attempt).collect();
        return Ok(Standing::Sharing {
            chosen: this.len(),
            answered: this.iter().filter(|i| i.outcomes.is_some()).count(),
        });
    }
    let outcomes: Vec<Outcome> = outcomes_of(flow)
        .into_iter()
        .filter(|o| !o.existing)
        .collect();
    let r = requests::get(&ctx.db.pool, flow.agency_id, flow.request_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let said = statements::latest_for_request(&ctx.db.pool, flow.agency_id, r.id)
        .await?
        .map(|s| (s.status, s.day));
    let any_failed = outcomes.iter().any(|o| o.status == GrantStatus::Failed);
    let any_shared = outcomes.iter().any(|o| o.status != GrantStatus::Failed);
    let live = r.revoked_at.is_none() && r.expires_at > ctx.clock.now();
    let next = if live && r.declined_at.is_none() {
        let covered = grants::platforms_shared(&ctx.db.pool, r.id).await?;
        r.platforms()
            .into_iter()
            .filter(|p| *p != flow.platform && !covered.contains(p))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Standing::Finished(Finished {
        platform: flow.platform,
        next,
        can_retry: any_failed && live && flow.token_sealed.is_some(),
        link_open: live && !any_shared && (r.single_use == 0 || r.used_at.is_none()),
        outcomes,
        said,
    }))
}
