//! First-run setup, login, logout, password change and password reset.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::{AppResult, human_wait};
use super::layout::{Layout, render, render_status, safe_next};
use super::session::{self, ClientIp, Cookies, CsrfToken, MaybeStaff, Staff};
use super::{AppError, AppState};
use crate::domain::{BoundedText, EmailAddress, NewPassword, PortfolioId, Role, SecretToken};
use crate::mail::templates;
use crate::store::{agencies, audit, auth_tokens, sessions, throttle, users};

/// Prefix of password-reset tokens.
const RESET_PREFIX: &str = "lkp";
/// Reset links live one hour.
const RESET_TTL: i64 = 60 * 60;

#[derive(Template)]
#[template(path = "auth/setup.html")]
struct SetupPage {
    layout: Layout,
    form: SetupForm,
    errors: Vec<String>,
    sandbox: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    agency_name: String,
    #[serde(default)]
    portfolio_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `/setup` exists only while there is no agency.
async fn ensure_no_agency(st: &AppState) -> AppResult<()> {
    if agencies::any_exists(&st.db.pool).await? {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

pub async fn setup_form(State(st): State<AppState>, csrf: CsrfToken) -> AppResult<Response> {
    ensure_no_agency(&st).await?;
    // With the built-in sandbox, offer its demo agency portfolio.
    let portfolio_id = if st.sandbox.is_some() {
        crate::meta::sandbox::world::AGENCY_PORTFOLIO.to_owned()
    } else {
        String::new()
    };
    render(&SetupPage {
        layout: Layout::anon(&csrf.0, "Set up Latchkey"),
        form: SetupForm {
            portfolio_id,
            ..SetupForm::default()
        },
        errors: vec![],
        sandbox: st.sandbox.is_some(),
    })
}

pub async fn setup(
    State(st): State<AppState>,
    csrf: CsrfToken,
    ClientIp(ip): ClientIp,
    Form(form): Form<SetupForm>,
) -> AppResult<Response> {
    ensure_no_agency(&st).await?;
    let mut errors = Vec::new();
    let agency = BoundedText::parse_line(&form.agency_name, "Agency name", 120, true)
        .map_err(|e| errors.push(e))
        .ok();
    let portfolio = PortfolioId::parse_optional(&form.portfolio_id)
        .map_err(|e| errors.push(e.to_owned()))
        .ok();
    let name = BoundedText::parse_line(&form.name, "Your name", 120, true)
        .map_err(|e| errors.push(e))
        .ok();
    let email = EmailAddress::parse(&form.email)
        .map_err(|e| errors.push(e.to_owned()))
        .ok();
    let password = NewPassword::parse(&form.password, &form.confirm)
        .map_err(|e| errors.push(e.to_string()))
        .ok();
    let (Some(agency), Some(portfolio), Some(name), Some(email), Some(password)) =
        (agency, portfolio, name, email, password)
    else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                layout: Layout::anon(&csrf.0, "Set up Latchkey"),
                form: clear_secrets(form),
                errors,
                sandbox: st.sandbox.is_some(),
            },
        );
    };
    let hash = st.hasher.hash(password.expose()).await?;
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    // Checked again inside the write transaction: two racing set-ups create one agency.
    if agencies::any_exists(&mut *tx).await? {
        return Err(AppError::NotFound);
    }
    let agency_id = agencies::insert(
        &mut *tx,
        agency.as_str(),
        portfolio.as_ref().map(|p| p.as_str()),
        now,
    )
    .await?;
    let user_id = users::insert(
        &mut *tx,
        agency_id,
        email.as_str(),
        name.as_str(),
        &hash,
        Role::Owner.as_str(),
        now,
    )
    .await?;
    let cookie = session::start(&mut tx, &st.web, user_id, agency_id, now).await?;
    let actor = format!("{} <{}>", name.as_str(), email.as_str());
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(agency_id),
            actor: &actor,
            action: "agency.created",
            target: agency.as_str(),
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(agency_id, "agency created through /setup");
    Ok(redirect_with_cookie("/?notice=welcome", &cookie))
}

fn clear_secrets(mut form: SetupForm) -> SetupForm {
    form.password.clear();
    form.confirm.clear();
    form
}

