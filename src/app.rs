//! Building and running the application: database, mailer, router, workers.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::actions::Ctx;
use crate::clock::Clock;
use crate::config::{MailTransportKind, Settings};
use crate::crypto::SecretBox;
use crate::google::{GoogleClient, GoogleConfig};
use crate::hashing::Hasher;
use crate::mail::{Mailer, Transport};
use crate::meta::{GraphClient, GraphConfig};
use crate::store::Db;
use crate::web::{self, AppState, WebConfig};
use meta_sandbox::Sandbox;

/// A built application: bound, migrated, ready to serve.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    /// The built-in Meta sandbox, hosted beside the app when no Meta app is configured.
    sandbox: Option<Sandbox>,
    /// The built-in Google sandbox, hosted beside it on the embedded defaults.
    google_sandbox: Option<google_sandbox::Sandbox>,
    port: u16,
    workers: usize,
    verify_interval: i64,
}

impl Application {
    /// Creates the data dir, connects and migrates the database, picks the mail transport,
    /// and binds the listener (port 0 picks a free port, for tests).
    pub async fn build(settings: Settings, clock: Clock) -> anyhow::Result<Self> {
        let public_sandbox = settings.check_sandbox_exposure()?;
        if settings.uses_sqlite() || settings.mail_transport != MailTransportKind::Memory {
            crate::private_files::ensure_dir(&settings.data_dir).with_context(|| {
                format!(
                    "cannot create the data directory {}",
                    settings.data_dir.display()
                )
            })?;
        }
        if let Some(what) = public_sandbox {
            tracing::warn!("{what}");
        }
        let db = Db::connect(&settings).await?;
        db.migrate().await?;

        let listener = TcpListener::bind(settings.bind)
            .await
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let addr = listener.local_addr()?;
        let base_url = match &settings.base_url {
            Some(_) => settings.base_url(),
            None => format!("http://{addr}"),
        };

        let mailer = build_mailer(&settings)?;
        let secrets = SecretBox::load_or_create(&settings.secret_key_file())?;
        let (graph, sandbox) = build_meta(&settings, &base_url, &clock)?;
        if sandbox.is_some() {
            tracing::info!(url = %format!("{base_url}/sandbox"), "no Meta app configured: using the built-in Meta sandbox");
        }
        let (google, google_sandbox) = build_google(&settings, &base_url, &clock)?;
        tracing::info!(transport = %mailer.transport.describe(), "mail transport");
        let mut platforms = crate::actions::platforms::Platforms::default();
        if google.is_some() {
            platforms.register(Arc::new(crate::actions::platforms::google::Google));
        }

        let ctx = Arc::new(Ctx {
            db,
            graph,
            mailer,
            secrets,
            clock,
            hasher: Hasher::new(),
            base_url: base_url.clone(),
            approval_lease: settings.approval_lease_secs.max(5),
            demo: sandbox.as_ref().map(Sandbox::demo),
            links: Default::default(),
            webhooks: crate::webhooks::Sender::new(sandbox.is_some()),
            webhook_bell: Default::default(),
            passkeys: crate::passkeys::Passkeys::new(&base_url),
            platforms,
            google,
        });
        let state = AppState {
            ctx,
            web: Arc::new(WebConfig {
                loopback_only: settings.loopback_only() && addr.ip().is_loopback(),
                ..WebConfig::new(&base_url, settings.trust_forwarded_for, settings.body_limit)
            }),
            landing: Default::default(),
        };
        let workers = if settings.workers {
            settings.mail_senders.max(1)
        } else {
            0
        };
        Ok(Self {
            listener,
            state,
            sandbox,
            google_sandbox,
            port: addr.port(),
            workers,
            verify_interval: settings.verify_interval_secs.max(60),
        })
    }

