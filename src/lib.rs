//! Latchkey: agency access onboarding for Meta business assets.
//!
//! A tour of the crate, outside in:
//! - [`config`]: the typed [`config::Settings`] read from `LATCHKEY_*` variables and flags.
//! - [`app`]: [`app::Application::build`] wires the database, mailer, router and workers
//!   together and binds the listener; `run_until_stopped` serves until SIGINT/SIGTERM.
//! - [`domain`]: pure types and rules with no I/O: e-mail addresses, passwords, roles,
//!   secret tokens, business portfolio ids.
//! - [`store`]: every SQL statement, one file per table family, written once for SQLite
//!   and PostgreSQL through sqlx `Any`.
//! - [`mail`]: message building, transports (file, SMTP, memory) and the outbox worker.
//! - [`web`]: axum handlers, sessions, CSRF, security headers and error pages; the
//!   crash-safe approval (intent journal, lease, recovery) lives in `web::approval_run`.
//! - [`approval`]: the sharing algorithm as Graph calls (inventory, share, read back).
//! - [`private_files`]: files at rest readable by the operator only.
//! - [`clock`]: the one clock; tests move it instead of sleeping.

pub mod actions;
pub mod app;
pub mod bootstrap;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod error;
pub mod hashing;
pub mod jobs;
pub mod mail;
pub mod meta;
pub mod private_files;
pub mod store;
pub mod web;

pub use app::Application;
pub use clock::Clock;
pub use config::Settings;
