//! The Facebook Login dialog emulator: choose a demo person, see the permissions asked for
//! with a checkbox each, continue (a single-use code, 10 minutes) or cancel (the documented
//! denial redirect).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Sandbox;
use super::world::{APP_ID, Code};

#[derive(Debug, Deserialize, Default)]
pub struct DialogQuery {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    redirect_uri: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    scope: String,
    /// Facebook Login for Business: a configuration of the app, instead of `scope`.
    #[serde(default)]
    config_id: String,
    #[serde(default)]
    auth_type: String,
}

/// The permissions a dialog asks for: the configuration's permission set when one is
/// named (it must be one of the app's), else the `scope` list.
fn asked(scope: &str, config_id: &str) -> Result<Vec<String>, &'static str> {
    if !config_id.is_empty() {
        return super::world::configuration(config_id)
            .map(|set| set.iter().map(|s| (*s).to_owned()).collect())
            .ok_or("Invalid configuration: this config_id is not a configuration of the app.");
    }
    Ok(scope
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect())
}

struct PersonView {
    id: String,
    name: String,
    email: String,
    first: bool,
}

#[derive(Template)]
#[template(path = "sandbox/dialog.html")]
struct DialogPage {
    q: DialogQuery,
    people: Vec<PersonView>,
    scopes: Vec<String>,
    rerequest: bool,
}

#[derive(Template)]
#[template(path = "sandbox/dialog_error.html")]
struct DialogError {
    message: String,
}

fn refuse(message: &str) -> Response {
    match (DialogError {
        message: message.to_owned(),
    })
    .render()
    {
        Ok(html) => (StatusCode::BAD_REQUEST, Html(html)).into_response(),
        Err(_) => (StatusCode::BAD_REQUEST, message.to_owned()).into_response(),
    }
}

/// The refusal message when the app or redirect URI is wrong.
fn check_app(sb: &Sandbox, client_id: &str, redirect_uri: &str) -> Result<(), &'static str> {
    if client_id != APP_ID {
        return Err("Invalid App ID: the app is not the sandbox's built-in app.");
    }
    // Meta accepts only a registered redirect URI, matched exactly; an app in development
    // mode also accepts plain-http loopback ones.
    let loopback = || {
        url::Url::parse(redirect_uri).is_ok_and(|u| {
            u.scheme() == "http" && matches!(u.host_str(), Some("localhost" | "127.0.0.1"))
        })
    };
    let registered = sb.redirect_uris.iter().any(|u| u == redirect_uri);
    if !(registered || sb.development_mode && loopback()) {
        return Err("URL blocked: this redirect URI is not registered for the app.");
    }
    Ok(())
}

pub async fn show(State(sb): State<Sandbox>, Query(q): Query<DialogQuery>) -> Response {
    if let Err(why) = check_app(&sb, &q.client_id, &q.redirect_uri) {
        return refuse(why);
    }
    let world = sb.world();
    let people = world
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| PersonView {
            id: p.id.clone(),
            name: p.name.clone(),
            email: p.email.clone(),
            first: i == 0,
        })
        .collect();
    let scopes = match asked(&q.scope, &q.config_id) {
        Ok(s) => s,
        Err(why) => return refuse(why),
    };
    let rerequest = q.auth_type == "rerequest";
    match (DialogPage {
        q,
        people,
        scopes,
        rerequest,
    })
    .render()
    {
        Ok(html) => Html(html).into_response(),
        Err(_) => refuse("The dialog could not be shown."),
    }
}

pub async fn confirm(
    State(sb): State<Sandbox>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (client_id, redirect_uri, state) = (get("client_id"), get("redirect_uri"), get("state"));
    if let Err(why) = check_app(&sb, &client_id, &redirect_uri) {
        return refuse(why);
    }
    let mut target = match url::Url::parse(&redirect_uri) {
        Ok(u) => u,
        Err(_) => return refuse("The redirect URI is not a URL."),
    };
    if get("action") != "continue" {
        target
            .query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("error_code", "200")
            .append_pair("error_description", "Permissions error")
            .append_pair("error_reason", "user_denied")
            .append_pair("state", &state);
        return Redirect::to(target.as_str()).into_response();
    }
    let person = get("person");
    if sb.world().person(&person).is_none() {
        return refuse("Choose who is logging in.");
    }
    let asked = match asked(&get("scope"), &get("config_id")) {
        Ok(s) => s,
        Err(why) => return refuse(why),
    };
    let granted: Vec<String> = form
        .iter()
        .filter(|(k, v)| k == "grant" && asked.contains(v))
        .map(|(_, v)| v.clone())
        .collect();
    let code = super::random_hex(32);
    let now = sb.clock.now();
    {
        let mut g = sb.lock();
        g.world.codes.retain(|_, c| c.expires_at > now && !c.used);
        g.world.codes.insert(
            code.clone(),
            Code {
                person_id: person,
                scopes: granted,
                redirect_uri: redirect_uri.clone(),
                expires_at: now + 600,
                used: false,
            },
        );
        let w = g.world.clone();
        g.persistence.save(&w);
    }
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &state);
    target.set_fragment(Some("_=_"));
    Redirect::to(target.as_str()).into_response()
}