    /// Registers a platform implementation beside the built-in ones (before the app runs):
    /// how the tests prove the platform seam with a second, scripted platform.
    pub fn register_platform(&mut self, api: Arc<dyn crate::actions::platforms::PlatformApi>) {
        Arc::get_mut(&mut self.state.ctx)
            .expect("platforms are registered before the app runs")
            .platforms
            .register(api);
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], self.port)))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn base_url(&self) -> &str {
        &self.state.ctx.base_url
    }

    /// The use cases' context (tests reach the database, mailer and clock through it).
    pub fn ctx(&self) -> &Arc<Ctx> {
        &self.state.ctx
    }

    /// The built-in Meta sandbox, when no Meta app is configured (tests set its faults).
    pub fn sandbox(&self) -> Option<&Sandbox> {
        self.sandbox.as_ref()
    }

    /// The built-in Google sandbox, on the embedded defaults (tests change its world).
    pub fn google_sandbox(&self) -> Option<&google_sandbox::Sandbox> {
        self.google_sandbox.as_ref()
    }

    /// Serves until SIGINT/SIGTERM; then stops accepting, finishes in-flight requests and
    /// lets the workers finish their current job.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` completes (tests pass their own future).
    pub async fn run_until(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (tx, rx) = watch::channel(false);
        let workers = spawn_workers(&self.state, self.workers, self.verify_interval, rx);
        let google = self.google_sandbox.as_ref().map(|g| g.router());
        let hosted = self.sandbox.as_ref().map(|sb| web::Hosted {
            public: match google {
                Some(g) => sb.meta_router().merge(g),
                None => sb.meta_router(),
            },
            owner_only: sb.admin_router(),
        });
        let app = web::router(self.state.clone(), hosted);
        let serve = axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            stop.await;
            tracing::info!("shutting down: finishing in-flight requests");
        });
        let result = serve.await;
        let _ = tx.send(true);
        for w in workers {
            let _ = w.await;
        }
        result.context("server error")
    }
}

/// `senders` outbox loops plus the scheduled jobs (none at all for tests that drive
/// delivery by hand).
fn spawn_workers(
    state: &AppState,
    senders: usize,
    verify_interval: i64,
    shutdown: watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    let mut jobs = Vec::new();
    let ctx = &state.ctx;
    if senders > 0 {
        jobs.push(tokio::spawn(crate::jobs::reminders(
            ctx.clone(),
            verify_interval,
            shutdown.clone(),
        )));
        jobs.push(tokio::spawn(crate::jobs::recovery(
            ctx.clone(),
            shutdown.clone(),
        )));
        jobs.push(tokio::spawn(crate::jobs::webhooks(
            ctx.clone(),
            shutdown.clone(),
        )));
    }
    for _ in 0..senders {
        jobs.push(tokio::spawn(crate::jobs::outbox(
            ctx.clone(),
            shutdown.clone(),
        )));
    }
    jobs
}

/// The Graph client, pointed at Meta or (with no app configured) at the built-in sandbox,
/// which it reaches over HTTP like the real thing.
pub fn build_meta(
    settings: &Settings,
    base_url: &str,
    clock: &Clock,
) -> anyhow::Result<(GraphClient, Option<Sandbox>)> {
    let redirect_uri = format!("{base_url}/oauth/callback");
    if let Some((at, days)) =
        crate::meta::versions::warning(&settings.meta_api_version, clock.now())
    {
        tracing::warn!(
            version = %settings.meta_api_version,
            expires = %crate::clock::format_day(at),
            days_left = days,
            newest = crate::meta::versions::NEWEST,
            "Meta stops serving the configured Graph API version soon (or already has): set LATCHKEY_META_API_VERSION to the newest"
        );
    }
    let mut cfg = GraphConfig {
        graph_base: settings.meta_graph_url.clone(),
        dialog_base: settings.meta_dialog_url.clone(),
        version: settings.meta_api_version.clone(),
        app_id: settings.meta_app_id.clone().unwrap_or_default(),
        app_secret: settings.meta_app_secret.clone().unwrap_or_default(),
        redirect_uri: redirect_uri.clone(),
        config_id: settings.meta_config_id.clone(),
        timeout: std::time::Duration::from_secs(20),
        retry: crate::domain::retry::Retry::Doubling {
            first: std::time::Duration::from_millis(250),
            longest: std::time::Duration::from_secs(30),
            attempts: 4,
        },
        max_throttle_wait: std::time::Duration::from_secs(60),
    };
    let sandbox = if settings.uses_sandbox() {
        let mut sb = Sandbox::new(
            clock.clone(),
            base_url,
            Some(settings.data_dir.join("sandbox.json")),
            vec![redirect_uri],
        );
        sb.may_move_clock = true;
        cfg.graph_base = sb.graph_base.clone();
        cfg.dialog_base = sb.dialog_base.clone();
        cfg.app_id = meta_sandbox::world::APP_ID.to_owned();
        cfg.app_secret = meta_sandbox::world::APP_SECRET.to_owned();
        Some(sb)
    } else {
        anyhow::ensure!(
            settings.meta_app_secret.is_some(),
            "LATCHKEY_META_APP_ID needs LATCHKEY_META_APP_SECRET"
        );
        None
    };
    let graph =
        GraphClient::new(cfg).map_err(|e| anyhow::anyhow!("cannot build the Graph client: {e}"))?;
    Ok((graph, sandbox))
}

