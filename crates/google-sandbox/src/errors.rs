//! Google's error shapes: the APIs' `{"error": {code, message, status, details}}` and the
//! OAuth endpoints' `{"error", "error_description"}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An API's refusal, answered as Google's JSON APIs do (google.rpc.Status over HTTP).
#[derive(Debug)]
pub struct Refusal {
    code: u16,
    status: &'static str,
    message: String,
    details: Vec<serde_json::Value>,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut error = json!({"code": self.code, "message": self.message, "status": self.status});
        if !self.details.is_empty() {
            error["details"] = json!(self.details);
        }
        (
            StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            Json(json!({ "error": error })),
        )
            .into_response()
    }
}

pub fn api(code: u16, status: &'static str, message: &str) -> Refusal {
    api_with(code, status, message, Vec::new())
}

pub fn api_with(
    code: u16,
    status: &'static str,
    message: &str,
    details: Vec<serde_json::Value>,
) -> Refusal {
    Refusal {
        code,
        status,
        message: message.to_owned(),
        details,
    }
}

fn bad_request(field: &str, message: &str) -> Refusal {
    api_with(
        400,
        "INVALID_ARGUMENT",
        message,
        vec![json!({
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": field, "description": message}],
        })],
    )
}

/// A request body with a field the schema does not have.
pub fn unknown_field(name: &str, at: &str) -> Refusal {
    bad_request(
        at,
        &format!(
            "Invalid JSON payload received. Unknown name \"{name}\" at '{at}': Cannot find field."
        ),
    )
}

/// A field with a value the API refuses.
pub fn invalid(field: &str, message: &str) -> Refusal {
    bad_request(field, message)
}

/// An OAuth endpoint's refusal.
pub fn oauth(code: StatusCode, error: &str, description: &str) -> Response {
    (
        code,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

pub async fn not_found() -> Refusal {
    api(
        404,
        "NOT_FOUND",
        "The requested URL was not found on this server.",
    )
}
