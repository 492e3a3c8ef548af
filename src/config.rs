//! Settings: one typed struct, filled from `LATCHKEY_*` environment variables or flags.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Latchkey: one secure link for clients to share their Meta assets with your agency.
///
/// With no configuration it runs on its embedded defaults: a SQLite database and
/// e-mails written as .eml files, both in ./data.
#[derive(Parser, Debug)]
#[command(name = "latchkey", version, about, long_about)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do; `serve` when none is given.
#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// Serve the web app and run the background workers (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Run only the platform sandboxes (Meta's Graph API and login dialog, Google's consent
    /// screen, token endpoints and Analytics Admin API) on their own port, for any client.
    /// Like a Meta app in development mode (and a Google "Desktop" OAuth client), they accept
    /// the redirect URIs given with --redirect-uri (matched exactly) and any
    /// http://localhost or http://127.0.0.1 redirect.
    Sandbox {
        /// Port to listen on (loopback).
        #[arg(long, default_value_t = 8090)]
        port: u16,
        /// A redirect URI registered for the sandbox's app (repeat for several).
        #[arg(long = "redirect-uri", value_name = "URI")]
        redirect_uris: Vec<String>,
    },
    /// API keys for scripted installs (`api-key create` prints the key once).
    ApiKey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// Create an agency and its owner without the browser (for scripted installs).
    /// The password is read from standard input.
    CreateOwner {
        /// The agency's name, as clients will see it.
        #[arg(long)]
        agency: String,
        /// The owner's e-mail address, used to log in.
        #[arg(long)]
        email: String,
        /// The owner's display name.
        #[arg(long, default_value = "Owner")]
        name: String,
    },
}

/// What to do with API keys.
#[derive(Subcommand, Debug, Clone)]
pub enum ApiKeyCommand {
    /// Create a key for an agency and print it (once; only its hash is kept).
    Create {
        /// The agency's id (1 for the first agency set up).
        #[arg(long)]
        agency: i64,
        /// A name to recognise the key by ("CRM sync").
        #[arg(long)]
        name: String,
        /// What the key may do: read, or write (read and write).
        #[arg(long, value_parser = ["read", "write"])]
        scope: String,
    },
}

/// How e-mail leaves Latchkey.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailTransportKind {
    /// SMTP when `LATCHKEY_SMTP_URL` is set, otherwise files.
    Auto,
    /// `.eml` files under `<data dir>/mail`.
    File,
    /// SMTP via `LATCHKEY_SMTP_URL`.
    Smtp,
    /// Kept in memory (tests).
    Memory,
}

/// Every setting of a Latchkey process.
#[derive(clap::Args, Clone)]
pub struct Settings {
    /// Address and port to listen on.
    #[arg(long, env = "LATCHKEY_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Directory for the SQLite database, key file and e-mail files; created if missing.
    #[arg(long, env = "LATCHKEY_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Database URL: `sqlite://path` or `postgres://user:pass@host/db`.
    /// Default: `<data dir>/latchkey.db`.
    #[arg(long, env = "LATCHKEY_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Public URL used in links and e-mails (no trailing slash). Default: `http://<bind>`.
    #[arg(long, env = "LATCHKEY_BASE_URL")]
    pub base_url: Option<String>,

    /// Key file for encryption at rest (created if missing). Every process that shares a
    /// database must use the same file. Default: `<data dir>/secret.key`.
    #[arg(long, env = "LATCHKEY_SECRET_KEY_FILE")]
    pub secret_key_file: Option<PathBuf>,

    /// Meta app id. When unset, Latchkey uses its built-in Meta sandbox (mounted at /sandbox).
    #[arg(long, env = "LATCHKEY_META_APP_ID")]
    pub meta_app_id: Option<String>,

    /// Meta app secret (required with LATCHKEY_META_APP_ID).
    #[arg(long, env = "LATCHKEY_META_APP_SECRET")]
    pub meta_app_secret: Option<String>,

