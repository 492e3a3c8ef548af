//! The Google sandbox: Google's OAuth consent screen and token endpoints and the Analytics
//! Admin API (v1alpha: account summaries and access bindings), speaking Google's wire
//! format, so Latchkey (or any Google client) can run without Google during development,
//! demos and tests.
//!
//! Mounted under `/sandbox/google` on Latchkey's embedded defaults (`…/accounts` stands in
//! for accounts.google.com, `…/oauth2` for oauth2.googleapis.com, `…/analyticsadmin` for
//! analyticsadmin.googleapis.com), or alone with `latchkey sandbox --port N`. It depends on
//! nothing of Latchkey's: its schema is its own data (`schema.rs`, generated from Google's
//! discovery document by `scripts/google-sandbox-schema`), and its host supplies the clock.

mod ads;
mod analytics;
mod consent;
mod errors;
mod gaql;
pub mod schema;
mod tagmanager;
mod tokens;
pub mod world;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::routing::{get, post};

use world::World;

/// Where the sandbox reads the time (Unix seconds). The host supplies it, so the stand-in
/// and the app share one clock in tests.
pub trait TimeSource: Send + Sync {
    fn now(&self) -> i64;
}

/// Fault injection knobs (tests and benchmarks).
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Added to every API call.
    pub latency_ms: u64,
    /// The next N API calls fail with 503 UNAVAILABLE.
    pub fail_next: u32,
    /// The next N API calls fail with 429 RESOURCE_EXHAUSTED (quota).
    pub quota_next: u32,
    /// Tag Manager calls a project may make in any 100 seconds (None: Google's 0.25 per
    /// second, 25).
    pub tagmanager_quota: Option<u32>,
    /// The quota's window in milliseconds (None: Google's 100 seconds).
    pub tagmanager_window_ms: Option<u64>,
}

pub(crate) struct Inner {
    pub world: World,
    pub faults: Faults,
    pub state_file: Option<PathBuf>,
    pub calls: u64,
    /// When each project (OAuth client) made its Tag Manager calls, for the quota's 100 s
    /// sliding window. Real time: the quota limits a rate, whatever the demo's clock says.
    pub tagmanager_calls:
        std::collections::HashMap<String, std::collections::VecDeque<std::time::Instant>>,
    /// The Google Ads requests answered, (method, JSON body) in order: what a caller sent,
    /// for Google's own types to judge again (`scripts/google-check`).
    pub ads_requests: Vec<(String, String)>,
}

impl Inner {
    /// Keeps the world between runs (best effort: a demo, not a database).
    pub fn save(&self) {
        if let Some(file) = &self.state_file
            && let Ok(json) = serde_json::to_vec(&self.world)
        {
            let _ = std::fs::write(file, json);
        }
    }
}

/// A running sandbox's shared state. Cheap to clone.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Mutex<Inner>>,
    pub clock: Arc<dyn TimeSource>,
    /// Where the paths are reachable, e.g. `http://127.0.0.1:8080/sandbox/google`.
    pub base: String,
    /// The redirect URIs registered for the built-in OAuth client (exact match, as Google
    /// does).
    pub redirect_uris: Vec<String>,
    /// Like an OAuth client of type "Desktop": any `http://127.0.0.1` or `http://localhost`
    /// redirect is accepted (the standalone `latchkey sandbox`).
    pub loopback_redirects: bool,
}

