//! Staff sessions and the one place that builds cookies.

use crate::actions::Actor;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use super::{AppError, AppState, WebConfig};
use crate::actions::account::SessionRow;
use crate::domain::Role;
use crate::domain::token::random_hex;

/// The logged-in staff user behind a request.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user_id: i64,
    pub agency_id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub agency_name: String,
    pub csrf: String,
    pub session_hash: String,
    /// The menu's counts: requests waiting for a client, grants at risk or lapsed.
    pub nav_waiting: i64,
    pub nav_at_risk: i64,
    /// The agency's time zone (IANA name).
    pub time_zone: String,
    /// The agency requires two-factor sign-in and this person has not set it up: every
    /// staff page but the set-up leads there.
    pub must_enrol: bool,
    /// When they last proved it was them (signing in, or confirming their password).
    pub confirmed_at: i64,
}

impl Staff {
    /// A moment as this agency reads it: "2026-12-01 15:05 CET".
    pub fn when(&self, ts: i64) -> String {
        crate::clock::format_in(ts, &self.time_zone)
    }

    pub fn from_row(row: SessionRow) -> Self {
        Self {
            user_id: row.user_id,
            agency_id: row.agency_id,
            email: row.email,
            name: row.name,
            role: row.role,
            agency_name: row.agency_name,
            csrf: row.csrf_token,
            session_hash: row.id_hash,
            nav_waiting: row.nav_waiting,
            nav_at_risk: row.nav_at_risk,
            time_zone: row.time_zone,
            must_enrol: row.require_two_factor != 0 && row.two_factor == 0,
            confirmed_at: row.confirmed_at,
        }
    }

    /// "Ana (ana@example.com)" for the audit log.
    pub fn actor(&self) -> String {
        format!("{} <{}>", self.name, self.email)
    }

    /// This person, acting from `ip`, as the use cases see them.
    pub fn acting(&self, ip: &str) -> Actor {
        Actor {
            agency_id: self.agency_id,
            user_id: Some(self.user_id),
            label: self.actor(),
            name: self.name.clone(),
            role: self.role,
            ip: ip.to_owned(),
        }
    }
}

/// The CSRF token every form of this request must carry.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// An anonymous visitor's CSRF token, made the first time a handler takes it (to put it in
/// a form); only then does the response carry the cookie for it.
#[derive(Debug, Clone, Default)]
pub struct FreshCsrf(std::sync::Arc<std::sync::OnceLock<String>>);

impl FreshCsrf {
    fn get(&self) -> String {
        self.0.get_or_init(|| random_hex(32)).clone()
    }

    /// The token, if a handler made it.
    pub fn made(&self) -> Option<&String> {
        self.0.get()
    }
}

/// A staff member who may manage the team and settings (owner or admin).
#[derive(Debug, Clone)]
pub struct Manager(pub Staff);

/// The staff user if logged in.
#[derive(Debug, Clone)]
pub struct MaybeStaff(pub Option<Staff>);

/// The client's IP address, as text.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let staff =
            parts
                .extensions
                .get::<Staff>()
                .cloned()
                .ok_or_else(|| AppError::LoginRequired {
                    next: parts
                        .uri
                        .path_and_query()
                        .map_or("/", |p| p.as_str())
                        .to_owned(),
                })?;
        // Required two-factor sign-in: nothing but setting it up (or leaving) until it is.
        let path = parts.uri.path();
        if staff.must_enrol
            && !path.starts_with("/account/security")
            && path != "/account/password"
            && path != "/logout"
        {
            return Err(AppError::SecondFactorRequired);
        }
        Ok(staff)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Manager {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let staff = Staff::from_request_parts(parts, state).await?;
        if staff.role.can_manage() {
            Ok(Manager(staff))
        } else {
            Err(AppError::Forbidden(
                "Only the agency's owners and admins can manage the team and settings.",
            ))
        }
    }
}

/// A manager who proved it was them in the last [`CONFIRM_WINDOW`] seconds (their password
/// or a code from their app): what creating API keys and webhooks, changing roles, removing
/// people and changing the Meta connection need. Otherwise they are asked, then sent back
/// to the page the form was on.
#[derive(Debug, Clone)]
pub struct ConfirmedManager(pub Staff);

/// How long a confirmation lasts.
pub const CONFIRM_WINDOW: i64 = 15 * 60;

impl FromRequestParts<AppState> for ConfirmedManager {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let Manager(staff) = Manager::from_request_parts(parts, st).await?;
        if staff.confirmed_at >= st.ctx.clock.now() - CONFIRM_WINDOW {
            return Ok(ConfirmedManager(staff));
        }
        // Back to the page holding the form, to submit it again once confirmed.
        let path = parts.uri.path();
        let back = if path.starts_with("/team/") && path.ends_with("/role") {
            "/team"
        } else if path.starts_with("/settings/meta") || path.starts_with("/settings/google") {
            "/settings"
        } else {
            path
        };
        Err(AppError::ConfirmRequired {
            next: back.to_owned(),
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeStaff {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeStaff(parts.extensions.get::<Staff>().cloned()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if let Some(fresh) = parts.extensions.get::<FreshCsrf>() {
            return Ok(CsrfToken(fresh.get()));
        }
        parts
            .extensions
            .get::<CsrfToken>()
            .cloned()
            .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("session middleware missing")))
    }
}

impl<S> FromRequestParts<S> for ClientIp
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = AppState::from_ref(state);
        Ok(ClientIp(client_ip(
            &parts.headers,
            parts.extensions.get(),
            &app.web,
        )))
    }
}

/// The peer address, or the first `X-Forwarded-For` entry when configured to trust it.
pub fn client_ip(
    headers: &HeaderMap,
    peer: Option<&ConnectInfo<SocketAddr>>,
    web: &WebConfig,
) -> String {
    if web.trust_forwarded_for
        && let Some(first) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        let first = first.trim();
        if first.parse::<std::net::IpAddr>().is_ok() {
            return first.to_owned();
        }
    }
    peer.map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// Cookie names and attributes in one place: `__Host-` and `Secure` over https.
pub struct Cookies;

impl Cookies {
    pub fn session_name(web: &WebConfig) -> &'static str {
        if web.https {
            "__Host-lk_session"
        } else {
            "lk_session"
        }
    }

    /// A sign-in between its password and its second factor (five minutes).
    pub fn challenge_name(web: &WebConfig) -> &'static str {
        if web.https {
            "__Host-lk_challenge"
        } else {
            "lk_challenge"
        }
    }

    /// A browser that signed in before (see `actions::account::log_in`).
    pub fn device_name(web: &WebConfig) -> &'static str {
        if web.https {
            "__Host-lk_device"
        } else {
            "lk_device"
        }
    }

    pub fn csrf_name(web: &WebConfig) -> &'static str {
        if web.https {
            "__Host-lk_csrf"
        } else {
            "lk_csrf"
        }
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, no Domain, Secure over https.
    pub fn build(web: &WebConfig, name: &str, value: &str, max_age: Option<i64>) -> String {
        let mut c = Cookie::build((name.to_owned(), value.to_owned()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(web.https);
        if let Some(age) = max_age {
            c = c.max_age(time::Duration::seconds(age));
        }
        c.build().to_string()
    }

    /// A `Set-Cookie` value that deletes the cookie.
    pub fn clear(web: &WebConfig, name: &str) -> String {
        Self::build(web, name, "", Some(0))
    }

    /// Reads one cookie from the request headers (through axum-extra's cookie jar).
    pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
        CookieJar::from_headers(headers)
            .get(name)
            .map(|c| c.value().to_owned())
    }
}
