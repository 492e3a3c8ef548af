//! The database: the only place that writes SQL.
//!
//! Every statement is written once and runs on SQLite and PostgreSQL through sqlx `Any`
//! (see PORTABLE_SQL.md): `$N` placeholders, `i64` for every integer, Unix seconds from the
//! app's clock, TEXT for everything else. Tenant data is always filtered by agency id.

pub mod agencies;
pub mod api_keys;
pub mod audit;
pub mod auth_tokens;
pub mod clients;
pub mod devices;
pub mod flashes;
pub mod flows;
pub mod grant_book;
pub mod grants;
pub mod idempotency;
pub mod inline;
pub mod leases;
pub mod links;
pub mod outbox;
pub mod passkeys;
pub mod prefs;
pub mod privacy;
pub mod radar;
pub mod reauth;
pub mod request_templates;
pub mod requests;
pub mod reviews;
pub mod sessions;
pub mod signals;
pub mod statements;
pub mod throttle;
pub mod todo;
pub mod two_factor;
pub mod users;
pub mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Connection, Executor};

use crate::config::Settings;

/// How long a PostgreSQL connection may sit unused before it is pinged on its way out of the
/// pool (see [`Db::connect`]).
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

/// SQLite's `cache_size` for every connection (negative: KiB). 1 MiB each instead of the
/// default 2: the pool's ten stay within 10 MiB, so memory stays flat as tables grow ("speed
/// at the limit": no slower link page or dashboard at a million grants).
const SQLITE_CACHE_SIZE: i64 = -1024;

/// Anything that can run one statement: the pool, or `&mut *tx`.
pub trait Exec<'c>: Executor<'c, Database = Any> {}
impl<'c, T: Executor<'c, Database = Any>> Exec<'c> for T {}

/// A write transaction.
pub type Tx = sqlx::Transaction<'static, Any>;

/// Which database is behind the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The connection pool and what it talks to.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// On a SQLite file, connections for the link page's read on the calling thread.
    pub inline: Option<Arc<inline::InlineReads>>,
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Db {
    /// On PostgreSQL a claim skips rows another claimer or a recording transaction holds
    /// (`FOR UPDATE SKIP LOCKED`), so claimers never wait on each other's rows: without it, a
    /// claim that locks several rows and a batch being recorded could each wait for the other
    /// (PostgreSQL's deadlock detector then fails one). SQLite has one writer at a time and no
    /// row locks, so the outer guard alone decides there. A claim of several rows picks them
    /// in a `MATERIALIZED` common table expression: as `id IN (subquery … SKIP LOCKED)`
    /// PostgreSQL may run the subquery more than once, each run skipping other rows (a
    /// claim of seven came back with nine).
    pub fn skip_locked(&self) -> &'static str {
        match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        }
    }

    /// Connects, applying the SQLite pragmas or the PostgreSQL statement timeout on every
    /// new connection. Fails fast (the connect timeout) when the database is unreachable.
    pub async fn connect(settings: &Settings) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let url = settings.database_url();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!("LATCHKEY_DATABASE_URL must start with sqlite:// or postgres://");
        };
        let file = match backend {
            Backend::Sqlite => sqlite_file(&url),
            Backend::Postgres => None,
        };
        if let Some(file) = &file {
            crate::private_files::prepare_sqlite(file)
                .with_context(|| format!("cannot prepare the database file {}", file.display()))?;
        }
        let options: AnyConnectOptions = url
            .parse()
            .context("LATCHKEY_DATABASE_URL is not a valid database URL")?;
        let statement_timeout_ms = (settings.db_statement_timeout_secs * 1000) as i64;
        // sqlx pings every connection it hands out by default: a second round trip for each
        // query, which doubled the cost of a link view. A SQLite file cannot hang up (no hook
        // at all); a PostgreSQL connection is pinged only after a second unused, so one the
        // server dropped (a restart, a failover) is still found before a query meets it.
        let mut pool_options = AnyPoolOptions::new()
            .max_connections(settings.db_max_connections.max(1))
            .acquire_timeout(Duration::from_secs(settings.db_connect_timeout_secs.max(1)))
            .test_before_acquire(false);
        if backend == Backend::Postgres {
            pool_options = pool_options.before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= IDLE_BEFORE_PING {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            });
        }
        let pool = pool_options
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if conn.backend_name() == "SQLite" {
                        // Durability first: a grant recorded is a grant kept.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        let cache = format!("PRAGMA cache_size = {SQLITE_CACHE_SIZE}");
                        conn.execute(sqlx::AssertSqlSafe(cache)).await?;
                    } else {
                        let sql = format!("SET statement_timeout = {statement_timeout_ms}");
                        conn.execute(sqlx::AssertSqlSafe(sql)).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .with_context(|| {
                format!(
                    "cannot reach the database at {} (waited {} s)",
                    redacted(&url),
                    settings.db_connect_timeout_secs
                )
            })?;
        let inline = file.map(|f| Arc::new(inline::InlineReads::new(f)));
        Ok(Self {
            pool,
            backend,
            inline,
        })
    }

    /// Applies the embedded migrations for this backend. Refuses to run when the database
    /// has migrations this binary does not know (it is older than the schema).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        migrator.run(&self.pool).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::VersionMissing(v) => anyhow::anyhow!(
                "the database has migration {v}, which this version of Latchkey does not know; \
                 run the newer Latchkey that applied it"
            ),
            other => anyhow::Error::new(other).context("applying database migrations failed"),
        })
    }

    /// Starts a write transaction. On SQLite it is `BEGIN IMMEDIATE`, so two writers queue on
    /// the busy timeout instead of failing with "database is locked" when they upgrade.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Refreshes the query planner's statistics where the database needs it (SQLite's
    /// `PRAGMA optimize`, cheap when nothing changed; PostgreSQL's autovacuum does this).
    pub async fn optimize(&self) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA optimize=0x10002")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// `SELECT 1`, for the health check.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }
}

fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("[redacted]"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Whether an error is a unique-constraint violation (for friendly "already exists" errors).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db
                    .code()
                    .is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
        }
        _ => false,
    }
}

/// One page of a list, and whether there is another.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub has_next: bool,
}

impl<T> Page<T> {
    /// Builds a page from `per_page + 1` fetched rows.
    pub fn from_rows(mut rows: Vec<T>, page: i64, per_page: i64) -> Self {
        let has_next = rows.len() as i64 > per_page;
        rows.truncate(per_page as usize);
        Self {
            items: rows,
            page,
            has_next,
        }
    }
}

/// The file behind a `sqlite://path?…` URL (None for in-memory databases).
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.contains(":memory:")).then(|| std::path::PathBuf::from(path))
}
