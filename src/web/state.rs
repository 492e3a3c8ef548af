//! The web layer's state: the use cases' context and the web's own settings, each in an
//! `Arc`, so cloning the state (every layer and extractor does) is two counter increments.
//! Handlers extract the part they need (`State<Arc<Ctx>>`, `State<Arc<WebConfig>>`) through
//! axum's `FromRef`.

use std::sync::Arc;

use axum::extract::FromRef;

use crate::actions::Ctx;

/// What the router holds.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// What the use cases reach (database, Graph, mail, clock, key, hasher).
    pub ctx: Arc<Ctx>,
    pub web: Arc<WebConfig>,
    /// Rendered link pages (one read per view, no rendering while nothing changed).
    pub landing: Arc<crate::web::client::landing_cache::LandingCache>,
}

/// Settings the web layer needs, resolved at start-up.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// `scheme://host[:port]` of the base URL, for the Origin check.
    pub origin: String,
    pub https: bool,
    pub trust_forwarded_for: bool,
    pub body_limit: usize,
    /// Only this machine can reach the app (loopback bind and base URL): the sandbox's
    /// mailbox may then show client mail to anyone, as a local demo.
    pub loopback_only: bool,
}

impl WebConfig {
    pub fn new(base_url: &str, trust_forwarded_for: bool, body_limit: usize) -> Self {
        let origin = url::Url::parse(base_url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| base_url.to_owned());
        Self {
            origin,
            https: base_url.starts_with("https://"),
            trust_forwarded_for,
            body_limit,
            loopback_only: false,
        }
    }
}
