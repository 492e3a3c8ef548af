//! How the one error type ([`crate::error::AppError`]) looks to a person: an error page with
//! the right status; the cause of an unexpected error is logged, never shown.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

pub use crate::error::{AppError, AppResult};
use crate::i18n::{self, Tr};

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub title: String,
    pub message: String,
    /// English on staff pages; the reader's language while a client page is answered.
    pub tr: Tr,
    /// A client's page: no button to the start page (the staff's login).
    pub client: bool,
}

impl ErrorPage {
    /// The standard page for a status code.
    pub fn for_status(status: StatusCode) -> Self {
        let code = match status.as_u16() {
            c @ (400 | 403 | 404 | 405 | 410 | 413 | 429 | 503) => c,
            _ => 500,
        };
        let tr = i18n::current();
        Self {
            status: status.as_u16(),
            title: tr.t(&format!("error-{code}-title")),
            message: tr.t(&format!("error-{code}-body")),
            tr,
            client: i18n::on_client_page(),
        }
    }

    pub fn into_response_with(self, status: StatusCode) -> Response {
        match self.render() {
            Ok(html) => (
                status,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                )],
                html,
            )
                .into_response(),
            Err(_) => (status, "Something went wrong").into_response(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = match &self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Gone { .. } => StatusCode::GONE,
            Self::Forbidden(_) | Self::Csrf => StatusCode::FORBIDDEN,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::ConfirmRequired { next } => {
                return Redirect::to(&format!("/account/confirm?next={}", urlencode(next)))
                    .into_response();
            }
            Self::SecondFactorRequired => {
                return Redirect::to("/account/security?notice=two_factor_required")
                    .into_response();
            }
            Self::LoginRequired { next } => {
                let target = if next == "/" {
                    "/login".to_owned()
                } else {
                    format!("/login?next={}", urlencode(next))
                };
                return Redirect::to(&target).into_response();
            }
            Self::Database(_) | Self::Template(_) | Self::Unexpected(_) => {
                tracing::error!(error = ?self, "request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let mut page = ErrorPage::for_status(status);
        match self {
            Self::Gone { title, message } => {
                page.title = page.tr.text(&title);
                page.message = page.tr.text(&message);
            }
            Self::Forbidden(msg) => page.message = msg.to_owned(),
            Self::BadRequest(msg) => page.message = msg,
            Self::Csrf => {
                page.title = page.tr.t("error-csrf-title");
                page.message = page.tr.t("error-csrf-body");
            }
            Self::TooManyRequests { retry_after } => {
                page.message = wait_words(page.tr, retry_after);
                let mut resp = page.into_response_with(status);
                if let Ok(v) = HeaderValue::from_str(&retry_after.max(1).to_string()) {
                    resp.headers_mut().insert(header::RETRY_AFTER, v);
                }
                return resp;
            }
            _ => {}
        }
        page.into_response_with(status)
    }
}

/// A wait rounded up to a whole number of seconds, minutes or hours.
fn wait_parts(secs: i64) -> (i64, &'static str) {
    let secs = secs.max(1);
    let minutes = (secs + 59) / 60;
    if secs < 60 {
        (secs, "second")
    } else if minutes < 60 {
        (minutes, "minute")
    } else {
        ((secs + 3599) / 3600, "hour")
    }
}

/// "Please wait 3 seconds and try again.", in the reader's language.
fn wait_words(tr: Tr, secs: i64) -> String {
    let (n, unit) = wait_parts(secs);
    tr.n(
        &format!("error-wait-{unit}s"),
        usize::try_from(n).unwrap_or(usize::MAX),
    )
}

/// "3 seconds", "2 minutes", "1 hour".
pub fn human_wait(secs: i64) -> String {
    let (n, unit) = wait_parts(secs);
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::human_wait;

    #[test]
    fn waits_read_naturally() {
        assert_eq!(human_wait(1), "1 second");
        assert_eq!(human_wait(59), "59 seconds");
        assert_eq!(human_wait(61), "2 minutes");
        assert_eq!(human_wait(3599), "1 hour");
        assert_eq!(human_wait(3600), "1 hour");
        assert_eq!(human_wait(7201), "3 hours");
    }
}
