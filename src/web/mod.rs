//! The web layer: axum router, middleware, sessions, error pages and layout, and the pages
//! by audience: `agency/` (staff) and `client/` (the capability link and the approval).
//!
//! Handlers are thin: parse the request, call one use case in `crate::actions`, render or
//! redirect. No transaction is opened here. Tenant data is always read through the session's
//! agency id.

mod agency;
pub mod api;
mod assets;
mod client;
mod csv;
pub mod error;
mod layout;
mod meta_callbacks;
mod middleware;
mod sandbox_mail;
pub mod session;
mod state;

use axum::Router;
use axum::routing::{MethodRouter, get, post};
use tower_http::limit::RequestBodyLimitLayer;

use agency::{
    api_keys, audit, auth, clients, emails, google, grants, home, new_request, reauth, records,
    request_templates, requests, review, security, settings, team, verify, webhooks,
};
use client::{approve, decline, link};

pub use error::AppError;
pub use state::{AppState, WebConfig};

/// Every route of Latchkey itself, as (path, methods). The router is built from this list,
/// and the route-matrix test enumerates it, so no route escapes that test.
fn app_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    [
        public_routes(),
        client_routes(),
        account_routes(),
        work_routes(),
        settings_routes(),
    ]
    .concat()
}

/// Routes anyone may reach: health, robots, the privacy page, Meta's callbacks and the
/// static files.
fn public_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/healthz", get(assets::healthz)),
        ("/robots.txt", get(assets::robots)),
        ("/privacy", get(meta_callbacks::policy)),
        ("/meta/deauthorize", post(meta_callbacks::deauthorize)),
        ("/meta/data-deletion", post(meta_callbacks::delete_data)),
        (
            "/meta/data-deletion/{code}",
            get(meta_callbacks::deletion_status),
        ),
        ("/static/app.css", get(assets::stylesheet)),
        ("/static/app.js", get(assets::script)),
        ("/favicon.ico", get(assets::favicon)),
    ]
}

/// The client's routes: the capability link, branding, and the approval.
fn client_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/brand/{file}", get(link::brand_css)),
        ("/brand/{id}/logo", get(link::logo)),
        ("/r/{token}", get(link::landing)),
        ("/r/{token}/start", get(approve::start)),
        (
            "/r/{token}/decline",
            get(decline::form).post(decline::submit),
        ),
        ("/r/{token}/declined", get(decline::declined)),
        ("/oauth/callback", get(approve::callback)),
        ("/approve", get(approve::picker).post(approve::approve)),
        ("/approve/retry", get(approve::retry)),
        ("/approve/again", post(approve::retry_failed)),
        ("/approve/done", get(approve::done)),
        ("/approve/next/{platform}", get(approve::next)),
        ("/approve/migration", post(approve::migration)),
    ]
}

/// Signing in and out, passwords, invitations, and each person's own security.
fn account_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/setup", get(auth::setup_form).post(auth::setup)),
        ("/login", get(auth::login_form).post(auth::login)),
        ("/login/verify", get(auth::verify_form).post(auth::verify)),
        ("/login/verify/passkey", post(auth::verify)),
        ("/login/verify/passkey/options", post(auth::passkey_options)),
        ("/logout", post(auth::logout)),
        (
            "/password/forgot",
            get(auth::forgot_form).post(auth::forgot),
        ),
        (
            "/password/reset/{token}",
            get(auth::reset_form).post(auth::reset),
        ),
        (
            "/account/password",
            get(auth::change_form).post(auth::change),
        ),
        ("/account/security", get(security::show)),
        (
            "/account/confirm",
            get(security::confirm_form).post(security::confirm_identity),
        ),
        ("/account/security/confirm", post(security::confirm)),
        (
            "/account/security/recovery-codes",
            post(security::new_codes),
        ),
        ("/account/security/off", post(security::turn_off)),
        ("/account/security/passkeys", post(security::add_passkey)),
        (
            "/account/security/passkeys/options",
            post(security::passkey_options),
        ),
        (
            "/account/security/passkeys/remove",
            post(security::remove_passkey),
        ),
        (
            "/account/security/sessions/end",
            post(security::end_session),
        ),
        (
            "/account/security/sessions/end-others",
            post(security::end_others),
        ),
        ("/settings/two-factor", post(settings::require_two_factor)),
        ("/invite/{token}", get(team::accept_form).post(team::accept)),
        (
            "/account/notifications",
            get(emails::prefs_form).post(emails::prefs_save),
        ),
    ]
}

