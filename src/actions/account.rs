//! Accounts: the first set-up, log in and out, forgotten and changed passwords. Sessions
//! are created here (a fresh id every time, only its hash stored); the web turns the id
//! into a cookie.

use super::{Actor, Ctx, audit_as};
use crate::domain::email::mask;
use crate::domain::token::random_hex;
use crate::domain::{BoundedText, EmailAddress, NewPassword, PortfolioId, Role, SecretToken};
use crate::error::{AppError, AppResult};
use crate::store::{Tx, agencies, auth_tokens, devices, sessions, throttle, users};

// The read model this module returns, for the web layer to name.
pub use crate::store::sessions::SessionRow;

/// The agency that installed Latchkey (the first set up): its owner runs the sandbox.
pub async fn installing_agency(ctx: &Ctx) -> AppResult<Option<i64>> {
    Ok(agencies::first_id(&ctx.db.pool).await?)
}

/// Prefix of session ids.
pub const SESSION_PREFIX: &str = "lks";
/// Device cookies: a browser that signed in to an account before.
const DEVICE_PREFIX: &str = "lkd";

/// Refreshing `last_seen_at` at most this often keeps reads from turning into writes.
const TOUCH_EVERY: i64 = 60;
/// A session ends after this long without a request…
pub const IDLE_SECS: i64 = 30 * 60;
/// …and this long after login in any case.
pub const ABSOLUTE_SECS: i64 = 8 * 60 * 60;

/// Whether a session is past its idle or absolute limit.
pub fn expired(row: &sessions::SessionRow, now: i64) -> bool {
    now - row.last_seen_at > IDLE_SECS || now - row.created_at > ABSOLUTE_SECS
}

/// What a presented session cookie leads to.
pub enum Resumed {
    /// No session cookie.
    None,
    /// A live session (its last-seen time refreshed).
    Live(Box<sessions::SessionRow>),
    /// Unknown, malformed or expired (and now deleted): the cookie should be cleared.
    Ended,
}

/// Resumes the session a request presents.
#[tracing::instrument(skip_all)]
pub async fn resume(ctx: &Ctx, presented: Option<&str>) -> AppResult<Resumed> {
    let Some(raw) = presented else {
        return Ok(Resumed::None);
    };
    let Some(id) = SecretToken::from_presented(SESSION_PREFIX, raw) else {
        return Ok(Resumed::Ended);
    };
    let now = ctx.clock.now();
    match sessions::find(&ctx.db.pool, &id.hash(), now).await? {
        Some(row) if expired(&row, now) => {
            sessions::delete(&ctx.db.pool, &row.id_hash).await?;
            Ok(Resumed::Ended)
        }
        Some(row) => {
            if now - row.last_seen_at >= TOUCH_EVERY {
                sessions::touch(&ctx.db.pool, &row.id_hash, now).await?;
            }
            Ok(Resumed::Live(Box::new(row)))
        }
        None => Ok(Resumed::Ended),
    }
}

/// Starts a session for a user inside `tx`; returns its id (for the cookie).
pub async fn new_session(
    tx: &mut Tx,
    user_id: i64,
    agency_id: i64,
    ip: &str,
    now: i64,
) -> AppResult<SecretToken> {
    let id = SecretToken::generate(SESSION_PREFIX);
    sessions::insert(
        &mut **tx,
        &id.hash(),
        user_id,
        agency_id,
        &random_hex(32),
        ip,
        now,
    )
    .await?;
    Ok(id)
}

/// The set-up form as typed.
#[derive(Debug, Default, Clone)]
pub struct SetupForm {
    pub agency_name: String,
    pub portfolio_id: String,
    pub name: String,
    pub email: String,
    pub password: String,
    pub confirm: String,
}

/// Whether the installation has no agency yet (set-up is open only then).
#[tracing::instrument(skip_all)]
pub async fn setup_open(ctx: &Ctx) -> AppResult<bool> {
    Ok(!agencies::any_exists(&ctx.db.pool).await?)
}