    /// Graph API host.
    #[arg(
        long,
        env = "LATCHKEY_META_GRAPH_URL",
        default_value = "https://graph.facebook.com"
    )]
    pub meta_graph_url: String,

    /// Facebook Login dialog host.
    #[arg(
        long,
        env = "LATCHKEY_META_DIALOG_URL",
        default_value = "https://www.facebook.com"
    )]
    pub meta_dialog_url: String,

    /// Graph API version.
    #[arg(long, env = "LATCHKEY_META_API_VERSION", default_value = crate::meta::client::DEFAULT_VERSION)]
    pub meta_api_version: String,

    /// Facebook Login for Business: the configuration id (its permission set) the login
    /// dialog uses instead of a scope list. Unset: classic Facebook Login with `scope`.
    #[arg(long, env = "LATCHKEY_META_CONFIG_ID")]
    pub meta_config_id: Option<String>,

    /// Google OAuth client id (the installation's own Google Cloud client). When unset and
    /// Meta is the built-in sandbox, Latchkey uses its built-in Google sandbox too (mounted at
    /// /sandbox/google); when unset with a real Meta app, Google is not offered.
    #[arg(long, env = "LATCHKEY_GOOGLE_CLIENT_ID")]
    pub google_client_id: Option<String>,

    /// Offer no Google at all, even on the embedded defaults.
    #[arg(long, env = "LATCHKEY_GOOGLE_DISABLED", default_value_t = false)]
    pub google_disabled: bool,

    /// Google OAuth client secret (required with LATCHKEY_GOOGLE_CLIENT_ID).
    #[arg(long, env = "LATCHKEY_GOOGLE_CLIENT_SECRET")]
    pub google_client_secret: Option<String>,

    /// Google's consent screen host.
    #[arg(
        long,
        env = "LATCHKEY_GOOGLE_ACCOUNTS_URL",
        default_value = "https://accounts.google.com"
    )]
    pub google_accounts_url: String,

    /// Google's OAuth token host.
    #[arg(
        long,
        env = "LATCHKEY_GOOGLE_OAUTH_URL",
        default_value = "https://oauth2.googleapis.com"
    )]
    pub google_oauth_url: String,

    /// Google Analytics Admin API host.
    #[arg(
        long,
        env = "LATCHKEY_GOOGLE_ANALYTICS_ADMIN_URL",
        default_value = "https://analyticsadmin.googleapis.com"
    )]
    pub google_analytics_admin_url: String,

    /// Google Tag Manager API host.
    #[arg(
        long,
        env = "LATCHKEY_GOOGLE_TAGMANAGER_URL",
        default_value = "https://tagmanager.googleapis.com"
    )]
    pub google_tagmanager_url: String,

    /// Google Ads API host (Latchkey speaks its REST form, version v26).
    #[arg(
        long,
        env = "LATCHKEY_GOOGLE_ADS_URL",
        default_value = "https://googleads.googleapis.com"
    )]
    pub google_ads_url: String,

    /// Seconds between verifications of each agency's grants with Meta.
    #[arg(long, env = "LATCHKEY_VERIFY_INTERVAL", default_value_t = 6 * 60 * 60)]
    pub verify_interval_secs: i64,

    /// Largest number of pooled database connections.
    #[arg(long, env = "LATCHKEY_DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,

    /// Seconds to wait for a database connection before giving up.
    #[arg(long, env = "LATCHKEY_DB_CONNECT_TIMEOUT", default_value_t = 5)]
    pub db_connect_timeout_secs: u64,

    /// Seconds a single SQL statement may run (PostgreSQL `statement_timeout`).
    #[arg(long, env = "LATCHKEY_DB_STATEMENT_TIMEOUT", default_value_t = 30)]
    pub db_statement_timeout_secs: u64,

    /// E-mail transport.
    #[arg(
        long,
        env = "LATCHKEY_MAIL_TRANSPORT",
        value_enum,
        default_value = "auto"
    )]
    pub mail_transport: MailTransportKind,

    /// SMTP server: `smtp://user:pass@host:587` (STARTTLS), `smtps://…:465` (TLS),
    /// or `smtp://host:25?tls=none` for a plain loopback relay.
    #[arg(long, env = "LATCHKEY_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// Sender shown on every e-mail.
    #[arg(
        long,
        env = "LATCHKEY_MAIL_FROM",
        default_value = "Latchkey <latchkey@localhost>"
    )]
    pub mail_from: String,

    /// Optional Reply-To address for every e-mail.
    #[arg(long, env = "LATCHKEY_MAIL_REPLY_TO")]
    pub mail_reply_to: Option<String>,

    /// How many messages the outbox worker sends at once, each over its own pooled SMTP
    /// connection. Each message costs about one delayed-ACK round (~40 ms) on a connection,
    /// because lettre writes the terminating dot separately; concurrency hides that latency.
    #[arg(long, env = "LATCHKEY_MAIL_SENDERS", default_value_t = 16)]
    pub mail_senders: usize,

    /// Run the background workers (outbox, jobs) in this process.
    #[arg(long, env = "LATCHKEY_WORKERS", default_value_t = true, action = clap::ArgAction::Set)]
    pub workers: bool,

    /// Largest request body in bytes; larger bodies get 413.
    #[arg(long, env = "LATCHKEY_BODY_LIMIT", default_value_t = 64 * 1024)]
    pub body_limit: usize,

    /// Take the client IP from the first `X-Forwarded-For` entry (only behind a proxy you run).
    #[arg(long, env = "LATCHKEY_TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,

    /// Log filter, e.g. `info` or `latchkey=debug,tower_http=info`.
    #[arg(long, env = "LATCHKEY_LOG", default_value = "info")]
    pub log: String,

    /// Allow the built-in Meta sandbox on a non-loopback address or an https base URL.
    /// Without it, sandbox mode refuses to start anywhere but on loopback: the sandbox's
    /// login dialog lets anyone "log in" as a demo person.
    #[arg(long, env = "LATCHKEY_SANDBOX_PUBLIC", default_value_t = false, action = clap::ArgAction::Set)]
    pub sandbox_public: bool,

    /// Seconds an approval in progress holds its lease; a process that dies mid-approval
    /// leaves it to the recovery job once the lease runs out (the running one renews it).
    #[arg(long, env = "LATCHKEY_APPROVAL_LEASE", default_value_t = 60)]
    pub approval_lease_secs: i64,
}