/// The agency's daily work: dashboard, requests and templates, clients, grants, the
/// radar, the team and the access review.
fn work_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/", get(home::dashboard)),
        ("/requests", get(requests::list).post(new_request::create)),
        ("/requests/new", get(new_request::new_form)),
        (
            "/requests/templates",
            get(request_templates::list).post(request_templates::create),
        ),
        (
            "/requests/templates/{id}/delete",
            get(request_templates::delete_confirm).post(request_templates::delete),
        ),
        ("/requests/{id}", get(requests::show)),
        ("/requests/{id}/preview", get(link::preview)),
        ("/requests/{id}/link", get(new_request::link)),
        ("/requests/{id}/remind", post(requests::remind)),
        (
            "/requests/{id}/regenerate",
            get(requests::regenerate_confirm).post(requests::regenerate),
        ),
        (
            "/requests/{id}/revoke",
            get(requests::revoke_confirm).post(requests::revoke),
        ),
        ("/team", get(team::list)),
        ("/team/access-review", get(review::show)),
        ("/team/access-review.csv", get(review::export)),
        ("/team/access-review/confirm", post(review::confirm)),
        ("/team/access-review/schedule", post(review::schedule)),
        ("/team/invite", post(team::invite)),
        ("/team/invites/revoke", post(team::revoke_invite)),
        ("/team/{id}/role", post(team::set_role)),
        (
            "/team/{id}/remove",
            get(team::remove_confirm).post(team::remove),
        ),
        ("/clients", get(clients::list).post(clients::create)),
        ("/clients/new", get(clients::new_form)),
        ("/clients/{id}", get(clients::show).post(clients::update)),
        ("/clients/{id}/edit", get(clients::edit_form)),
        (
            "/clients/{id}/archive",
            get(clients::archive_confirm).post(clients::archive),
        ),
        ("/clients/{id}/restore", post(clients::restore)),
        ("/clients/{id}/migration", post(reauth::set_migration)),
        ("/clients/{id}/signal", post(reauth::decide_signal)),
        ("/clients/{id}/reauth", post(reauth::send_link)),
        ("/reauth", get(reauth::queue)),
        ("/reauth.csv", get(reauth::export)),
        (
            "/clients/{id}/migration-report",
            get(reauth::report).post(reauth::report_link),
        ),
        ("/grants", get(grants::dashboard)),
        ("/clients/{id}/grants", post(records::create)),
        ("/clients/{id}/grants/new", get(records::form)),
        ("/clients/{id}/grants/import", post(records::import)),
        ("/clients/{id}/verify", post(verify::check_now)),
        (
            "/clients/{id}/offboard",
            get(verify::offboard_confirm).post(verify::offboard),
        ),
        ("/grants.csv", get(grants::export)),
    ]
}