/// The first agency and its owner, signed in. `Err(errors)`: what to correct. Once an
/// agency exists, set-up is a 404.
#[tracing::instrument(skip_all)]
pub async fn set_up(
    ctx: &Ctx,
    f: &SetupForm,
    ip: &str,
) -> AppResult<Result<SecretToken, Vec<String>>> {
    if !setup_open(ctx).await? {
        return Err(AppError::NotFound);
    }
    let mut errors = Vec::new();
    let agency = BoundedText::parse_line(&f.agency_name, "Agency name", 120, true)
        .map_err(|e| errors.push(e))
        .ok();
    let portfolio = PortfolioId::parse_optional(&f.portfolio_id)
        .map_err(|e| errors.push(e.to_owned()))
        .ok();
    let name = BoundedText::parse_line(&f.name, "Your name", 120, true)
        .map_err(|e| errors.push(e))
        .ok();
    let email = EmailAddress::parse(&f.email)
        .map_err(|e| errors.push(e.to_owned()))
        .ok();
    let password = NewPassword::parse(&f.password, &f.confirm)
        .map_err(|e| errors.push(e.to_string()))
        .ok();
    if let Some(Some(p)) = &portfolio
        && super::connection::check_portfolio(ctx, None, p.as_str()).await?
            == super::connection::PortfolioCheck::NotFound
    {
        errors.push(super::connection::portfolio_not_found(p.as_str()));
    }
    let (Some(agency), Some(portfolio), Some(name), Some(email), Some(password), true) =
        (agency, portfolio, name, email, password, errors.is_empty())
    else {
        return Ok(Err(errors));
    };
    let hash = ctx.hasher.hash(password.expose()).await?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    // Checked again inside the write transaction: two racing set-ups create one agency.
    if agencies::any_exists(&mut *tx).await? {
        return Err(AppError::NotFound);
    }
    let portfolio = portfolio.as_ref().map(|p| p.as_str());
    let who = format!("{} <{}>", name.as_str(), email.as_str());
    let owner = NewOwner {
        agency: &agency,
        portfolio,
        name: &name,
        email: &email,
        password_hash: &hash,
    };
    let (agency_id, user_id) = owner.insert(&mut tx, &who, ip, now).await?;
    let session = new_session(&mut tx, user_id, agency_id, ip, now).await?;
    tx.commit().await?;
    tracing::info!(agency_id, "agency created through /setup");
    Ok(Ok(session))
}

/// An agency and its owner, checked, about to be created.
struct NewOwner<'a> {
    agency: &'a BoundedText,
    portfolio: Option<&'a str>,
    name: &'a BoundedText,
    email: &'a EmailAddress,
    password_hash: &'a str,
}

impl NewOwner<'_> {
    /// Creates both rows in `tx` and audits it as `who` from `ip`: (agency id, user id).
    async fn insert(&self, tx: &mut Tx, who: &str, ip: &str, now: i64) -> AppResult<(i64, i64)> {
        let agency_id =
            agencies::insert(&mut **tx, self.agency.as_str(), self.portfolio, now).await?;
        let user_id = users::insert(
            &mut **tx,
            agency_id,
            self.email.as_str(),
            self.name.as_str(),
            self.password_hash,
            Role::Owner,
            now,
        )
        .await?;
        let created = self.agency.as_str();
        audit_as(tx, Some(agency_id), who, ip, "agency.created", created, now).await?;
        Ok((agency_id, user_id))
    }
}

/// `latchkey create-owner`: an agency and its owner from the command line, validated as
/// `/setup` validates them (any number of agencies). `Ok(Err(why))`: what to correct.
#[allow(clippy::too_many_arguments)]
pub async fn create_owner(
    db: &crate::store::Db,
    hasher: &crate::hashing::Hasher,
    clock: &crate::clock::Clock,
    agency: &str,
    email: &str,
    name: &str,
    password: &str,
) -> AppResult<Result<(i64, i64), String>> {
    let agency = match BoundedText::parse_line(agency, "Agency name", 120, true) {
        Ok(a) => a,
        Err(e) => return Ok(Err(e)),
    };
    let email = match EmailAddress::parse(email) {
        Ok(e) => e,
        Err(e) => return Ok(Err(e.to_owned())),
    };
    let name = match BoundedText::parse_line(name, "Name", 120, true) {
        Ok(n) => n,
        Err(e) => return Ok(Err(e)),
    };
    let password = match NewPassword::parse(password, password) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let hash = hasher.hash(password.expose()).await?;
    let now = clock.now();
    let mut tx = db.begin().await?;
    if users::by_email(&mut *tx, email.as_str()).await?.is_some() {
        return Ok(Err("a user with that e-mail already exists".into()));
    }
    let owner = NewOwner {
        agency: &agency,
        portfolio: None,
        name: &name,
        email: &email,
        password_hash: &hash,
    };
    let ids = owner.insert(&mut tx, "command line", "local", now).await?;
    tx.commit().await?;
    Ok(Ok(ids))
}

