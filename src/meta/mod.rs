//! Meta: the Graph API client, its response shapes and its error classification. What an
//! approval does with them (inventory, share, read back) is `actions::approval`; the
//! emulator that stands in for Meta is a crate of its own, `crates/meta-sandbox`.

pub mod client;
pub mod error;
pub mod pacing;
pub mod signed_request;
pub mod versions;
pub mod wire;

pub use client::{AccessToken, GraphClient, GraphConfig};
pub use error::GraphError;
