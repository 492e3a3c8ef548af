//! "This isn't for me / not now": the client declines a request from its link, with an
//! optional note. The landing stays cookie-free; this page carries the form's CSRF token.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::link::{PublicBrand, gone_with, public_brand, token_segment};
use crate::actions::access::{self, Declined, MAX_DECLINE_NOTE, Viewed};
use crate::domain::request::DeclineReason;
use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::layout::render_status;
use crate::web::session::{ClientIp, CsrfToken};

#[derive(Template)]
#[template(path = "client/decline.html")]
struct DeclinePage {
    brand: PublicBrand,
    token: String,
    csrf: String,
    reasons: Vec<(&'static str, &'static str)>,
    chosen: String,
    note: String,
    max_note: usize,
    errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "client/declined.html")]
struct DeclinedPage {
    brand: PublicBrand,
}

#[derive(Debug, Deserialize)]
pub struct DeclineForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

fn reasons() -> Vec<(&'static str, &'static str)> {
    DeclineReason::ALL
        .iter()
        .map(|r| (r.as_str(), r.label()))
        .collect()
}

/// The form. Viewing it is not an open: no user agent is passed.
pub async fn form(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    csrf: CsrfToken,
    uri: Uri,
) -> AppResult<Response> {
    let raw = token_segment(&uri);
    let view = match access::view(&st, &ip, &raw, None).await? {
        Viewed::Live(view) => view,
        Viewed::Gone(view, why) => return gone_with(public_brand(&view), why),
    };
    render_status(
        StatusCode::OK,
        &DeclinePage {
            brand: public_brand(&view),
            token: raw,
            csrf: csrf.0,
            reasons: reasons(),
            chosen: String::new(),
            note: String::new(),
            max_note: MAX_DECLINE_NOTE,
            errors: Vec::new(),
        },
    )
}

pub async fn submit(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    csrf: CsrfToken,
    uri: Uri,
    Form(f): Form<DeclineForm>,
) -> AppResult<Response> {
    let raw = token_segment(&uri);
    match access::decline(&st, &ip, &raw, &f.reason, &f.note).await? {
        Declined::Done(view) => render_status(
            StatusCode::OK,
            &DeclinedPage {
                brand: public_brand(&view),
            },
        ),
        Declined::Gone(view, why) => gone_with(public_brand(&view), why),
        // Nothing recorded; what was typed comes back with the reasons.
        Declined::Invalid(view, errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &DeclinePage {
                brand: public_brand(&view),
                token: raw,
                csrf: csrf.0,
                reasons: reasons(),
                chosen: f.reason,
                note: f.note,
                max_note: MAX_DECLINE_NOTE,
                errors,
            },
        ),
    }
}
