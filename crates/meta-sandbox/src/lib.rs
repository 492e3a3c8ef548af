//! The sandbox: a Graph API and Facebook Login emulator that speaks Graph's wire format, so
//! Latchkey (or any Graph client) can run without Meta during development, demos and tests.
//!
//! Mounted at `/sandbox/graph` (Graph), `/sandbox/www` (login dialog) and `/sandbox`
//! (admin page) on Latchkey's embedded defaults, or alone with `latchkey sandbox --port N`.
//! It depends on nothing of Latchkey's: its schema is its own data (`schema.rs`, `nodes.rs`,
//! generated from Meta's official SDK by `scripts/sandbox-schema` and `scripts/sandbox-fields`),
//! and its host supplies the clock ([`TimeSource`]).

mod admin;
mod answers;
mod dialog;
mod graph;
mod nodes;
mod paging;
mod reads;
pub mod schema;
mod seed;
mod sharing;
mod tokens;
pub mod world;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::routing::{get, post};

use world::{Persistence, TokenInfo, World};

/// Where the sandbox reads the time, and moves it (the admin page's clock, on the embedded
/// defaults). The host supplies it, so the stand-in and the app share one clock in tests.
pub trait TimeSource: Send + Sync {
    /// Unix seconds.
    fn now(&self) -> i64;
    fn advance(&self, secs: i64);
}

/// Fault injection knobs (tests and the admin page).
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Added to every Graph call.
    pub latency_ms: u64,
    /// Share of calls (0–100) that fail with a transient error.
    pub transient_percent: u32,
    /// The next N calls fail with a transient error.
    pub fail_next: u32,
    /// The next N calls are throttled (code 80001 with usage headers).
    pub throttle_next: u32,
    /// What the throttling headers say to wait, in minutes.
    pub throttle_regain_minutes: i64,
    /// Every business use case's usage reported at this percent (calls still answered):
    /// a business near its limit, which a well-behaved caller slows down for.
    pub usage_percent: Option<u32>,
    /// A business edge (e.g. `owned_pixels`) Meta refuses to list for this app, as it does
    /// for an app without the access level an asset kind needs (code 270).
    pub refuse_edge: Option<String>,
    /// The app lacks Meta's approval for partner sharing (limited since 8 June 2021):
    /// `POST /{asset}/agencies` answers code 3, as Meta does for a missing capability.
    pub no_partner_sharing: bool,
}

pub(crate) struct Inner {
    pub world: World,
    pub faults: Faults,
    pub persistence: Persistence,
    pub calls: u64,
}

/// What Latchkey's embedded defaults may know of the sandbox's demo world: the agency's
/// portfolio and its system user. Everything else is reached over HTTP, as with Meta.
#[derive(Clone)]
pub struct Demo {
    sandbox: Sandbox,
}

impl Demo {
    /// The demo agency's business portfolio id (offered at set-up).
    pub fn agency_portfolio(&self) -> &'static str {
        world::AGENCY_PORTFOLIO
    }

    /// A fresh year-long token of the demo agency's system user, as an agency would paste
    /// from Business Settings.
    pub fn system_user_token(&self) -> String {
        const SCOPES: [&str; 6] = [
            "business_management",
            "pages_show_list",
            "pages_manage_metadata",
            "ads_management",
            "instagram_basic",
            "catalog_management",
        ];
        self.sandbox
            .issue_token(world::SYSTEM_USER, &SCOPES, 365 * 86_400)
    }
}

/// A running sandbox's shared state. Cheap to clone.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Mutex<Inner>>,
    pub clock: Arc<dyn TimeSource>,
    /// Absolute base of the Graph API, for paging URLs: `http://host/sandbox/graph`.
    pub graph_base: String,
    /// Absolute base of the login dialog: `http://host/sandbox/www`.
    pub dialog_base: String,
    /// The redirect URIs registered for the built-in app (exact match, as Meta does).
    pub redirect_uris: Vec<String>,
    /// Whether the admin page may move the clock (embedded defaults only).
    pub may_move_clock: bool,
    /// Like a Meta app in development mode: `http://localhost` and `http://127.0.0.1`
    /// redirects are accepted without registration (the standalone `latchkey sandbox`).
    pub development_mode: bool,
}