/// Settings (agency, Meta connection, webhooks, API keys), the audit log and e-mail.
fn settings_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/settings/meta", post(verify::connect)),
        ("/settings/meta/sandbox", post(verify::connect_sandbox)),
        ("/settings/meta/disconnect", post(verify::disconnect)),
        ("/settings/google/connect", post(google::connect)),
        ("/settings/google/callback", get(google::callback)),
        ("/settings/google/disconnect", post(google::disconnect)),
        ("/settings/google/ads", post(google::ads_manager)),
        ("/settings/google/group", post(google::group)),
        (
            "/settings/webhooks",
            get(webhooks::list).post(webhooks::create),
        ),
        ("/settings/webhooks/{id}", get(webhooks::show)),
        ("/settings/webhooks/{id}/toggle", post(webhooks::toggle)),
        ("/settings/webhooks/{id}/rotate", post(webhooks::rotate)),
        (
            "/settings/webhooks/{id}/delete",
            get(webhooks::delete_confirm).post(webhooks::delete),
        ),
        (
            "/settings/webhooks/{id}/deliveries/{delivery}/redeliver",
            post(webhooks::redeliver),
        ),
        (
            "/settings/api-keys",
            get(api_keys::list).post(api_keys::create),
        ),
        (
            "/settings/api-keys/{id}/revoke",
            get(api_keys::revoke_confirm).post(api_keys::revoke),
        ),
        ("/settings", get(settings::form).post(settings::save)),
        ("/settings/logo", post(settings::upload_logo)),
        ("/settings/logo/remove", post(settings::remove_logo)),
        ("/audit", get(audit::list)),
        ("/audit.csv", get(audit::export)),
        ("/emails", get(emails::delivery)),
        ("/emails/{id}/retry", post(emails::retry)),
    ]
}

/// The mailbox's routes (sandbox mode only).
fn mailbox_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/sandbox/mail", get(sandbox_mail::list)),
        ("/sandbox/mail/{name}", get(sandbox_mail::show)),
    ]
}

/// The paths Latchkey's own router serves, in the order they were added; in sandbox mode
/// with the mailbox (a hosted emulator's own paths come with it).
pub fn route_paths(sandbox_mode: bool) -> Vec<&'static str> {
    let mut paths: Vec<&'static str> = app_routes().into_iter().map(|(p, _)| p).collect();
    if sandbox_mode {
        paths.extend(mailbox_routes().into_iter().map(|(p, _)| p));
    }
    paths
}

/// An emulator hosted beside the app (the built-in Meta sandbox), as routes: `public`
/// stands in for the platform itself (anyone may call it), `owner_only` are its controls,
/// which only the installation's owner may use. The composition root (`app.rs`) builds it,
/// so the web layer names no platform.
pub struct Hosted {
    pub public: Router,
    pub owner_only: Router,
}

/// The whole application's routes, with middleware in the order they apply
/// (outermost first): the frame (error pages, security headers, request log), body limit,
/// session with its CSRF check.
pub fn router(state: AppState, hosted: Option<Hosted>) -> Router {
    let body_limit = state.web.body_limit;
    // The sandbox and its mailbox exist only in sandbox mode: with a real Meta app
    // configured, no `/sandbox/...` route exists at all, whatever the mail transport.
    let sandbox = match hosted {
        Some(h) => h
            .public
            .merge(
                h.owner_only
                    .route_layer(axum::middleware::from_fn_with_state(
                        state.clone(),
                        middleware::install_owner,
                    )),
            )
            .merge(
                mailbox_routes()
                    .into_iter()
                    .fold(Router::new(), |r, (path, methods)| r.route(path, methods))
                    .with_state(state.clone()),
            ),
        None => Router::new(),
    };
    let mut routes = Router::new();
    for (path, methods) in app_routes() {
        routes = routes.route(path, methods);
    }
    routes
        .fallback(assets::not_found)
        .with_state(state.clone())
        .merge(sandbox)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::session,
        ))
        // The API authenticates with keys, not sessions: no cookies, no CSRF.
        .nest("/api/v1", api::router(state.clone()))
        // Forms are capped at `body_limit` by the CSRF layer, which reads them; the outer
        // cap is higher for logo uploads (checked again by their handler).
        .layer(RequestBodyLimitLayer::new(
            body_limit.max(crate::actions::settings::MAX_LOGO + 16 * 1024),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::frame,
        ))
}
