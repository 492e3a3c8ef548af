//! Latchkey: agency access onboarding for Meta business assets.
//!
//! A tour of the crate, outside in (arrows point down only):
//! - [`config`]: the typed [`config::Settings`] read from `LATCHKEY_*` variables and flags.
//! - [`app`]: [`app::Application::build`] wires the database, mailer, router and workers
//!   together and binds the listener; `run_until_stopped` serves until SIGINT/SIGTERM.
//! - [`web`]: axum router, middleware, sessions and error pages, and the pages by audience
//!   (`agency/`, `client/`). Handlers parse, call one use case, render; no transaction.
//! - [`jobs`]: the schedulers; they call use cases, never the web.
//! - [`actions`]: the use-case floor, one function per thing a user or a job does, with
//!   the [`actions::Ctx`] they share (database, Graph, mail, key, clock, hasher). Each opens
//!   its transaction, audits through one helper and returns a typed result.
//! - [`meta`]: the Graph client, response shapes, the sharing algorithm (`actions::approval`)
//!   and the sandbox, a stand-in for Meta that imports nothing of Latchkey's.
//! - [`mail`]: message building, transports (file, SMTP, memory) and the outbox worker.
//! - [`store`]: every SQL statement, one file per table family, written once for SQLite
//!   and PostgreSQL through sqlx `Any`; rows carry domain types.
//! - [`domain`]: pure types and rules with no I/O: e-mail, passwords, roles, tokens, grant
//!   and request statuses, migration, reminders.
//! - [`error`]: the one error type. [`clock`]: the one clock; tests move it. [`crypto`],
//!   [`hashing`], [`private_files`]: secrets at rest, password hashing, owner-only files;
//!   [`memory`]: the allocator's settings.

pub mod actions;
pub mod app;
pub mod bootstrap;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod error;
pub mod google;
pub mod hashing;
pub mod i18n;
pub mod jobs;
pub mod mail;
pub mod memory;
pub mod meta;
pub mod passkeys;
pub mod private_files;
pub mod store;
pub mod web;
pub mod webhooks;

pub use app::Application;
pub use clock::Clock;
pub use config::Settings;
