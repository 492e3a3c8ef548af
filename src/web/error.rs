//! How the one error type ([`crate::error::AppError`]) looks to a person: an error page with
//! the right status; the cause of an unexpected error is logged, never shown.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

pub use crate::error::{AppError, AppResult};

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub title: String,
    pub message: String,
}

impl ErrorPage {
    /// The standard page for a status code.
    pub fn for_status(status: StatusCode) -> Self {
        let (title, message) = match status.as_u16() {
            400 => (
                "Something in that request was not right",
                "Go back, check the form and try again.",
            ),
            403 => (
                "You cannot do that",
                "Your account does not have access to this page or action.",
            ),
            404 => (
                "Page not found",
                "The page does not exist, or the link is no longer valid. Check the address, or ask whoever sent it for a new link.",
            ),
            405 => ("Not allowed", "That page cannot be used this way."),
            410 => (
                "This link has expired",
                "Ask whoever sent it for a new link.",
            ),
            413 => (
                "That was too large",
                "The form you sent was larger than Latchkey accepts. Shorten it and try again.",
            ),
            429 => ("Too many attempts", "Please wait a little and try again."),
            503 => ("Latchkey is busy", "Please try again in a few seconds."),
            _ => (
                "Something went wrong",
                "We could not complete that. It has been logged; please try again in a minute.",
            ),
        };
        Self {
            status: status.as_u16(),
            title: title.to_owned(),
            message: message.to_owned(),
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
                page.title = title;
                page.message = message;
            }
            Self::Forbidden(msg) => page.message = msg.to_owned(),
            Self::BadRequest(msg) => page.message = msg,
            Self::Csrf => {
                page.title = "This form has expired".to_owned();
                page.message =
                    "For your security the form could not be accepted. Go back, reload the page and try again."
                        .to_owned();
            }
            Self::TooManyRequests { retry_after } => {
                page.message = format!("Please wait {} and try again.", human_wait(retry_after));
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

/// "3 seconds", "2 minutes", "1 hour".
pub fn human_wait(secs: i64) -> String {
    let secs = secs.max(1);
    let minutes = (secs + 59) / 60;
    let (n, unit) = if secs < 60 {
        (secs, "second")
    } else if minutes < 60 {
        (minutes, "minute")
    } else {
        ((secs + 3599) / 3600, "hour")
    };
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
