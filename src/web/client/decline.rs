//! "This isn't for me / not now": the client declines a request from its link, with an
//! optional note. The landing stays cookie-free; this page carries the form's CSRF token.

use crate::actions::Ctx;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::link::{PublicBrand, gone_for, public_brand, token_segment};
use crate::actions::access::{self, Declined, MAX_DECLINE_NOTE, Viewed};
use crate::actions::requests::LinkView;
use crate::domain::request::{Closed, DeclineReason};
use crate::i18n::{Prefs, Tr};
use crate::web::error::AppResult;
use crate::web::layout::render_status;
use crate::web::session::{ClientIp, CsrfToken};

#[derive(Template)]
#[template(path = "client/decline.html")]
struct DeclinePage {
    tr: Tr,
    brand: PublicBrand,
    token: String,
    csrf: String,
    reasons: Vec<(&'static str, String)>,
    chosen: String,
    note: String,
    max_note: usize,
    errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "client/declined.html")]
struct DeclinedPage {
    tr: Tr,
    brand: PublicBrand,
}

#[derive(Debug, Deserialize)]
pub struct DeclineForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

fn reasons(tr: Tr) -> Vec<(&'static str, String)> {
    DeclineReason::ALL
        .iter()
        .map(|r| (r.as_str(), tr.t(&format!("decline-reason-{}", r.as_str()))))
        .collect()
}

/// The form. Viewing it is not an open: no user agent is passed.
pub async fn form(
    State(st): State<Arc<Ctx>>,
    ClientIp(ip): ClientIp,
    prefs: Prefs,
    csrf: CsrfToken,
    uri: Uri,
) -> AppResult<Response> {
    let raw = token_segment(&uri);
    let view = match access::view(&st, &ip, &raw, None).await? {
        Viewed::Live(view) => view,
        Viewed::Gone(view, why) => return gone_for(Tr::new(prefs.pick(view.lang())), &view, why),
    };
    let tr = Tr::new(prefs.pick(view.lang()));
    render_status(
        StatusCode::OK,
        &DeclinePage {
            tr,
            brand: public_brand(&view),
            token: raw,
            csrf: csrf.0,
            reasons: reasons(tr),
            chosen: String::new(),
            note: String::new(),
            max_note: MAX_DECLINE_NOTE,
            errors: Vec::new(),
        },
    )
}

/// `/r/<token>/declined`: the client's "no", confirmed. A link still open goes back to its
/// page; one closed for another reason says that reason.
pub async fn declined(
    State(st): State<Arc<Ctx>>,
    ClientIp(ip): ClientIp,
    prefs: Prefs,
    uri: Uri,
) -> AppResult<Response> {
    let raw = token_segment(&uri);
    match access::view(&st, &ip, &raw, None).await? {
        Viewed::Gone(view, Closed::Declined) => render_status(
            StatusCode::OK,
            &DeclinedPage {
                tr: Tr::new(prefs.pick(view.lang())),
                brand: public_brand(&view),
            },
        ),
        Viewed::Gone(view, why) => gone_for(Tr::new(prefs.pick(view.lang())), &view, why),
        Viewed::Live(_) => Ok(Redirect::to(&format!("/r/{raw}")).into_response()),
    }
}

pub async fn submit(
    State(st): State<Arc<Ctx>>,
    ClientIp(ip): ClientIp,
    prefs: Prefs,
    csrf: CsrfToken,
    uri: Uri,
    Form(f): Form<DeclineForm>,
) -> AppResult<Response> {
    let raw = token_segment(&uri);
    let tr_for = |view: &LinkView| Tr::new(prefs.pick(view.lang()));
    match access::decline(&st, &ip, &raw, &f.reason, &f.note).await? {
        // Post/Redirect/Get: a reload shows the answer again and sends nothing twice.
        Declined::Done(_) => Ok(Redirect::to(&format!("/r/{raw}/declined")).into_response()),
        Declined::Gone(view, why) => gone_for(tr_for(&view), &view, why),
        // Nothing recorded; what was typed comes back with the reasons.
        Declined::Invalid(view, errors) => {
            let tr = tr_for(&view);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &DeclinePage {
                    tr,
                    brand: public_brand(&view),
                    token: raw,
                    csrf: csrf.0,
                    reasons: reasons(tr),
                    chosen: f.reason,
                    note: f.note,
                    max_note: MAX_DECLINE_NOTE,
                    errors: errors.iter().map(|e| tr.text(e)).collect(),
                },
            )
        }
    }
}
