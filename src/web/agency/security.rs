//! `/account/security`: a person's two-factor sign-in (enrolment with a QR code, recovery
//! codes shown once, turning it off) and their sessions (sign out one, or all others).

use super::NoticeQuery;
use crate::actions::Ctx;

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::account::LoginRefused;
use crate::actions::flash::{self, Shown};
use crate::actions::{account, passkeys, two_factor};
use crate::error::FieldError;
use crate::web::error::{AppResult, human_wait};
use crate::web::layout::{Layout, render, render_status, safe_next};
use crate::web::session::{ClientIp, Staff};

struct PasskeyRow {
    id: i64,
    name: String,
    added: String,
    last_used: Option<String>,
}

struct SessionView {
    id_hash: String,
    started: String,
    last_seen: String,
    ip: String,
    this_one: bool,
}

#[derive(Template)]
#[template(path = "account/security.html")]
struct SecurityPage {
    layout: Layout,
    enrolled: bool,
    required: bool,
    codes_left: i64,
    /// While setting up: the secret and its QR code.
    secret: String,
    qr_svg: String,
    /// Recovery codes just made: shown this once.
    codes: Vec<String>,
    passkeys: Vec<PasskeyRow>,
    /// The installation can offer passkeys (its base URL is a domain name).
    passkeys_available: bool,
    sessions: Vec<SessionView>,
    errors: Vec<FieldError>,
}

async fn page(
    st: &Ctx,
    staff: &Staff,
    notice: Option<&str>,
    codes: Vec<String>,
    errors: Vec<FieldError>,
) -> AppResult<SecurityPage> {
    let status = two_factor::status(st, staff.user_id).await?;
    let (secret, qr_svg) = if status.app {
        (String::new(), String::new())
    } else {
        let e = two_factor::enrolment(st, staff.user_id, &staff.email).await?;
        (e.secret, e.qr_svg)
    };
    let sessions = account::my_sessions(st, staff.user_id)
        .await?
        .into_iter()
        .map(|s| SessionView {
            this_one: s.id_hash == staff.session_hash,
            started: staff.when(s.created_at),
            last_seen: staff.when(s.last_seen_at),
            ip: if s.ip.is_empty() {
                "unknown".into()
            } else {
                s.ip
            },
            id_hash: s.id_hash,
        })
        .collect();
    let passkeys = passkeys::list(st, staff.user_id)
        .await?
        .into_iter()
        .map(|p| PasskeyRow {
            id: p.id,
            added: staff.when(p.created_at),
            last_used: p.last_used_at.map(|t| staff.when(t)),
            name: p.name,
        })
        .collect();
    Ok(SecurityPage {
        layout: Layout::staff(staff, "Sign-in and sessions", "").with_notice(notice),
        passkeys,
        passkeys_available: passkeys::available(st),
        enrolled: status.app,
        required: staff.must_enrol,
        codes_left: status.recovery_codes_left,
        secret,
        qr_svg,
        codes,
        sessions,
        errors,
    })
}

pub async fn show(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let codes = match flash::take(&st, staff.user_id, &q.shown).await? {
        Some(Shown::RecoveryCodes { codes }) => codes,
        _ => Vec::new(),
    };
    render(&page(&st, &staff, q.notice.as_deref(), codes, vec![]).await?)
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// Confirms the set-up with a code from the app; the recovery codes follow, once.
pub async fn confirm(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    match two_factor::confirm(&st, &staff.acting(&ip), &f.code).await? {
        Ok(codes) => shown_codes(&st, &staff, codes, "two_factor_on").await,
        Err(e) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&st, &staff, None, vec![], vec![e]).await?,
        ),
    }
}

async fn shown_codes(
    st: &Ctx,
    staff: &Staff,
    codes: Vec<String>,
    notice: &str,
) -> AppResult<Response> {
    let id = flash::put(st, staff.user_id, &Shown::RecoveryCodes { codes }).await?;
    Ok(Redirect::to(&format!("/account/security?notice={notice}&shown={id}")).into_response())
}

pub async fn new_codes(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
) -> AppResult<Response> {
    let codes = two_factor::new_recovery_codes(&st, &staff.acting(&ip)).await?;
    shown_codes(&st, &staff, codes, "recovery_codes_renewed").await
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

pub async fn turn_off(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    match two_factor::turn_off(&st, &staff.acting(&ip), &f.password).await? {
        Ok(()) => Ok(Redirect::to("/account/security?notice=two_factor_off").into_response()),
        Err(e) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&st, &staff, None, vec![], vec![e]).await?,
        ),
    }
}

