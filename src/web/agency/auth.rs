//! Set-up, login, logout and passwords: the pages around `actions::account`.

use crate::actions::Ctx;

use crate::web::WebConfig;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::account::{self, LoggedIn, LoginRefused, SignedIn};
use crate::actions::two_factor::{self, SecondFactorRefused};
use crate::actions::{passkeys, passwords};
use crate::domain::{EmailAddress, SecretToken};
use crate::error::AppError;
use crate::web::error::{AppResult, human_wait};
use crate::web::layout::{Layout, render, render_status, safe_next};
use crate::web::session::{ClientIp, Cookies, CsrfToken, MaybeStaff, Staff};

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

fn setup_page(st: &Ctx, csrf: &str, form: SetupForm, errors: Vec<String>) -> SetupPage {
    SetupPage {
        layout: Layout::anon(csrf, "Set up Latchkey"),
        form,
        errors,
        sandbox: st.demo.is_some(),
    }
}

pub async fn setup_form(State(st): State<Arc<Ctx>>, csrf: CsrfToken) -> AppResult<Response> {
    if !account::setup_open(&st).await? {
        return Err(AppError::NotFound);
    }
    // With the built-in sandbox, offer its demo agency portfolio.
    let portfolio_id = st
        .demo
        .as_ref()
        .map(|d| d.agency_portfolio().to_owned())
        .unwrap_or_default();
    let form = SetupForm {
        portfolio_id,
        ..SetupForm::default()
    };
    render(&setup_page(&st, &csrf.0, form, vec![]))
}

pub async fn setup(
    State(st): State<Arc<Ctx>>,
    State(web): State<Arc<WebConfig>>,
    csrf: CsrfToken,
    ClientIp(ip): ClientIp,
    Form(mut form): Form<SetupForm>,
) -> AppResult<Response> {
    let typed = account::SetupForm {
        agency_name: form.agency_name.clone(),
        portfolio_id: form.portfolio_id.clone(),
        name: form.name.clone(),
        email: form.email.clone(),
        password: std::mem::take(&mut form.password),
        confirm: std::mem::take(&mut form.confirm),
    };
    match account::set_up(&st, &typed, &ip).await? {
        Ok(session) => Ok(signed_in(&web, "/?notice=welcome", &session)),
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &setup_page(&st, &csrf.0, form, errors),
        ),
    }
}