fn redirect_with_cookie(to: &str, cookie: &str) -> Response {
    let mut resp = Redirect::to(to).into_response();
    if let Ok(v) = HeaderValue::from_str(cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    error: Option<String>,
    setup_needed: bool,
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    notice: Option<String>,
}

pub async fn login_form(
    State(st): State<AppState>,
    csrf: CsrfToken,
    MaybeStaff(staff): MaybeStaff,
    Query(q): Query<LoginQuery>,
) -> AppResult<Response> {
    let next = safe_next(q.next.as_deref());
    if staff.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    render(&LoginPage {
        layout: Layout::anon(&csrf.0, "Log in").with_notice(q.notice.as_deref()),
        email: String::new(),
        next,
        error: None,
        setup_needed: !agencies::any_exists(&st.db.pool).await?,
    })
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// The one answer for every failed login, whether or not the account exists.
const LOGIN_FAILED: &str = "That e-mail and password do not match an account.";

pub async fn login(
    State(st): State<AppState>,
    csrf: CsrfToken,
    MaybeStaff(old): MaybeStaff,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref());
    let typed = form.email.trim().to_ascii_lowercase();
    let page = |error: String, status: StatusCode| {
        render_status(
            status,
            &LoginPage {
                layout: Layout::anon(&csrf.0, "Log in"),
                email: form.email.chars().take(254).collect(),
                next: next.clone(),
                error: Some(error),
                setup_needed: false,
            },
        )
    };
    let acct_key = format!("acct:{}", typed.chars().take(254).collect::<String>());
    let ip_key = format!("ip:{ip}");
    let now = st.clock.now();
    let wait = throttle::wait_secs(&st.db.pool, &acct_key, now)
        .await?
        .max(throttle::wait_secs(&st.db.pool, &ip_key, now).await?);
    if wait > 0 {
        let mut resp = page(
            format!(
                "Too many failed attempts. Wait {} and try again.",
                human_wait(wait)
            ),
            StatusCode::TOO_MANY_REQUESTS,
        )?;
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Ok(resp);
    }

    let creds = match EmailAddress::parse(&form.email) {
        Ok(email) => users::credentials_by_email(&st.db.pool, email.as_str()).await?,
        Err(_) => None,
    };
    // Unknown addresses are verified against a dummy hash: same work, same answer.
    let ok = st
        .hasher
        .verify(
            &form.password,
            creds.as_ref().map(|c| c.password_hash.as_str()),
        )
        .await?;
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    match creds.filter(|_| ok) {
        None => {
            throttle::record_failure(&mut tx, &acct_key, throttle::ACCOUNT, now).await?;
            throttle::record_failure(&mut tx, &ip_key, throttle::IP, now).await?;
            let agency = match EmailAddress::parse(&form.email) {
                Ok(e) => users::by_email(&mut *tx, e.as_str())
                    .await?
                    .map(|u| u.agency_id),
                Err(_) => None,
            };
            let masked = crate::domain::email::mask(&typed);
            audit::record(
                &mut *tx,
                audit::Event {
                    agency_id: agency,
                    actor: &masked,
                    action: "login.failed",
                    target: &masked,
                    ip: &ip,
                    at: now,
                },
            )
            .await?;
            tx.commit().await?;
            page(LOGIN_FAILED.to_owned(), StatusCode::UNAUTHORIZED)
        }
        Some(c) => {
            throttle::clear(&mut *tx, &acct_key).await?;
            if let Some(old) = old {
                sessions::delete(&mut *tx, &old.session_hash).await?;
            }
            let cookie = session::start(&mut tx, &st.web, c.id, c.agency_id, now).await?;
            let masked = crate::domain::email::mask(&typed);
            audit::record(
                &mut *tx,
                audit::Event {
                    agency_id: Some(c.agency_id),
                    actor: &masked,
                    action: "login.succeeded",
                    target: &masked,
                    ip: &ip,
                    at: now,
                },
            )
            .await?;
            tx.commit().await?;
            Ok(redirect_with_cookie(&next, &cookie))
        }
    }
}

pub async fn logout(
    State(st): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
) -> AppResult<Response> {
    if let Some(s) = staff {
        sessions::delete(&st.db.pool, &s.session_hash).await?;
    }
    let clear = Cookies::clear(&st.web, Cookies::session_name(&st.web));
    Ok(redirect_with_cookie("/login?notice=logged_out", &clear))
}

#[derive(Template)]
#[template(path = "auth/forgot.html")]
struct ForgotPage {
    layout: Layout,
    sent: bool,
    error: Option<String>,
}

pub async fn forgot_form(csrf: CsrfToken) -> AppResult<Response> {
    render(&ForgotPage {
        layout: Layout::anon(&csrf.0, "Forgot your password?"),
        sent: false,
        error: None,
    })
}

#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

pub async fn forgot(
    State(st): State<AppState>,
    csrf: CsrfToken,
    ClientIp(ip): ClientIp,
    Form(form): Form<ForgotForm>,
) -> AppResult<Response> {
    let email = match EmailAddress::parse(&form.email) {
        Ok(e) => e,
        Err(msg) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ForgotPage {
                    layout: Layout::anon(&csrf.0, "Forgot your password?"),
                    sent: false,
                    error: Some(msg.to_owned()),
                },
            );
        }
    };
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    if let Some(user) = users::by_email(&mut *tx, email.as_str()).await?
        && let Some(agency) = agencies::get(&mut *tx, user.agency_id).await?
    {
        let token = SecretToken::generate(RESET_PREFIX);
        auth_tokens::insert(
            &mut *tx,
            &token.hash(),
            auth_tokens::KIND_RESET,
            user.agency_id,
            Some(user.id),
            &user.email,
            None,
            now + RESET_TTL,
            now,
        )
        .await?;
        let link = format!("{}/password/reset/{}", st.base_url, token.expose());
        let brand = templates::Brand {
            agency_name: agency.name,
            accent_color: agency.accent_color,
        };
        let message = templates::password_reset(&brand, &user.email, &link)?;
        st.queue_mail(&mut tx, Some(user.agency_id), &message, now)
            .await?;
        audit::record(
            &mut *tx,
            audit::Event {
                agency_id: Some(user.agency_id),
                actor: &email.masked(),
                action: "password.reset_requested",
                target: &email.masked(),
                ip: &ip,
                at: now,
            },
        )
        .await?;
    }
    tx.commit().await?;
    st.mailer.wake();
    // The same page whether or not the address has an account.
    render(&ForgotPage {
        layout: Layout::anon(&csrf.0, "Check your e-mail"),
        sent: true,
        error: None,
    })
}

