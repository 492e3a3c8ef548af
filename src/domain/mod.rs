//! Pure domain types and rules: no I/O, no HTTP, no SQL. Parse, don't validate:
//! each constructor either returns a valid value or says, in plain words, what is wrong.

pub mod access;
pub mod api;
pub mod email;
pub mod grant;
pub mod migration;
pub mod password;
pub mod platform;
pub mod portfolio;
pub mod reminder;
pub mod request;
pub mod retry;
pub mod role;
pub mod text;
pub mod token;
pub mod two_factor;
pub mod webhook;

pub use email::EmailAddress;
pub use grant::{GrantChange, GrantStatus, Tally};
pub use password::{NewPassword, PasswordError};
pub use platform::Platform;
pub use portfolio::PortfolioId;
pub use role::Role;
pub use text::BoundedText;
pub use token::SecretToken;

/// A value read from the database that no domain type knows: an error, never a fallback.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {0}: {1:?}")]
pub struct UnknownValue(pub &'static str, pub String);