#[derive(Debug, Deserialize)]
pub struct SessionForm {
    #[serde(default)]
    session: String,
}

pub async fn end_session(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(f): Form<SessionForm>,
) -> AppResult<Response> {
    account::end_session(&st, &staff.acting(&ip), &f.session).await?;
    Ok(Redirect::to("/account/security?notice=session_ended").into_response())
}

pub async fn end_others(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
) -> AppResult<Response> {
    account::end_other_sessions(&st, &staff.acting(&ip), &staff.session_hash).await?;
    Ok(Redirect::to("/account/security?notice=sessions_ended").into_response())
}

#[derive(Template)]
#[template(path = "account/confirm.html")]
struct ConfirmPage {
    layout: Layout,
    next: String,
    with_code: bool,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ConfirmQuery {
    next: Option<String>,
}

/// `/account/confirm`: before a sensitive change, the person proves it is them again.
pub async fn confirm_form(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Query(q): Query<ConfirmQuery>,
) -> AppResult<Response> {
    render(&ConfirmPage {
        layout: Layout::staff(&staff, "Confirm it is you", ""),
        next: safe_next(q.next.as_deref()),
        with_code: two_factor::status(&st, staff.user_id).await?.app,
        error: None,
    })
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
    next: Option<String>,
}

pub async fn confirm_identity(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    let next = safe_next(f.next.as_deref());
    let error = match account::confirm_identity(
        &st,
        &staff.acting(&ip),
        &staff.session_hash,
        &f.password,
        &f.code,
    )
    .await?
    {
        Ok(()) => {
            let sep = if next.contains('?') { '&' } else { '?' };
            return Ok(Redirect::to(&format!("{next}{sep}notice=confirmed")).into_response());
        }
        Err(LoginRefused::Wait(w)) => {
            format!(
                "Too many wrong answers. Wait {} and try again.",
                human_wait(w)
            )
        }
        Err(LoginRefused::NoMatch) => {
            "That is not right. Type your password, or a current code from your app.".to_owned()
        }
    };
    render_status(
        StatusCode::UNAUTHORIZED,
        &ConfirmPage {
            layout: Layout::staff(&staff, "Confirm it is you", ""),
            next,
            with_code: two_factor::status(&st, staff.user_id).await?.app,
            error: Some(error),
        },
    )
}

/// `POST /account/security/passkeys/options`: what the browser asks the authenticator
/// with to make a passkey (JSON, for the page's script).
pub async fn passkey_options(State(st): State<Arc<Ctx>>, staff: Staff) -> AppResult<Response> {
    if !passkeys::available(&st) {
        return Ok(super::auth::passkey_error(
            StatusCode::CONFLICT,
            "Passkeys need Latchkey at a domain name; this installation's address is an IP address.",
        ));
    }
    let options =
        passkeys::registration_options(&st, staff.user_id, &staff.email, &staff.name).await?;
    Ok(axum::Json(options).into_response())
}

#[derive(Debug, Deserialize)]
pub struct PasskeyForm {
    #[serde(default)]
    name: String,
    /// The authenticator's answer (`PublicKeyCredential.toJSON()`), filled in by the script.
    #[serde(default)]
    credential: String,
}

pub async fn add_passkey(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(f): Form<PasskeyForm>,
) -> AppResult<Response> {
    match passkeys::register(&st, &staff.acting(&ip), &f.name, &f.credential).await? {
        Ok(Some(codes)) => shown_codes(&st, &staff, codes, "passkey_added").await,
        Ok(None) => Ok(Redirect::to("/account/security?notice=passkey_added").into_response()),
        Err(e) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&st, &staff, None, vec![], vec![e]).await?,
        ),
    }
}

#[derive(Debug, Deserialize)]
pub struct RemovePasskeyForm {
    id: i64,
}

pub async fn remove_passkey(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(f): Form<RemovePasskeyForm>,
) -> AppResult<Response> {
    match passkeys::remove(&st, &staff.acting(&ip), f.id).await? {
        Ok(()) => Ok(Redirect::to("/account/security?notice=passkey_removed").into_response()),
        Err(e) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&st, &staff, None, vec![], vec![e]).await?,
        ),
    }
}
