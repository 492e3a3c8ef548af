//! Meta: the Graph API client and its error classification, and the sharing algorithm as
//! Graph calls (`share`: inventory, share, read back). The emulator that stands in for Meta
//! is a crate of its own, `crates/meta-sandbox`.

pub mod client;
pub mod error;
pub mod pacing;
pub mod share;
pub mod signed_request;
pub mod versions;
pub mod wire;

pub use client::{AccessToken, GraphClient, GraphConfig};
pub use error::GraphError;