fn redirect_with_cookie(to: &str, cookie: &str) -> Response {
    let mut resp = Redirect::to(to).into_response();
    if let Ok(v) = HeaderValue::from_str(cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// Redirects with the cookie of a new session.
pub fn signed_in(web: &WebConfig, to: &str, session: &SecretToken) -> Response {
    let name = Cookies::session_name(web);
    redirect_with_cookie(to, &Cookies::build(web, name, session.expose(), None))
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
    State(st): State<Arc<Ctx>>,
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
        setup_needed: account::setup_open(&st).await?,
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

/// Redirects with the new session's cookie, and a device cookie for a browser new to the
/// account.
fn signed_in_on_device(web: &WebConfig, next: &str, done: SignedIn) -> Response {
    let mut resp = signed_in(web, next, &done.session);
    if let Some(d) = done.new_device {
        let name = Cookies::device_name(web);
        let cookie = Cookies::build(web, name, d.expose(), Some(DEVICE_AGE));
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    let gone = Cookies::clear(web, Cookies::challenge_name(web));
    if let Ok(v) = HeaderValue::from_str(&gone) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Template)]
#[template(path = "auth/verify.html")]
struct VerifyPage {
    layout: Layout,
    next: String,
    /// The person has an authenticator app (else only recovery codes are typed).
    app: bool,
    /// The person has a passkey this installation can use.
    passkey: bool,
    error: Option<String>,
}

impl VerifyPage {
    async fn new(
        st: &Ctx,
        csrf: &str,
        challenge: &str,
        next: String,
        error: Option<String>,
    ) -> AppResult<Self> {
        let methods = passkeys::methods(st, challenge).await?;
        Ok(Self {
            layout: Layout::anon(csrf, "Two-factor sign-in"),
            next,
            app: methods.app,
            passkey: methods.passkey,
            error,
        })
    }
}

/// `/login/verify`: the second step, a passkey, a code from the authenticator app or a
/// recovery code.
pub async fn verify_form(
    State(st): State<Arc<Ctx>>,
    State(web): State<Arc<WebConfig>>,
    csrf: CsrfToken,
    headers: axum::http::HeaderMap,
    Query(q): Query<LoginQuery>,
) -> AppResult<Response> {
    let next = safe_next(q.next.as_deref());
    let Some(challenge) = Cookies::get(&headers, Cookies::challenge_name(&web)) else {
        return Ok(Redirect::to("/login").into_response());
    };
    render(&VerifyPage::new(&st, &csrf.0, &challenge, next, None).await?)
}

#[derive(Debug, Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    code: String,
    /// A passkey's answer (`PublicKeyCredential.toJSON()`), instead of a code.
    #[serde(default)]
    credential: String,
    next: Option<String>,
}

/// The second step's answer: a code (`/login/verify`) or a passkey (`/login/verify/passkey`).
pub async fn verify(
    State(st): State<Arc<Ctx>>,
    State(web): State<Arc<WebConfig>>,
    csrf: CsrfToken,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    uri: axum::http::Uri,
    Form(form): Form<VerifyForm>,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref());
    let challenge = Cookies::get(&headers, Cookies::challenge_name(&web)).unwrap_or_default();
    let device = Cookies::get(&headers, Cookies::device_name(&web));
    let with_passkey = uri.path().ends_with("/passkey");
    let outcome = if with_passkey {
        passkeys::complete_sign_in(&st, &challenge, &form.credential, device.as_deref(), &ip)
            .await?
    } else {
        two_factor::complete_sign_in(&st, &challenge, &form.code, device.as_deref(), &ip).await?
    };
    let (status, error, wait) = match outcome {
        Ok(done) => return Ok(signed_in_on_device(&web, &next, done)),
        Err(SecondFactorRefused::Expired) => {
            return Ok(Redirect::to("/login?notice=second_factor_expired").into_response());
        }
        Err(SecondFactorRefused::Wrong) if with_passkey => (
            StatusCode::UNAUTHORIZED,
            "That passkey did not sign you in. Try it again, or type a code.".to_owned(),
            None,
        ),
        Err(SecondFactorRefused::Wrong) => (
            StatusCode::UNAUTHORIZED,
            "That code does not match. Type the 6 digits your app shows now, or one of your recovery codes.".to_owned(),
            None,
        ),
        Err(SecondFactorRefused::Wait(w)) => (
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many wrong answers. Wait {} and try again.", human_wait(w)),
            Some(w),
        ),
    };
    let page = VerifyPage::new(&st, &csrf.0, &challenge, next, Some(error)).await?;
    let mut resp = render_status(status, &page)?;
    if let Some(v) = wait.and_then(|w| HeaderValue::from_str(&w.to_string()).ok()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    Ok(resp)
}

/// `POST /login/verify/passkey/options`: what the browser asks the authenticator with.
/// JSON, for the page's script; a refusal is `{"error": …}` in words to show.
pub async fn passkey_options(
    State(st): State<Arc<Ctx>>,
    State(web): State<Arc<WebConfig>>,
    headers: axum::http::HeaderMap,
) -> AppResult<Response> {
    let challenge = Cookies::get(&headers, Cookies::challenge_name(&web)).unwrap_or_default();
    Ok(match passkeys::sign_in_options(&st, &challenge).await? {
        Ok(Some(options)) => axum::Json(options).into_response(),
        Ok(None) => passkey_error(
            StatusCode::NOT_FOUND,
            "You have no passkey here. Type a code instead.",
        ),
        Err(SecondFactorRefused::Wait(w)) => passkey_error(
            StatusCode::TOO_MANY_REQUESTS,
            &format!(
                "Too many wrong answers. Wait {} and try again.",
                human_wait(w)
            ),
        ),
        Err(_) => passkey_error(
            StatusCode::UNAUTHORIZED,
            "This sign-in expired. Start again from the sign-in page.",
        ),
    })
}

/// A passkey ceremony that cannot start, in words for the page's script to show.
pub(crate) fn passkey_error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
}

/// How long a browser stays known to an account after it signs in (a year).
const DEVICE_AGE: i64 = 365 * 86_400;

pub async fn login(
    State(st): State<Arc<Ctx>>,
    State(web): State<Arc<WebConfig>>,
    csrf: CsrfToken,
    MaybeStaff(old): MaybeStaff,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref());
    let old = old.map(|s| s.session_hash);
    let device_name = Cookies::device_name(&web);
    let device = Cookies::get(&headers, device_name);
    let refused = account::log_in(
        &st,
        &form.email,
        &form.password,
        old.as_deref(),
        device.as_deref(),
        &ip,
    )
    .await?;
    let (error, status, wait) = match refused {
        Ok(LoggedIn::Session(done)) => return Ok(signed_in_on_device(&web, &next, done)),
        Ok(LoggedIn::NeedsSecondFactor(challenge)) => {
            // The challenge rides in a short-lived cookie to the code form.
            let name = Cookies::challenge_name(&web);
            let cookie = Cookies::build(&web, name, challenge.expose(), Some(5 * 60));
            let to = format!(
                "/login/verify?next={}",
                url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            );
            return Ok(redirect_with_cookie(&to, &cookie));
        }
        Err(LoginRefused::NoMatch) => (LOGIN_FAILED.to_owned(), StatusCode::UNAUTHORIZED, None),
        Err(LoginRefused::Wait(wait)) => (
            format!(
                "Too many failed attempts. Wait {} and try again.",
                human_wait(wait)
            ),
            StatusCode::TOO_MANY_REQUESTS,
            Some(wait),
        ),
    };
    let page = LoginPage {
        layout: Layout::anon(&csrf.0, "Log in"),
        email: form.email.chars().take(254).collect(),
        next,
        error: Some(error),
        setup_needed: false,
    };
    let mut resp = render_status(status, &page)?;
    if let Some(v) = wait.and_then(|w| HeaderValue::from_str(&w.to_string()).ok()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    Ok(resp)
}

pub async fn logout(
    State(st): State<Arc<Ctx>>,
    State(web): State<Arc<WebConfig>>,
    MaybeStaff(staff): MaybeStaff,
) -> AppResult<Response> {
    if let Some(s) = staff {
        account::log_out(&st, &s.session_hash).await?;
    }
    let clear = Cookies::clear(&web, Cookies::session_name(&web));
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
    State(st): State<Arc<Ctx>>,
    csrf: CsrfToken,
    ClientIp(ip): ClientIp,
    Form(form): Form<ForgotForm>,
) -> AppResult<Response> {
    let (sent, error, status, title) = match EmailAddress::parse(&form.email) {
        Ok(email) => match passwords::forgot_password(&st, &email, &ip).await? {
            // The same page whether or not the address has an account.
            Ok(()) => (true, None, StatusCode::OK, "Check your e-mail"),
            Err(wait) => (
                false,
                Some(format!(
                    "Too many reset requests. Try again in {}; the last link sent still works.",
                    human_wait(wait)
                )),
                StatusCode::TOO_MANY_REQUESTS,
                "Forgot your password?",
            ),
        },
        Err(msg) => (
            false,
            Some(msg.to_owned()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Forgot your password?",
        ),
    };
    let page = ForgotPage {
        layout: Layout::anon(&csrf.0, title),
        sent,
        error,
    };
    render_status(status, &page)
}

#[derive(Template)]
#[template(path = "auth/reset.html")]
struct ResetPage {
    layout: Layout,
    email: String,
    errors: Vec<String>,
}

pub async fn reset_form(
    State(st): State<Arc<Ctx>>,
    csrf: CsrfToken,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let (_, row) = passwords::usable_reset(&st, &raw).await?;
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
    State(st): State<Arc<Ctx>>,
    csrf: CsrfToken,
    ClientIp(ip): ClientIp,
    Path(raw): Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<Response> {
    let (_, row) = passwords::usable_reset(&st, &raw).await?;
    match passwords::reset_password(&st, &raw, &form.password, &form.confirm, &ip).await? {
        Ok(()) => Ok(Redirect::to("/login?notice=password_reset").into_response()),
        Err(e) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ResetPage {
                layout: Layout::anon(&csrf.0, "Choose a new password"),
                email: row.email,
                errors: vec![e],
            },
        ),
    }
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
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(f): Form<ChangeForm>,
) -> AppResult<Response> {
    let actor = staff.acting(&ip);
    let (email, session) = (&staff.email, &staff.session_hash);
    let changed = passwords::change_password(
        &st,
        &actor,
        email,
        session,
        &f.current,
        &f.password,
        &f.confirm,
    );
    match changed.await? {
        Ok(()) => Ok(Redirect::to("/?notice=password_changed").into_response()),
        Err(e) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ChangePage {
                layout: Layout::staff(&staff, "Change password", "account"),
                errors: vec![e],
            },
        ),
    }
}
