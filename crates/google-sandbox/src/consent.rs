//! The OAuth consent screen: choose a demo account, see each scope asked for with a
//! checkbox (Google lets a person untick any but the basic sign-in scopes), continue (a
//! single-use code, ten minutes) or cancel (`error=access_denied`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Sandbox;
use super::world::{ADWORDS_WORDS, CLIENT_ID, Code, SCOPE_ADWORDS, SCOPE_EMAIL};

#[derive(Debug, Deserialize, Default)]
pub struct AuthQuery {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    redirect_uri: String,
    #[serde(default)]
    response_type: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    include_granted_scopes: String,
    #[serde(default)]
    access_type: String,
    #[serde(default)]
    login_hint: String,
}

/// Google's names for the basic scopes, as a token reports them.
fn canonical(scope: &str) -> Option<&str> {
    match scope {
        "email" | SCOPE_EMAIL => Some(SCOPE_EMAIL),
        "openid" => Some("openid"),
        "profile" => Some("https://www.googleapis.com/auth/userinfo.profile"),
        s if s.starts_with("https://www.googleapis.com/auth/") => Some(s),
        _ => None,
    }
}

fn basic(scope: &str) -> bool {
    scope == "openid" || scope.starts_with("https://www.googleapis.com/auth/userinfo.")
}

struct PersonView {
    email: String,
    name: String,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "google-sandbox/consent.html")]
struct ConsentPage {
    q: AuthQuery,
    people: Vec<PersonView>,
    /// The scopes a person may untick, each with Google's words for it.
    optional: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "google-sandbox/error.html")]
struct ErrorPage {
    code: String,
    message: String,
}

/// Google's "Access blocked" page: the request is refused before anyone signs in.
fn blocked(code: &str, message: &str) -> Blocked {
    Blocked(ErrorPage {
        code: code.to_owned(),
        message: message.to_owned(),
    })
}

struct Blocked(ErrorPage);

impl IntoResponse for Blocked {
    fn into_response(self) -> Response {
        match self.0.render() {
            Ok(html) => (StatusCode::BAD_REQUEST, Html(html)).into_response(),
            Err(_) => (StatusCode::BAD_REQUEST, self.0.message).into_response(),
        }
    }
}

impl Sandbox {
    fn redirect_allowed(&self, uri: &str) -> bool {
        if self.redirect_uris.iter().any(|r| r == uri) {
            return true;
        }
        self.loopback_redirects
            && url::Url::parse(uri).is_ok_and(|u| {
                u.scheme() == "http" && matches!(u.host_str(), Some("127.0.0.1" | "localhost"))
            })
    }
}

/// Why the request cannot be shown, as Google's error page names it.
fn check(sb: &Sandbox, q: &AuthQuery) -> Result<Vec<String>, Blocked> {
    if q.client_id != CLIENT_ID {
        return Err(blocked("invalid_client", "The OAuth client was not found."));
    }
    if !sb.redirect_allowed(&q.redirect_uri) {
        return Err(blocked(
            "redirect_uri_mismatch",
            "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy: the redirect URI is not registered for the client.",
        ));
    }
    if q.response_type != "code" {
        return Err(blocked(
            "unsupported_response_type",
            "Only response_type=code is supported.",
        ));
    }
    let mut scopes = Vec::new();
    for s in q.scope.split_whitespace() {
        match canonical(s) {
            Some(c) => scopes.push(c.to_owned()),
            None => {
                return Err(blocked(
                    "invalid_scope",
                    &format!("Some requested scopes were invalid: {s}"),
                ));
            }
        }
    }
    if scopes.is_empty() {
        return Err(blocked(
            "invalid_request",
            "Missing required parameter: scope",
        ));
    }
    Ok(scopes)
}

