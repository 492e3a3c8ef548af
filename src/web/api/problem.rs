//! Errors as RFC 9457 problem details (`application/problem+json`), each with a stable
//! `type` a client can switch on.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppError, FieldError};

/// A problem: `type` names the kind (stable), `title` says it in words, `detail` about this
/// occurrence; validation problems list every `errors` entry, as the web forms do.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    #[schema(example = "urn:latchkey:problem:validation")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemError>,
    /// Seconds to wait (rate limits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<i64>,
}

/// One broken rule: the field it is about (absent when it is about the request as a whole)
/// and what to do, worded as on the web form.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemError {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "people_deadline")]
    pub field: Option<String>,
    #[schema(example = "\"31/01/2027\" is not a date: use dates like 2027-01-31.")]
    pub message: String,
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, title: &str) -> Self {
        Self {
            kind: format!("urn:latchkey:problem:{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: None,
            errors: Vec::new(),
            retry_after: None,
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// 422: the input was read but breaks the rules; nothing was changed.
    pub fn invalid(errors: Vec<String>) -> Self {
        Self::with_errors(
            errors
                .into_iter()
                .map(|message| ProblemError {
                    field: None,
                    message,
                })
                .collect(),
        )
    }

    /// 422 naming the field of each broken rule.
    pub fn fields(errors: Vec<FieldError>) -> Self {
        Self::with_errors(
            errors
                .into_iter()
                .map(|e| ProblemError {
                    field: Some(e.field.to_owned()),
                    message: e.message,
                })
                .collect(),
        )
    }

    fn with_errors(errors: Vec<ProblemError>) -> Self {
        Self {
            errors,
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "The request breaks a rule; nothing was changed",
            )
        }
    }

    /// The problem for a status the router answered with no body of its own.
    pub fn for_bare_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::malformed(
                "A part of the path or query could not be read: ids are whole numbers.",
            ),
            404 => Self::not_found(),
            405 => Self::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "This path does not take that method",
            )
            .detail("The Allow header lists the methods it takes."),
            413 => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "The body is larger than the API accepts",
            ),
            415 => Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Send the body as application/json",
            ),
            s if s < 500 => Self::malformed("The request could not be read."),
            _ => Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side",
            ),
        }
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "No such resource")
    }

    pub fn unauthorized(detail: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "A valid API key is required",
        )
        .detail(detail)
    }

    pub fn malformed(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed",
            "The request could not be read",
        )
        .detail(detail)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry = self.retry_after;
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut resp = (status, body).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"latchkey\""),
            );
        }
        if let Some(secs) = retry
            && let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => Self::not_found(),
            AppError::Gone { title, message } => {
                Self::new(StatusCode::GONE, "gone", &title.en()).detail(message.en())
            }
            AppError::Forbidden(why) => {
                Self::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed").detail(why)
            }
            // The use cases' refusals of input or of a state ("a reminder was sent
            // recently"): a rule was broken and nothing changed.
            AppError::BadRequest(why) => Self::invalid(vec![why]),
            AppError::TooManyRequests { retry_after } => Self {
                retry_after: Some(retry_after),
                ..Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate-limited",
                    "Too many requests",
                )
            },
            AppError::PayloadTooLarge => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "The body is larger than the API accepts",
            ),
            AppError::Busy => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "Latchkey is busy; try again in a few seconds",
            ),
            AppError::Csrf
            | AppError::LoginRequired { .. }
            | AppError::SecondFactorRequired
            | AppError::ConfirmRequired { .. } => {
                Self::unauthorized("Send the key as Authorization: Bearer <key>.")
            }
            e @ (AppError::Database(_) | AppError::Template(_) | AppError::Unexpected(_)) => {
                tracing::error!(error = ?e, "API request failed");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong; it has been logged",
                )
            }
        }
    }
}

/// The API's result type: a value or a problem.
pub type ApiResult<T> = Result<T, Problem>;