/// Why a login did not succeed.
#[derive(Debug, PartialEq, Eq)]
pub enum LoginRefused {
    /// Too many failures for this account or address: wait this many seconds.
    Wait(i64),
    /// E-mail and password do not match an account (the same answer either way).
    NoMatch,
}

/// A successful login: the new session, and a device cookie for a browser that had none
/// for this account.
pub struct SignedIn {
    pub session: SecretToken,
    pub new_device: Option<SecretToken>,
}

/// Checks a login, with growing delays per (account, address), per address, and per
/// account from every address together. Strangers can trip the last one on purpose, so
/// it does not apply to a browser that signed in to the account before (`device`, its
/// cookie). On success the old session (if any) ends and a new one starts.
#[tracing::instrument(skip_all)]
pub async fn log_in(
    ctx: &Ctx,
    email: &str,
    password: &str,
    old_session: Option<&str>,
    device: Option<&str>,
    ip: &str,
) -> AppResult<Result<LoggedIn, LoginRefused>> {
    let typed: String = email
        .trim()
        .to_ascii_lowercase()
        .chars()
        .take(254)
        .collect();
    let keys = ThrottleKeys::new(&typed, ip);
    let now = ctx.clock.now();
    let device = device.and_then(|raw| SecretToken::from_presented(DEVICE_PREFIX, raw));
    let known_user = match &device {
        Some(d) => devices::user_of(&ctx.db.pool, &d.hash()).await?,
        None => None,
    };
    let parsed = EmailAddress::parse(email).ok();
    let creds = match &parsed {
        Some(email) => users::credentials_by_email(&ctx.db.pool, email.as_str()).await?,
        None => None,
    };
    let known_device = known_user.is_some() && known_user == creds.as_ref().map(|c| c.id);
    // With a second factor the password alone opens nothing, so strangers' guesses need
    // not lock the account for its owner either.
    let has_second_factor = match &creds {
        Some(c) => crate::store::two_factor::has_any(&ctx.db.pool, c.id).await?,
        None => false,
    };
    let wait = keys
        .wait(ctx, !known_device && !has_second_factor, now)
        .await?;
    if wait > 0 {
        return Ok(Err(LoginRefused::Wait(wait)));
    }
    // Unknown addresses are verified against a dummy hash: same work, same answer.
    let stored = creds.as_ref().map(|c| c.password_hash.as_str());
    let ok = ctx.hasher.verify(password, stored).await?;
    let now = ctx.clock.now();
    let masked = mask(&typed);
    let mut tx = ctx.db.begin().await?;
    let Some(c) = creds.filter(|_| ok) else {
        keys.record_failure(&mut tx, now).await?;
        let agency = match &parsed {
            Some(e) => users::by_email(&mut *tx, e.as_str())
                .await?
                .map(|u| u.agency_id),
            None => None,
        };
        audit_as(&mut tx, agency, &masked, ip, "login.failed", &masked, now).await?;
        tx.commit().await?;
        return Ok(Err(LoginRefused::NoMatch));
    };
    // The account-wide counter is not cleared: the owner signing in from their own browser
    // must not reopen the door to strangers still guessing. It fades by itself.
    throttle::clear(&mut *tx, &keys.pair).await?;
    if has_second_factor {
        let challenge = second_step(&mut tx, &c, &typed, &masked, ip, now).await?;
        tx.commit().await?;
        return Ok(Ok(LoggedIn::NeedsSecondFactor(challenge)));
    }
    let raw_device = device.as_ref().map(|d| d.expose().to_owned());
    let done = finish_sign_in(
        &mut tx,
        c.id,
        c.agency_id,
        old_session,
        raw_device.as_deref(),
        ip,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(LoggedIn::Session(done)))
}