#[derive(Template)]
#[template(path = "auth/reset.html")]
struct ResetPage {
    layout: Layout,
    email: String,
    errors: Vec<String>,
}

fn link_gone() -> AppError {
    AppError::Gone {
        title: "This link has expired or was already used".to_owned(),
        message: "Reset links work once, for one hour. Ask for a new one from the login page."
            .to_owned(),
    }
}

async fn usable_reset(
    st: &AppState,
    raw: &str,
) -> AppResult<(SecretToken, auth_tokens::AuthToken)> {
    let token = SecretToken::from_presented(RESET_PREFIX, raw).ok_or(AppError::NotFound)?;
    match auth_tokens::find_usable(
        &st.db.pool,
        &token.hash(),
        auth_tokens::KIND_RESET,
        st.clock.now(),
    )
    .await?
    {
        Some(row) => Ok((token, row)),
        None if auth_tokens::exists(&st.db.pool, &token.hash()).await? => Err(link_gone()),
        None => Err(AppError::NotFound),
    }
}

pub async fn reset_form(
    State(st): State<AppState>,
    csrf: CsrfToken,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let (_, row) = usable_reset(&st, &raw).await?;
    render(&ResetPage {
        layout: Layout::anon(&csrf.0, "Choose a new password"),
        email: row.email,
        errors: vec![],
    })
}

#[derive(Debug, Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn reset(
    State(st): State<AppState>,
    csrf: CsrfToken,
    ClientIp(ip): ClientIp,
    Path(raw): Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<Response> {
    let (token, row) = usable_reset(&st, &raw).await?;
    let password = match NewPassword::parse(&form.password, &form.confirm) {
        Ok(p) => p,
        Err(e) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ResetPage {
                    layout: Layout::anon(&csrf.0, "Choose a new password"),
                    email: row.email,
                    errors: vec![e.to_string()],
                },
            );
        }
    };
    let hash = st.hasher.hash(password.expose()).await?;
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    // Consumed atomically: of two racing submissions only one changes the password.
    let Some(row) =
        auth_tokens::consume(&mut *tx, &token.hash(), auth_tokens::KIND_RESET, now).await?
    else {
        return Err(link_gone());
    };
    let user_id = row.user_id.ok_or(AppError::NotFound)?;
    users::set_password(&mut *tx, user_id, &hash).await?;
    sessions::delete_for_user(&mut *tx, user_id, "").await?;
    auth_tokens::invalidate_resets(&mut *tx, user_id, now).await?;
    let masked = crate::domain::email::mask(&row.email);
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(row.agency_id),
            actor: &masked,
            action: "password.reset",
            target: &masked,
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/login?notice=password_reset").into_response())
}

#[derive(Template)]
#[template(path = "auth/change.html")]
struct ChangePage {
    layout: Layout,
    errors: Vec<String>,
}

pub async fn change_form(staff: Staff) -> AppResult<Response> {
    render(&ChangePage {
        layout: Layout::staff(&staff, "Change password", "account"),
        errors: vec![],
    })
}

#[derive(Debug, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change(
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(form): Form<ChangeForm>,
) -> AppResult<Response> {
    let page = |errors: Vec<String>| {
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ChangePage {
                layout: Layout::staff(&staff, "Change password", "account"),
                errors,
            },
        )
    };
    let stored = users::password_hash(&st.db.pool, staff.user_id).await?;
    if !st.hasher.verify(&form.current, stored.as_deref()).await? {
        return page(vec!["Your current password is not correct.".to_owned()]);
    }
    let password = match NewPassword::parse(&form.password, &form.confirm) {
        Ok(p) => p,
        Err(e) => return page(vec![e.to_string()]),
    };
    let hash = st.hasher.hash(password.expose()).await?;
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    users::set_password(&mut *tx, staff.user_id, &hash).await?;
    // Anyone who knew the old password is signed out; this session stays.
    sessions::delete_for_user(&mut *tx, staff.user_id, &staff.session_hash).await?;
    auth_tokens::invalidate_resets(&mut *tx, staff.user_id, now).await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "password.changed",
            target: &staff.email,
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/?notice=password_changed").into_response())
}
