//! Middleware: sessions, CSRF, security headers, and error pages for bare statuses.

use crate::actions::Ctx;
use crate::web::WebConfig;
use std::sync::Arc;

use crate::actions::account::{self, Resumed};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::AppError;
use super::client::{LANG_COOKIE, is_client_path, prefs_of, switched_to};
use super::error::ErrorPage;
use super::session::{self, Cookies, CsrfToken, Staff};
use crate::i18n;

/// Resolves the staff session (if any) and the CSRF token for this request, and refuses a
/// state-changing request that does not carry that token.
pub async fn session(
    State(st): State<Arc<Ctx>>,
    State(web): State<Arc<WebConfig>>,
    mut req: Request,
    next: Next,
) -> Response {
    let session_cookie = Cookies::session_name(&web);
    let presented = Cookies::get(req.headers(), session_cookie);
    let (row, clear_session) = match account::resume(&st, presented.as_deref()).await {
        Ok(Resumed::Live(row)) => (Some(*row), false),
        Ok(Resumed::None) => (None, false),
        Ok(Resumed::Ended) => (None, true),
        Err(e) => return e.into_response(),
    };
    let staff = row.map(Staff::from_row);

    // Visitors without a session get a double-submit CSRF cookie for the login-type forms,
    // made only when a page takes the token (assets and the link page need none).
    let csrf_cookie = Cookies::csrf_name(&web);
    let csrf = match &staff {
        Some(s) => Some(s.csrf.clone()),
        None => Cookies::get(req.headers(), csrf_cookie)
            .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit())),
    };
    let fresh = match csrf {
        Some(token) => {
            req.extensions_mut().insert(CsrfToken(token));
            None
        }
        None => {
            let fresh = session::FreshCsrf::default();
            req.extensions_mut().insert(fresh.clone());
            Some(fresh)
        }
    };
    if let Some(s) = staff {
        req.extensions_mut().insert(s);
    }

    // CSRF is checked here, in the same layer, once the session (and so the expected
    // token) is known.
    let mut resp = match check_csrf(&web, req).await {
        Ok(req) => next.run(req).await,
        Err(refused) => refused,
    };
    if clear_session {
        let sets_session = resp
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.as_bytes().starts_with(session_cookie.as_bytes()));
        if !sets_session {
            append_cookie(&mut resp, &Cookies::clear(&web, session_cookie));
        }
    }
    if let Some(v) = fresh.as_ref().and_then(session::FreshCsrf::made) {
        append_cookie(&mut resp, &Cookies::build(&web, csrf_cookie, v, None));
    }
    resp
}