impl Settings {
    /// Settings with every default, as `latchkey` with no flags would use.
    pub fn defaults() -> Self {
        Cli::parse_from(["latchkey"]).settings
    }

    /// The database URL, defaulting to a SQLite file in the data dir.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("latchkey.db").display()
            ),
        }
    }

    /// Where the encryption key lives.
    pub fn secret_key_file(&self) -> PathBuf {
        self.secret_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("secret.key"))
    }

    /// Whether this process uses SQLite (the embedded default).
    pub fn uses_sqlite(&self) -> bool {
        self.database_url().starts_with("sqlite:")
    }

    /// The public base URL without a trailing slash.
    pub fn base_url(&self) -> String {
        match &self.base_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.bind),
        }
    }

    /// Whether links and cookies are served over https.
    /// Whether Latchkey talks to the built-in sandbox instead of a real Meta app.
    pub fn uses_sandbox(&self) -> bool {
        self.meta_app_id.is_none()
    }

    /// The built-in Google sandbox stands in for Google on the embedded defaults only.
    pub fn uses_google_sandbox(&self) -> bool {
        self.uses_sandbox() && self.google_client_id.is_none() && !self.google_disabled
    }

    pub fn is_https(&self) -> bool {
        self.base_url().starts_with("https://")
    }

    /// Whether only this machine can reach Latchkey: a loopback bind and a loopback base
    /// URL over plain http. Demo conveniences (the mailbox for client mail) need it.
    pub fn loopback_only(&self) -> bool {
        let base_is_loopback = url::Url::parse(&self.base_url()).is_ok_and(|u| {
            u.scheme() == "http"
                && match u.host() {
                    Some(url::Host::Domain(d)) => d == "localhost",
                    Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                    Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                    None => false,
                }
        });
        self.bind.ip().is_loopback() && base_is_loopback
    }

    /// Refuses sandbox mode where strangers could reach it, unless the operator said so.
    /// Returns what is public when they did, for the start-up banner.
    pub fn check_sandbox_exposure(&self) -> anyhow::Result<Option<String>> {
        if !self.uses_sandbox() {
            return Ok(None);
        }
        let exposed = !self.bind.ip().is_loopback() || self.is_https();
        if !exposed {
            return Ok(None);
        }
        anyhow::ensure!(
            self.sandbox_public,
            "the built-in Meta sandbox would be reachable from other machines ({} on {}). \
             Configure a real Meta app (LATCHKEY_META_APP_ID and LATCHKEY_META_APP_SECRET), \
             bind to 127.0.0.1, or set LATCHKEY_SANDBOX_PUBLIC=true if a public demo is what you want",
            self.base_url(),
            self.bind
        );
        Ok(Some(format!(
            "public sandbox demo at {}: anyone can use the sandbox's Facebook login dialog and Graph API \
             as a demo person; the sandbox controls need the installation's owner; the mailbox shows \
             client mail only to the sending agency's staff and staff-account mail only to its recipient",
            self.base_url()
        )))
    }
}

/// Hides the password part of a URL.
fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("[redacted]"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "[unparseable, redacted]".to_owned(),
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("database_url", &redact_url(&self.database_url()))
            .field("base_url", &self.base_url())
            .field("secret_key_file", &self.secret_key_file())
            .field("meta_app_id", &self.meta_app_id)
            .field(
                "meta_app_secret",
                &self.meta_app_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("meta_graph_url", &self.meta_graph_url)
            .field("meta_dialog_url", &self.meta_dialog_url)
            .field("meta_api_version", &self.meta_api_version)
            .field("db_max_connections", &self.db_max_connections)
            .field("db_connect_timeout_secs", &self.db_connect_timeout_secs)
            .field("db_statement_timeout_secs", &self.db_statement_timeout_secs)
            .field("mail_transport", &self.mail_transport)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("mail_reply_to", &self.mail_reply_to)
            .field("verify_interval_secs", &self.verify_interval_secs)
            .field("mail_senders", &self.mail_senders)
            .field("workers", &self.workers)
            .field("body_limit", &self.body_limit)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("log", &self.log)
            .field("sandbox_public", &self.sandbox_public)
            .field("approval_lease_secs", &self.approval_lease_secs)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_passwords() {
        let mut s = Settings::defaults();
        s.database_url = Some("postgres://app:hunter2secret@db/latchkey".into());
        s.smtp_url = Some("smtp://mailer:pa55word@mail:587".into());
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2secret"));
        assert!(!shown.contains("pa55word"));
        s.meta_app_secret = Some("metasecret123".into());
        assert!(!format!("{s:?}").contains("metasecret123"));
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn defaults_are_the_embedded_ones() {
        let s = Settings::defaults();
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.base_url(), "http://127.0.0.1:8080");
        assert!(s.uses_sqlite());
        assert!(s.database_url().contains("latchkey.db"));
    }
}