/// The counters a login is throttled by: per (account, address), per address, and per
/// account from every address together.
struct ThrottleKeys {
    acct: String,
    pair: String,
    ip: String,
}

impl ThrottleKeys {
    fn new(typed: &str, ip: &str) -> Self {
        Self {
            acct: format!("acct:{typed}"),
            pair: format!("acct-ip:{typed}|{ip}"),
            ip: format!("ip:{ip}"),
        }
    }

    /// Seconds to wait before another try; the account-wide counter only when
    /// `account_wide` (strangers may trip it on purpose).
    async fn wait(&self, ctx: &Ctx, account_wide: bool, now: i64) -> AppResult<i64> {
        let pool = &ctx.db.pool;
        let mut wait = throttle::wait_secs(pool, &self.pair, now)
            .await?
            .max(throttle::wait_secs(pool, &self.ip, now).await?);
        if account_wide {
            wait = wait.max(throttle::wait_secs(pool, &self.acct, now).await?);
        }
        Ok(wait)
    }

    async fn record_failure(&self, tx: &mut Tx, now: i64) -> AppResult<()> {
        throttle::record_failure(tx, &self.pair, throttle::ACCOUNT, now).await?;
        throttle::record_failure(tx, &self.acct, throttle::ACCOUNT_WIDE, now).await?;
        throttle::record_failure(tx, &self.ip, throttle::IP, now).await?;
        Ok(())
    }
}

/// The password was the first step: a five-minute challenge for the second.
async fn second_step(
    tx: &mut Tx,
    c: &users::Credentials,
    typed: &str,
    masked: &str,
    ip: &str,
    now: i64,
) -> AppResult<SecretToken> {
    let challenge = SecretToken::generate(crate::actions::two_factor::CHALLENGE_PREFIX);
    auth_tokens::insert(
        &mut **tx,
        &challenge.hash(),
        auth_tokens::KIND_SECOND_FACTOR,
        c.agency_id,
        Some(c.id),
        typed,
        None,
        now + SECOND_FACTOR_TTL,
        now,
    )
    .await?;
    let agency = Some(c.agency_id);
    audit_as(tx, agency, masked, ip, "login.password_ok", masked, now).await?;
    Ok(challenge)
}

/// How long the second step of a sign-in may take.
const SECOND_FACTOR_TTL: i64 = 5 * 60;

/// What a correct password leads to.
pub enum LoggedIn {
    /// Signed in.
    Session(SignedIn),
    /// The account has a second factor: this challenge goes with the code.
    NeedsSecondFactor(SecretToken),
}

/// The last part of every sign-in, in its transaction: the old session ends, a new one
/// starts, the browser is remembered (a device cookie if it had none for this account),
/// and the audit log says so.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn finish_sign_in(
    tx: &mut Tx,
    user_id: i64,
    agency_id: i64,
    old_session: Option<&str>,
    device: Option<&str>,
    ip: &str,
    now: i64,
) -> AppResult<SignedIn> {
    if let Some(old) = old_session {
        sessions::delete(&mut **tx, old).await?;
    }
    let session = new_session(tx, user_id, agency_id, ip, now).await?;
    let device = device.and_then(|raw| SecretToken::from_presented(DEVICE_PREFIX, raw));
    let known = match &device {
        Some(d) => devices::user_of(&mut **tx, &d.hash()).await? == Some(user_id),
        None => false,
    };
    let new_device = match (&device, known) {
        (Some(d), true) => {
            devices::touch(&mut **tx, &d.hash(), now).await?;
            None
        }
        _ => {
            let d = SecretToken::generate(DEVICE_PREFIX);
            devices::insert(&mut **tx, &d.hash(), user_id, now).await?;
            Some(d)
        }
    };
    let who = users::get(&mut **tx, agency_id, user_id)
        .await?
        .map(|u| mask(&u.email))
        .unwrap_or_default();
    audit_as(tx, Some(agency_id), &who, ip, "login.succeeded", &who, now).await?;
    Ok(SignedIn {
        session,
        new_device,
    })
}