/// The Google client, pointed at Google (with the installation's OAuth client), at the
/// built-in Google sandbox on the embedded defaults, or None: Google not offered.
pub fn build_google(
    settings: &Settings,
    base_url: &str,
    clock: &Clock,
) -> anyhow::Result<(Option<GoogleClient>, Option<google_sandbox::Sandbox>)> {
    let mut cfg = GoogleConfig {
        accounts_base: settings.google_accounts_url.clone(),
        oauth_base: settings.google_oauth_url.clone(),
        analytics_admin_base: settings.google_analytics_admin_url.clone(),
        tagmanager_base: settings.google_tagmanager_url.clone(),
        ads_base: settings.google_ads_url.clone(),
        client_id: settings.google_client_id.clone().unwrap_or_default(),
        client_secret: settings.google_client_secret.clone().unwrap_or_default(),
        timeout: std::time::Duration::from_secs(20),
        retry: crate::domain::retry::Retry::Doubling {
            first: std::time::Duration::from_millis(250),
            longest: std::time::Duration::from_secs(10),
            attempts: 4,
        },
        sandbox: false,
        tagmanager_quota: crate::google::Pacer::TAG_MANAGER,
    };
    let sandbox = if settings.uses_google_sandbox() {
        let sb = google_sandbox::Sandbox::new(
            clock.clone(),
            base_url,
            Some(settings.data_dir.join("google-sandbox.json")),
            vec![
                format!("{base_url}/oauth/callback"),
                format!("{base_url}/settings/google/callback"),
            ],
        );
        cfg.accounts_base = sb.accounts_base();
        cfg.oauth_base = sb.oauth_base();
        cfg.analytics_admin_base = sb.analytics_admin_base();
        cfg.tagmanager_base = sb.tagmanager_base();
        cfg.ads_base = sb.ads_base();
        cfg.client_id = google_sandbox::world::CLIENT_ID.to_owned();
        cfg.client_secret = google_sandbox::world::CLIENT_SECRET.to_owned();
        cfg.sandbox = true;
        Some(sb)
    } else if settings.google_client_id.is_some() && !settings.google_disabled {
        anyhow::ensure!(
            settings.google_client_secret.is_some(),
            "LATCHKEY_GOOGLE_CLIENT_ID needs LATCHKEY_GOOGLE_CLIENT_SECRET"
        );
        None
    } else {
        return Ok((None, None));
    };
    let client = GoogleClient::new(cfg)
        .map_err(|e| anyhow::anyhow!("cannot build the Google client: {e}"))?;
    Ok((Some(client), sandbox))
}

fn build_mailer(settings: &Settings) -> anyhow::Result<Mailer> {
    let transport = match (settings.mail_transport, &settings.smtp_url) {
        (MailTransportKind::Memory, _) => Transport::Memory(Default::default()),
        (MailTransportKind::Smtp | MailTransportKind::Auto, Some(url)) => {
            Transport::smtp(url, settings.mail_senders as u32)?
        }
        (MailTransportKind::Smtp, None) => {
            anyhow::bail!("LATCHKEY_MAIL_TRANSPORT=smtp needs LATCHKEY_SMTP_URL")
        }
        (MailTransportKind::File | MailTransportKind::Auto, _) => {
            let dir = settings.data_dir.join("mail");
            crate::private_files::ensure_dir(&dir)
                .with_context(|| format!("cannot create the mail directory {}", dir.display()))?;
            Transport::File(dir)
        }
    };
    let from = settings
        .mail_from
        .parse()
        .context("LATCHKEY_MAIL_FROM must be an address like 'Latchkey <latchkey@example.com>'")?;
    let reply_to = match &settings.mail_reply_to {
        Some(r) => Some(
            r.parse()
                .context("LATCHKEY_MAIL_REPLY_TO is not a valid address")?,
        ),
        None => None,
    };
    Ok(Mailer::new(transport, from, reply_to))
}

/// The built-in Google sandbox reads the same clock.
impl google_sandbox::TimeSource for Clock {
    fn now(&self) -> i64 {
        Clock::now(self)
    }
}

/// The built-in sandbox reads Latchkey's one clock (tests and the demo move it).
impl meta_sandbox::TimeSource for Clock {
    fn now(&self) -> i64 {
        Clock::now(self)
    }

    fn advance(&self, secs: i64) {
        Clock::advance(self, secs)
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
