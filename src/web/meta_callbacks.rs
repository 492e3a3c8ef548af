//! What Meta's App Review asks every app to have: a privacy page, the deauthorize callback
//! and the data-deletion callback (both authenticated by Meta's `signed_request`, not by a
//! session or CSRF token), and the page where a deletion's confirmation code is checked.

use crate::actions::Ctx;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Deserialize;

use super::error::AppResult;
use super::layout::render;
use crate::actions::privacy;
use crate::clock::format_utc;
use crate::error::AppError;

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    deleted_on: Option<String>,
}

pub async fn policy() -> AppResult<Response> {
    render(&PrivacyPage { deleted_on: None })
}

#[derive(Debug, Deserialize)]
pub struct Signed {
    #[serde(default)]
    signed_request: String,
}

/// Meta's deauthorize callback.
pub async fn deauthorize(State(st): State<Arc<Ctx>>, Form(f): Form<Signed>) -> AppResult<Response> {
    privacy::deauthorize(&st, &f.signed_request).await?;
    Ok(Json(serde_json::json!({"success": true})).into_response())
}

/// Meta's data-deletion callback: answers the status URL and confirmation code.
pub async fn delete_data(State(st): State<Arc<Ctx>>, Form(f): Form<Signed>) -> AppResult<Response> {
    Ok(Json(privacy::delete_data(&st, &f.signed_request).await?).into_response())
}

/// Where the person checks a deletion.
pub async fn deletion_status(
    State(st): State<Arc<Ctx>>,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let at = privacy::deletion_status(&st, &code).ok_or(AppError::NotFound)?;
    render(&PrivacyPage {
        deleted_on: Some(format_utc(at)),
    })
}