pub async fn show(State(sb): State<Sandbox>, Query(q): Query<AuthQuery>) -> Response {
    let scopes = match check(&sb, &q) {
        Ok(s) => s,
        Err(r) => return r.into_response(),
    };
    let world = sb.world();
    let hint = q.login_hint.clone();
    let people = world
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| PersonView {
            email: p.email.clone(),
            name: p.name.clone(),
            chosen: if hint.is_empty() {
                i == 0
            } else {
                p.email == hint
            },
        })
        .collect();
    let optional = scopes
        .into_iter()
        .filter(|s| !basic(s))
        .map(|s| {
            let words = super::schema::SCOPE_WORDS
                .iter()
                .chain([&(SCOPE_ADWORDS, ADWORDS_WORDS)])
                .find(|(k, _)| *k == s)
                .map_or_else(|| s.clone(), |(_, w)| (*w).to_owned());
            (s, words)
        })
        .collect();
    let page = ConsentPage {
        q,
        people,
        optional,
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// The consent form's single-valued fields.
struct ConsentForm {
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: String,
    include_granted_scopes: String,
    access_type: String,
    person: String,
    /// `allow` or `cancel`.
    action: String,
}

fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut u = url::Url::parse(uri).expect("checked when the screen was shown");
    u.query_pairs_mut().extend_pairs(pairs);
    u.to_string()
}

/// The consent form: a code for what was left ticked, or the denial redirect.
pub async fn confirm(State(sb): State<Sandbox>, body: String) -> Response {
    // The ticked scopes come as repeated `grant` fields, which a form struct cannot take:
    // the urlencoded body is read as pairs.
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let ticked: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "grant")
        .map(|(_, v)| v.clone())
        .collect();
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let form = ConsentForm {
        client_id: field("client_id"),
        redirect_uri: field("redirect_uri"),
        scope: field("scope"),
        state: field("state"),
        include_granted_scopes: field("include_granted_scopes"),
        access_type: field("access_type"),
        person: field("person"),
        action: field("action"),
    };
    let q = AuthQuery {
        client_id: form.client_id.clone(),
        redirect_uri: form.redirect_uri.clone(),
        response_type: "code".into(),
        scope: form.scope.clone(),
        state: form.state.clone(),
        ..Default::default()
    };
    let asked = match check(&sb, &q) {
        Ok(s) => s,
        Err(r) => return r.into_response(),
    };
    if form.action != "allow" {
        return Redirect::to(&with_query(
            &form.redirect_uri,
            &[("error", "access_denied"), ("state", &form.state)],
        ))
        .into_response();
    }
    let Some((code, scopes)) = issue_code(&sb, &form, asked, &ticked) else {
        return blocked("invalid_request", "Choose an account.").into_response();
    };
    Redirect::to(&with_query(
        &form.redirect_uri,
        &[
            ("state", form.state.as_str()),
            ("code", code.as_str()),
            ("scope", scopes.join(" ").as_str()),
        ],
    ))
    .into_response()
}

/// A single-use code for what the person left ticked (plus, with incremental consent, what
/// they granted the client before); None when no such person.
fn issue_code(
    sb: &Sandbox,
    form: &ConsentForm,
    asked: Vec<String>,
    ticked: &[String],
) -> Option<(String, Vec<String>)> {
    let now = sb.clock.now();
    let mut g = sb.lock();
    let person = g.world.person(&form.person).cloned()?;
    let mut scopes: Vec<String> = asked
        .into_iter()
        .filter(|s| basic(s) || ticked.contains(s))
        .collect();
    let key = format!("{} {}", person.email, form.client_id);
    if form.include_granted_scopes == "true" {
        for s in g.world.granted.get(&key).cloned().unwrap_or_default() {
            if !scopes.contains(&s) {
                scopes.push(s);
            }
        }
    }
    g.world.granted.insert(key, scopes.clone());
    let code = format!("4/0{}", super::random_hex(20));
    g.world.codes.insert(
        code.clone(),
        Code {
            email: person.email.clone(),
            scopes: scopes.clone(),
            client_id: form.client_id.clone(),
            redirect_uri: form.redirect_uri.clone(),
            expires_at: now + 600,
            offline: form.access_type == "offline",
        },
    );
    g.save();
    Some((code, scopes))
}