/// Ends a session (by the hash of its id).
#[tracing::instrument(skip_all)]
pub async fn log_out(ctx: &Ctx, session_hash: &str) -> AppResult<()> {
    sessions::delete(&ctx.db.pool, session_hash).await?;
    Ok(())
}

/// A person's live sessions (where and when each signed in, when last used).
pub async fn my_sessions(ctx: &Ctx, user_id: i64) -> AppResult<Vec<sessions::Seen>> {
    Ok(sessions::for_user(&ctx.db.pool, user_id).await?)
}

/// Signs out one of the person's own sessions.
#[tracing::instrument(skip_all)]
pub async fn end_session(ctx: &Ctx, actor: &Actor, id_hash: &str) -> AppResult<()> {
    let user_id = actor.user_id.ok_or(AppError::NotFound)?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    if !sessions::end_for_user(&mut *tx, user_id, id_hash).await? {
        return Err(AppError::NotFound);
    }
    crate::actions::audit(&mut tx, actor, "session.ended", &actor.name, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Signs out every session of the person but `keep` (the one asking).
#[tracing::instrument(skip_all)]
pub async fn end_other_sessions(ctx: &Ctx, actor: &Actor, keep: &str) -> AppResult<()> {
    let user_id = actor.user_id.ok_or(AppError::NotFound)?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    sessions::delete_for_user(&mut *tx, user_id, keep).await?;
    crate::actions::audit(&mut tx, actor, "session.ended_elsewhere", &actor.name, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Owners choose whether everyone at the agency must sign in with a second factor.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn require_two_factor(ctx: &Ctx, actor: &Actor, on: bool) -> AppResult<()> {
    if actor.role != crate::domain::Role::Owner {
        return Err(AppError::Forbidden(
            "Only owners can require two-factor sign-in.",
        ));
    }
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    agencies::set_require_two_factor(&mut *tx, actor.agency_id, on).await?;
    let what = if on { "required" } else { "optional" };
    crate::actions::audit(&mut tx, actor, "agency.two_factor", what, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The person proves it is them again, with their password or (if they have one) a code
/// from their authenticator app; the session may then make sensitive changes for a while.
/// Wrong answers are throttled like logins. `Err`: not confirmed (wrong, or wait).
#[tracing::instrument(skip_all)]
pub async fn confirm_identity(
    ctx: &Ctx,
    actor: &Actor,
    session_hash: &str,
    password: &str,
    code: &str,
) -> AppResult<Result<(), LoginRefused>> {
    let user_id = actor.user_id.ok_or(AppError::NotFound)?;
    let key = format!("confirm:{user_id}");
    let now = ctx.clock.now();
    let wait = throttle::wait_secs(&ctx.db.pool, &key, now).await?;
    if wait > 0 {
        return Ok(Err(LoginRefused::Wait(wait)));
    }
    let user = users::get(&ctx.db.pool, actor.agency_id, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ok = if !code.trim().is_empty() {
        match crate::store::two_factor::get(&ctx.db.pool, user_id).await? {
            Some(f) if f.confirmed_at.is_some() => {
                let secret = ctx.secrets.open(&f.secret_sealed)?;
                match crate::domain::two_factor::check(&secret, code, now) {
                    Some(step) => {
                        crate::store::two_factor::take_step(&ctx.db.pool, user_id, step).await?
                    }
                    None => false,
                }
            }
            _ => false,
        }
    } else {
        let creds = users::credentials_by_email(&ctx.db.pool, &user.email).await?;
        let stored = creds.as_ref().map(|c| c.password_hash.as_str());
        ctx.hasher.verify(password, stored).await?
    };
    let mut tx = ctx.db.begin().await?;
    if !ok {
        throttle::record_failure(&mut tx, &key, throttle::ACCOUNT, now).await?;
        tx.commit().await?;
        return Ok(Err(LoginRefused::NoMatch));
    }
    throttle::clear(&mut *tx, &key).await?;
    sessions::confirm(&mut *tx, session_hash, now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}
