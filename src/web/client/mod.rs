//! The client's pages: the capability link (`/r/<token>`), Facebook Login and the approval.
//! No account; phone-first; the agency's branding; in the client's language.

pub mod approve;
pub mod decline;
pub mod landing_cache;
pub mod link;

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri, header};

use crate::i18n::{Lang, Prefs};
use crate::web::session::Cookies;

/// The cookie that remembers a reader's switch of language (a year; nothing else in it).
pub const LANG_COOKIE: &str = "lk_lang";

/// Whether a path is one of the client's pages (which are read in the client's language).
pub fn is_client_path(path: &str) -> bool {
    path.starts_with("/r/") || path.starts_with("/approve") || path == "/oauth/callback"
}

/// `?lang=` on this request: the reader just chose a language on the page.
pub fn switched_to(uri: &Uri) -> Option<Lang> {
    url::form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::parse(&v))
}

/// What the request says of the reader's language.
pub fn prefs_of(headers: &HeaderMap, uri: &Uri) -> Prefs {
    let remembered = Cookies::get(headers, LANG_COOKIE).and_then(|c| Lang::parse(&c));
    let browser = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language);
    Prefs {
        chosen: switched_to(uri).or(remembered),
        browser,
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Prefs {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(prefs_of(&parts.headers, &parts.uri))
    }
}