fn append_cookie(resp: &mut Response, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// The sandbox's controls (clock, faults, migration switch, reset) act for the world of
/// every agency on this installation: only an owner of its first agency may use them.
pub async fn install_owner(State(st): State<Arc<Ctx>>, req: Request, next: Next) -> Response {
    let Some(staff) = req.extensions().get::<Staff>().cloned() else {
        let next_path = if req.method() == Method::GET {
            req.uri().path().to_owned()
        } else {
            "/sandbox".to_owned()
        };
        return AppError::LoginRequired { next: next_path }.into_response();
    };
    let first = match crate::actions::account::installing_agency(&st).await {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    if staff.role != crate::domain::Role::Owner || first != Some(staff.agency_id) {
        return AppError::Forbidden(
            "Only the owner of this installation can use the sandbox's controls.",
        )
        .into_response();
    }
    next.run(req).await
}

/// Every state-changing request must come from our own pages (Origin / Sec-Fetch-Site)
/// and carry the request's CSRF token in its form, compared in constant time.
async fn check_csrf(web: &WebConfig, req: Request) -> Result<Request, Response> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(req);
    }
    // The sandbox's Graph API is called server to server with tokens, its login dialog
    // stands in for facebook.com, and its controls check their own CSRF token; Meta's
    // callbacks (`/meta/...`) carry its signed_request: none is one of Latchkey's own forms.
    let path = req.uri().path();
    if path.starts_with("/sandbox/") || path.starts_with("/meta/") {
        return Ok(req);
    }
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return Err(AppError::Csrf.into_response());
    }
    // A page served with `Referrer-Policy: no-referrer` (the link pages, so the token never
    // leaks) makes Chromium send `Origin: null` on its own same-origin forms. `null` names no
    // site, so it is treated as absent: the form's CSRF token below is the proof, and a
    // cross-site browser still says so in `Sec-Fetch-Site` above.
    if let Some(origin) = headers.get(header::ORIGIN)
        && origin.as_bytes() != b"null"
        && origin.as_bytes() != web.origin.as_bytes()
    {
        return Err(AppError::Csrf.into_response());
    }
    let Some(expected) = req.extensions().get::<CsrfToken>().map(|t| t.0.clone()) else {
        return Err(AppError::Csrf.into_response());
    };
    // File uploads are streamed to their handler, so their token rides in the query string.
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        let presented = req
            .uri()
            .query()
            .and_then(|q| url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "csrf"))
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        if !bool::from(presented.as_bytes().ct_eq(expected.as_bytes())) {
            return Err(AppError::Csrf.into_response());
        }
        return Ok(req);
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, web.body_limit).await {
        Ok(b) => b,
        Err(_) => return Err(AppError::PayloadTooLarge.into_response()),
    };
    let presented = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if !bool::from(presented.as_bytes().ct_eq(expected.as_bytes())) {
        return Err(AppError::Csrf.into_response());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Replaces the plain-text bodies axum and tower produce for errors (404 from the
/// fallback, 405, 413, 415, form rejections) with the error page.
fn replace_bare_error(resp: Response, is_health: bool, is_api: bool) -> Response {
    let status = resp.status();
    if is_health || !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    // Only bare bodies are replaced: plain text from axum/tower, or none at all. HTML pages
    // and JSON (the sandbox's Graph errors) are already what their reader expects.
    let bare = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !bare {
        return resp;
    }
    // The API's reader is a program: a bare answer from the router (a path that is not a
    // number, a wrong method, a body over the limit) becomes a problem document too.
    if is_api {
        let (parts, _) = resp.into_parts();
        let mut fresh = crate::web::api::problem::Problem::for_bare_status(status).into_response();
        for (name, value) in parts.headers.iter() {
            if name == header::ALLOW || name == header::RETRY_AFTER {
                fresh.headers_mut().insert(name.clone(), value.clone());
            }
        }
        return fresh;
    }
    let (mut parts, _) = resp.into_parts();
    let page = ErrorPage::for_status(
        if status == StatusCode::UNPROCESSABLE_ENTITY
            || status == StatusCode::UNSUPPORTED_MEDIA_TYPE
        {
            StatusCode::BAD_REQUEST
        } else {
            status
        },
    );
    let fresh = page.into_response_with(status);
    parts.headers.remove(header::CONTENT_LENGTH);
    let (fresh_parts, body) = fresh.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        fresh_parts
            .headers
            .get(header::CONTENT_TYPE)
            .cloned()
            .unwrap_or(HeaderValue::from_static("text/html; charset=utf-8")),
    );
    Response::from_parts(parts, body)
}

/// The security headers of SECURITY.md on every response.
fn add_security_headers(resp: &mut Response, is_link: bool, is_static: bool, https: bool) {
    let h = resp.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(
        h,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    set(h, "x-content-type-options", "nosniff");
    set(h, "cross-origin-opener-policy", "same-origin");
    set(h, "x-frame-options", "DENY");
    if is_link {
        // A capability link must never leak through the Referer header or a search index.
        set(h, "referrer-policy", "no-referrer");
        set(h, "x-robots-tag", "noindex, nofollow");
    } else {
        set(h, "referrer-policy", "strict-origin-when-cross-origin");
    }
    if is_static {
        set(h, "cache-control", "public, max-age=3600");
    } else {
        set(h, "cache-control", "no-store");
    }
    if https {
        set(
            h,
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        );
    }
}

/// Hides the secret part of capability paths: `/r/lkr_AbCd…` keeps only a prefix.
pub fn redact_path(path: &str) -> String {
    for prefix in ["/r/", "/invite/", "/password/reset/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let (token, tail) = rest.split_once('/').map_or((rest, ""), |(t, r)| (t, r));
            let shown: String = token.chars().take(8).collect();
            let tail = if tail.is_empty() {
                String::new()
            } else {
                format!("/{tail}")
            };
            return format!("{prefix}{shown}…{tail}");
        }
    }
    path.to_owned()
}

/// The frame around every request, in one layer: error pages for bare error statuses,
/// the security headers of SECURITY.md, and one log line (method, path with capability
/// tokens redacted, status, time; no query strings, which may carry CSRF tokens or Meta
/// codes) when info logging is on.
pub async fn frame(
    State(_st): State<Arc<Ctx>>,
    State(web): State<Arc<WebConfig>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let (is_link, is_static, is_health, is_api) = (
        path.starts_with("/r/"),
        path.starts_with("/static/"),
        path == "/healthz",
        path.starts_with("/api/"),
    );
    let log = tracing::enabled!(tracing::Level::INFO).then(|| {
        (
            req.method().clone(),
            redact_path(path),
            std::time::Instant::now(),
        )
    });
    // The client's pages, error pages included, are in the reader's language; a switch on
    // the page is remembered in a cookie.
    let client = is_client_path(path).then(|| {
        (
            prefs_of(req.headers(), req.uri()).pick(None),
            switched_to(req.uri()),
        )
    });
    let answer = async move { replace_bare_error(next.run(req).await, is_health, is_api) };
    let mut resp = match client {
        Some((lang, _)) => i18n::scope(lang, answer).await,
        None => answer.await,
    };
    if let Some((_, Some(lang))) = client {
        let cookie = Cookies::build(&web, LANG_COOKIE, lang.code(), Some(365 * 86_400));
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    add_security_headers(&mut resp, is_link, is_static, web.https);
    if let Some((method, path, started)) = log {
        tracing::info!(
            %method,
            %path,
            status = resp.status().as_u16(),
            ms = started.elapsed().as_millis() as u64,
            "request"
        );
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::redact_path;

    #[test]
    fn capability_paths_are_redacted() {
        assert_eq!(
            redact_path("/r/lkr_AbCdEfGhIjKl/start"),
            "/r/lkr_AbCd…/start"
        );
        assert_eq!(redact_path("/invite/lki_secretsecret"), "/invite/lki_secr…");
        assert_eq!(redact_path("/clients/4"), "/clients/4");
    }
}