impl Sandbox {
    /// `public_base` is where the sandbox's paths are reachable, e.g. `http://127.0.0.1:8080`;
    /// `state_file` keeps the world between runs (None: memory only).
    pub fn new(
        clock: impl TimeSource + 'static,
        public_base: &str,
        state_file: Option<PathBuf>,
        redirect_uris: Vec<String>,
    ) -> Self {
        let persistence = Persistence { file: state_file };
        let world = persistence.load();
        let base = public_base.trim_end_matches('/');
        Self {
            inner: Arc::new(Mutex::new(Inner {
                world,
                faults: Faults::default(),
                persistence,
                calls: 0,
            })),
            clock: Arc::new(clock),
            graph_base: format!("{base}/sandbox/graph"),
            dialog_base: format!("{base}/sandbox/www"),
            redirect_uris,
            may_move_clock: false,
            development_mode: false,
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind; keep serving.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// All routes: Graph, dialog and admin page (the standalone `latchkey sandbox`).
    pub fn router(&self) -> Router {
        self.meta_router().merge(self.admin_router())
    }

    /// The paths of [`Self::meta_router`].
    pub fn meta_paths() -> [&'static str; 3] {
        [
            "/sandbox/graph/{version}/{*path}",
            "/sandbox/www/{version}/dialog/oauth",
            "/sandbox/www/dialog/oauth/confirm",
        ]
    }

    /// The paths of [`Self::admin_router`].
    pub fn admin_paths() -> [&'static str; 5] {
        [
            "/sandbox",
            "/sandbox/admin/faults",
            "/sandbox/admin/migration",
            "/sandbox/admin/clock",
            "/sandbox/admin/reset",
        ]
    }

    /// What stands in for Meta itself: the Graph API and the login dialog. Like
    /// graph.facebook.com and facebook.com, anyone may call them.
    pub fn meta_router(&self) -> Router {
        let [graph_path, dialog_path, confirm_path] = Self::meta_paths();
        Router::new()
            .route(
                graph_path,
                get(graph::handle).post(graph::handle).delete(graph::handle),
            )
            .route(dialog_path, get(dialog::show))
            .route(confirm_path, post(dialog::confirm))
            .with_state(self.clone())
    }

    /// The controls: the admin page, faults, the migration switch, the clock and the
    /// reset. Whoever mounts them decides who may use them (Latchkey: its owner only).
    pub fn admin_router(&self) -> Router {
        let [page, faults, migration, clock, reset] = Self::admin_paths();
        Router::new()
            .route(page, get(admin::page))
            .route(faults, post(admin::faults))
            .route(migration, post(admin::migration))
            .route(clock, post(admin::clock))
            .route(reset, post(admin::reset))
            .with_state(self.clone())
    }

    pub fn set_faults(&self, faults: Faults) {
        self.lock().faults = faults;
    }

    pub fn faults(&self) -> Faults {
        self.lock().faults.clone()
    }

    /// Every token expires now.
    pub fn expire_tokens(&self) {
        let now = self.clock.now();
        let mut g = self.lock();
        for t in g.world.tokens.values_mut() {
            t.expires_at = now - 1;
        }
        let w = g.world.clone();
        g.persistence.save(&w);
    }

    /// Marks a business portfolio as migrated to managed accounts on `day` (None clears).
    pub fn set_migration(&self, business_id: &str, day: Option<i64>) {
        let mut g = self.lock();
        match day {
            Some(d) => g.world.migrations.insert(business_id.to_owned(), d),
            None => g.world.migrations.remove(business_id),
        };
        let w = g.world.clone();
        g.persistence.save(&w);
    }

    /// Changes a person's role in a business (`ADMIN`, `EMPLOYEE`), as Business Settings
    /// would: for trying what an Employee system user can and cannot do.
    pub fn set_role(&self, business_id: &str, person_id: &str, role: &str) {
        let mut g = self.lock();
        for m in g
            .world
            .members
            .iter_mut()
            .filter(|m| m.business_id == business_id && m.person_id == person_id)
        {
            m.role = role.to_owned();
        }
        let w = g.world.clone();
        g.persistence.save(&w);
    }

    /// Issues a user token directly, as if the person had logged in (tests and benchmarks).
    pub fn issue_token(&self, person_id: &str, scopes: &[&str], ttl_secs: i64) -> String {
        let now = self.clock.now();
        let token = format!("EAAS{}", random_hex(24));
        let mut g = self.lock();
        g.world.tokens.insert(
            token.clone(),
            TokenInfo {
                person_id: person_id.to_owned(),
                page_id: None,
                scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
                issued_at: now,
                expires_at: now + ttl_secs,
            },
        );
        let w = g.world.clone();
        g.persistence.save(&w);
        token
    }

    /// The small description of the demo world that Latchkey's embedded defaults use.
    pub fn demo(&self) -> Demo {
        Demo {
            sandbox: self.clone(),
        }
    }

    /// A copy of the world as it is now (tests and the admin page).
    pub fn world(&self) -> World {
        self.lock().world.clone()
    }

    /// How many Graph calls were answered.
    pub fn calls(&self) -> u64 {
        self.lock().calls
    }
}

/// `n` random bytes as hex (codes, tokens, trace ids): the sandbox's own, like its tables.
pub(crate) fn random_hex(n: usize) -> String {
    use rand::RngCore;
    let mut bytes = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}
