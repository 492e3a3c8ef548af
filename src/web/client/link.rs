//! The client's side of a capability link: `/r/<token>`. No account, phone-first.
//! Looking the link up and recording an open are `actions::access`; this renders them.

use crate::actions::Ctx;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};

use super::landing_cache::{LandingCache, TOKEN_MARK};

use crate::actions::access::{self, Viewed};
use crate::actions::requests::LinkView;
use crate::actions::settings::{self, Agency};
use crate::domain::access::{self as access_words, Ask, GrantMode};
use crate::domain::request::Closed;
use crate::i18n::{Prefs, Text, Tr};
use crate::web::AppError;
use crate::web::error::AppResult;
use crate::web::layout::render_status;
use crate::web::session::{ClientIp, Staff};

/// The agency as the client sees it.
pub struct PublicBrand {
    pub agency_id: i64,
    pub name: String,
    pub has_logo: bool,
}

#[derive(Template)]
#[template(path = "client/landing.html")]
struct Landing {
    tr: Tr,
    brand: PublicBrand,
    token: String,
    client_name: String,
    /// The staff member who sent it; `None` when the agency itself speaks (an API key).
    sender: Option<String>,
    asks: Vec<Text>,
    message: String,
    partner: bool,
    expires_at: i64,
    completed: bool,
    /// For a re-authorisation link: the affected assets, named.
    reauth: Option<Vec<String>>,
    /// Staff's preview: the buttons are inert and a banner says so.
    preview: Option<i64>,
    /// A link for several platforms: one button each — (slug, "Continue with Google", whether
    /// something is shared there already). Empty: the one "Continue with Facebook".
    platforms: Vec<(&'static str, String, bool)>,
    /// The intro's message ids (with a sender, without): one platform is named in it;
    /// several are named by their buttons.
    intro: (&'static str, &'static str),
}

#[derive(Template)]
#[template(path = "client/gone.html")]
struct Gone {
    tr: Tr,
    brand: PublicBrand,
    title: String,
    message: String,
}

/// The token as it appears in `/r/<token>/…`, undecoded: a token is base64url, so
/// anything percent-encoded (or not UTF-8) is simply not a token and ends as a 404.
pub fn token_segment(uri: &Uri) -> String {
    uri.path()
        .strip_prefix("/r/")
        .unwrap_or("")
        .split('/')
        .next()
        .unwrap_or("")
        .to_owned()
}

async fn brand_of(st: &Ctx, agency: &Agency) -> AppResult<PublicBrand> {
    Ok(PublicBrand {
        agency_id: agency.id,
        name: agency.public_name().to_owned(),
        has_logo: settings::has_logo(st, agency.id).await?,
    })
}

/// The 410 page for a link that no longer takes an answer, from the approval's steps
/// (which know the agency, not who sent the link).
pub async fn gone_page(st: &Ctx, tr: Tr, agency: &Agency, why: Closed) -> AppResult<Response> {
    let brand = brand_of(st, agency).await?;
    let sender = brand.name.clone();
    gone_with(tr, brand, &sender, why)
}

/// The agency's branded page saying why a link is closed and whom to ask, in the reader's
/// language: 410, with no way into the staff's side.
pub fn gone_with(tr: Tr, brand: PublicBrand, sender: &str, why: Closed) -> AppResult<Response> {
    let key = why.message_stem();
    render_status(
        StatusCode::GONE,
        &Gone {
            title: tr.t(&format!("{key}-title")),
            message: tr.t2(
                &format!("{key}-body"),
                "agency",
                &brand.name,
                "sender",
                sender,
            ),
            tr,
            brand,
        },
    )
}

/// [`gone_with`] for a link's view: its agency, and the person who sent it.
pub fn gone_for(tr: Tr, view: &LinkView, why: Closed) -> AppResult<Response> {
    let brand = public_brand(view);
    let sender = view.sender.clone().unwrap_or_else(|| brand.name.clone());
    gone_with(tr, brand, &sender, why)
}

/// Whether a request looks like a person's browser rather than a prefetcher: link
/// scanners in mail gateways, chat previews, crawlers and browser prefetch. Their visits
/// are shown the page but never recorded, so "opened" means a person opened it.
pub fn is_person(headers: &HeaderMap) -> bool {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    for name in ["sec-purpose", "purpose", "x-purpose", "x-moz"] {
        let v = header(name);
        if v.contains("prefetch") || v.contains("preview") || v.contains("prerender") {
            return false;
        }
    }
    let ua = header("user-agent");
    const AUTOMATED: [&str; 24] = [
        "bot",
        "crawler",
        "spider",
        "preview",
        "facebookexternalhit",
        "slack",
        "whatsapp",
        "telegram",
        "discord",
        "skypeuripreview",
        "microsoft office",
        "ms-office",
        "outlook",
        "proofpoint",
        "mimecast",
        "barracuda",
        "safelinks",
        "google-safety",
        "curl/",
        "wget/",
        "python-",
        "go-http-client",
        "okhttp",
        "java/",
    ];
    ua.starts_with("mozilla/") && !AUTOMATED.iter().any(|a| ua.contains(a))
}

pub async fn landing(
    State(st): State<Arc<Ctx>>,
    State(pages): State<Arc<LandingCache>>,
    ClientIp(ip): ClientIp,
    prefs: Prefs,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
) -> AppResult<Response> {
    let raw = token_segment(&uri);
    // Prefetchers and HEAD requests are shown the page but never count as an open.
    let person = (method != Method::HEAD && is_person(&headers)).then(|| {
        headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    });
    let view = match access::view(&st, &ip, &raw, person).await? {
        Viewed::Live(view) => view,
        Viewed::Gone(view, why) => return gone_for(Tr::new(prefs.pick(view.lang())), &view, why),
    };
    let lang = prefs.pick(view.lang());
    // A page that needs a further read (a re-authorisation's assets, several platforms'
    // states) is rendered each time; the usual one is rendered once per change.
    let reusable = view.purpose != "reauth" && view.platforms().len() < 2;
    if reusable && let Some(html) = pages.get(&view, lang, &raw) {
        return Ok((StatusCode::OK, Html(html)).into_response());
    }
    let token = if reusable {
        TOKEN_MARK.to_owned()
    } else {
        raw.clone()
    };
    let html = landing_page(&st, Tr::new(lang), &view, token, None)
        .await?
        .render()?;
    if !reusable {
        return Ok((StatusCode::OK, Html(html)).into_response());
    }
    let page = pages.put(&view, lang, &html, &raw);
    Ok((StatusCode::OK, Html(page)).into_response())
}

/// The landing for a link's view: the client's, or (with `preview`) staff's look at it.
async fn landing_page(
    st: &Ctx,
    tr: Tr,
    view: &LinkView,
    raw: String,
    preview: Option<i64>,
) -> AppResult<Landing> {
    let brand = public_brand(view);
    let reauth = if view.purpose == "reauth" {
        let assets = access::reauth_assets(st, view).await?;
        Some(assets.iter().map(|a| tr.text(a)).collect())
    } else {
        None
    };
    let platforms = access::platforms_shared(st, view)
        .await?
        .into_iter()
        .map(|(p, shared)| {
            let words = tr.t(&format!("landing-continue-{}", p.as_str()));
            (p.as_str(), words, shared)
        })
        .collect::<Vec<_>>();
    Ok(Landing {
        intro: if platforms.is_empty() {
            ("landing-intro", "landing-intro-agency")
        } else {
            ("landing-intro-multi", "landing-intro-agency-multi")
        },
        platforms,
        tr,
        preview,
        token: raw,
        client_name: view.client_name.clone(),
        sender: view.sender.clone(),
        asks: Ask::decode(&view.asks)
            .iter()
            .map(|a| access_words::ask_words(a.kind, a.level))
            .collect(),
        // A re-authorisation link explains itself in the reader's language (rows from before
        // kept an English note in `message`, which is not shown).
        message: if reauth.is_some() {
            String::new()
        } else {
            view.message.clone()
        },
        partner: view.mode == GrantMode::Partner,
        expires_at: view.expires_at,
        completed: view.outcome.is_some(),
        reauth,
        brand,
    })
}

/// `/requests/<id>/preview`: what the client sees on the link's page, for the agency's
/// staff, without the link (which only the client holds) and without counting an open. The
/// language is the request's (or `?lang=`), never the staff member's browser's.
pub async fn preview(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    prefs: Prefs,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let view = access::preview(&st, staff.agency_id, id).await?;
    let tr = Tr::new(prefs.chosen.or(view.lang()).unwrap_or_default());
    let page = landing_page(&st, tr, &view, String::new(), Some(id)).await?;
    render_status(StatusCode::OK, &page)
}

pub fn public_brand(view: &LinkView) -> PublicBrand {
    PublicBrand {
        agency_id: view.agency_id,
        name: view.public_name().to_owned(),
        has_logo: view.has_logo == 1,
    }
}

/// `/brand/<agency id>.css`: the agency's accent colour as a CSS variable, so pages can
/// use it without inline styles (the CSP forbids them).
pub async fn brand_css(
    State(st): State<Arc<Ctx>>,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let id: i64 = file
        .strip_suffix(".css")
        .and_then(|s| s.parse().ok())
        .ok_or(AppError::NotFound)?;
    let agency = settings::agency(&st, id).await?;
    // The colour was validated as #rrggbb when saved.
    let css = format!(":root {{ --accent: {}; }}\n", agency.accent_color);
    Ok(([(header::CONTENT_TYPE, "text/css; charset=utf-8")], css).into_response())
}

/// `/brand/<agency id>/logo`: the uploaded logo, served by Latchkey itself.
pub async fn logo(State(st): State<Arc<Ctx>>, Path(id): Path<i64>) -> AppResult<Response> {
    let (content_type, bytes) = settings::logo(&st, id).await?.ok_or(AppError::NotFound)?;
    let ct = if content_type == "image/png" {
        "image/png"
    } else {
        "image/jpeg"
    };
    Ok(([(header::CONTENT_TYPE, ct)], bytes).into_response())
}