impl Sandbox {
    /// `public_base` is where the host serves, e.g. `http://127.0.0.1:8080`; `state_file`
    /// keeps the world between runs (None: memory only).
    pub fn new(
        clock: impl TimeSource + 'static,
        public_base: &str,
        state_file: Option<PathBuf>,
        redirect_uris: Vec<String>,
    ) -> Self {
        let world = state_file
            .as_ref()
            .and_then(|f| std::fs::read(f).ok())
            .and_then(|b| serde_json::from_slice::<World>(&b).ok())
            .map(|mut w| {
                if w.tag_accounts.is_empty() {
                    w.add_tag_manager_demo();
                }
                if w.ads_customers.is_empty() {
                    w.add_ads_demo();
                }
                w.groups
                    .entry(world::AGENCY_GROUP.to_owned())
                    .or_insert_with(|| vec![world::AGENCY_EMAIL.to_owned()]);
                w
            })
            .unwrap_or_else(World::demo);
        Self {
            inner: Arc::new(Mutex::new(Inner {
                world,
                faults: Faults::default(),
                state_file,
                calls: 0,
                tagmanager_calls: Default::default(),
                ads_requests: Vec::new(),
            })),
            clock: Arc::new(clock),
            base: format!("{}/sandbox/google", public_base.trim_end_matches('/')),
            redirect_uris,
            loopback_redirects: false,
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind; keep serving.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stands in for accounts.google.com (the consent screen).
    pub fn accounts_base(&self) -> String {
        format!("{}/accounts", self.base)
    }

    /// Stands in for oauth2.googleapis.com (token and tokeninfo).
    pub fn oauth_base(&self) -> String {
        format!("{}/oauth2", self.base)
    }

    /// Stands in for analyticsadmin.googleapis.com.
    pub fn analytics_admin_base(&self) -> String {
        format!("{}/analyticsadmin", self.base)
    }

    /// Stands in for tagmanager.googleapis.com (paths `/tagmanager/v2/…`, as Google's).
    pub fn tagmanager_base(&self) -> String {
        format!("{}/tagmanager", self.base)
    }

    /// Stands in for googleads.googleapis.com (paths `/v26/customers/…`, as Google's).
    pub fn ads_base(&self) -> String {
        format!("{}/googleads", self.base)
    }

    /// The paths the router serves.
    pub fn paths() -> [&'static str; 18] {
        [
            "/sandbox/google/accounts/o/oauth2/v2/auth",
            "/sandbox/google/accounts/consent",
            "/sandbox/google/oauth2/token",
            "/sandbox/google/oauth2/tokeninfo",
            "/sandbox/google/analyticsadmin/v1alpha/accountSummaries",
            "/sandbox/google/analyticsadmin/v1alpha/{collection}/{id}/accessBindings",
            "/sandbox/google/analyticsadmin/v1alpha/{collection}/{id}/accessBindings/{binding}",
            "/sandbox/google/analyticsadmin/{*rest}",
            "/sandbox/google/tagmanager/tagmanager/v2/accounts",
            "/sandbox/google/tagmanager/tagmanager/v2/accounts/{account}/containers",
            "/sandbox/google/tagmanager/tagmanager/v2/accounts/{account}/user_permissions",
            "/sandbox/google/tagmanager/tagmanager/v2/accounts/{account}/user_permissions/{permission}",
            "/sandbox/google/tagmanager/{*rest}",
            "/sandbox/google/googleads/v26/customers:listAccessibleCustomers",
            "/sandbox/google/googleads/v26/customers/{customer}/googleAds:search",
            "/sandbox/google/googleads/v26/customers/{customer}/customerClientLinks:mutate",
            "/sandbox/google/googleads/v26/customers/{customer}/customerManagerLinks:mutate",
            "/sandbox/google/googleads/{*rest}",
        ]
    }

    /// What stands in for Google: like Google's own hosts, anyone may call them.
    pub fn router(&self) -> Router {
        let [
            auth,
            consent,
            token,
            tokeninfo,
            summaries,
            bindings,
            binding,
            other,
            tag_accounts,
            containers,
            permissions,
            permission,
            tag_other,
            ads_accessible,
            ads_search,
            ads_client_links,
            ads_manager_links,
            ads_other,
        ] = Self::paths();
        Router::new()
            .route(auth, get(consent::show))
            .route(consent, post(consent::confirm))
            .route(token, post(tokens::token))
            .route(tokeninfo, get(tokens::tokeninfo).post(tokens::tokeninfo))
            .route(summaries, get(analytics::account_summaries))
            .route(
                bindings,
                get(analytics::list_bindings).post(analytics::create_binding),
            )
            .route(
                binding,
                get(analytics::get_binding).delete(analytics::delete_binding),
            )
            // Anything else of the API: Google's 404, in Google's shape.
            .route(other, get(errors::not_found).post(errors::not_found))
            .route(tag_accounts, get(tagmanager::accounts))
            .route(containers, get(tagmanager::containers))
            .route(
                permissions,
                get(tagmanager::list_permissions).post(tagmanager::create_permission),
            )
            .route(
                permission,
                get(tagmanager::get_permission)
                    .put(tagmanager::update_permission)
                    .delete(tagmanager::delete_permission),
            )
            .route(
                tag_other,
                get(errors::not_found)
                    .post(errors::not_found)
                    .put(errors::not_found)
                    .delete(errors::not_found),
            )
            .route(ads_accessible, get(ads::list_accessible))
            .route(ads_search, post(ads::search))
            .route(ads_client_links, post(ads::mutate_client_link))
            .route(ads_manager_links, post(ads::mutate_manager_link))
            .route(ads_other, get(errors::not_found).post(errors::not_found))
            .with_state(self.clone())
    }

    pub fn set_faults(&self, faults: Faults) {
        self.lock().faults = faults;
    }

    /// Changes the world as an administrator would in Google Analytics (tests: remove a
    /// binding by hand, make someone an administrator).
    pub fn change(&self, f: impl FnOnce(&mut World)) {
        let mut g = self.lock();
        f(&mut g.world);
        g.save();
    }

    /// A copy of the world as it is now.
    pub fn world(&self) -> World {
        self.lock().world.clone()
    }

    /// Every Google Ads request with a body so far: (`search`, `mutateCustomerClientLink` or
    /// `mutateCustomerManagerLink`, its JSON body).
    pub fn ads_requests(&self) -> Vec<(String, String)> {
        self.lock().ads_requests.clone()
    }

    /// How many API calls (Analytics Admin, Tag Manager and Google Ads) were answered.
    pub fn calls(&self) -> u64 {
        self.lock().calls
    }

    /// Issues an access token directly, as if `email` had consented to `scopes` for the
    /// built-in client (tests and the independent client checks).
    pub fn issue_token(&self, email: &str, scopes: &[&str]) -> String {
        let now = self.clock.now();
        let token = format!("ya29.{}", random_hex(24));
        let mut g = self.lock();
        g.world.access_tokens.insert(
            token.clone(),
            world::Token {
                email: email.to_owned(),
                scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
                client_id: world::CLIENT_ID.to_owned(),
                expires_at: now + tokens::ACCESS_TOKEN_SECS,
            },
        );
        g.save();
        token
    }
}

#[cfg(test)]
impl Sandbox {
    /// A sandbox at a fixed time, in memory only (the unit tests).
    pub(crate) fn for_tests() -> Self {
        struct Fixed;
        impl TimeSource for Fixed {
            fn now(&self) -> i64 {
                1_800_000_000
            }
        }
        Self::new(Fixed, "http://127.0.0.1:1", None, vec![])
    }
}

/// `n` random bytes as hex (codes and tokens).
pub(crate) fn random_hex(n: usize) -> String {
    use rand::RngCore;
    let mut bytes = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}
