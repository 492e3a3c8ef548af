//! Meta: the Graph API client and its error classification, the sharing algorithm as Graph
//! calls (`share`: inventory, share, read back), and `sandbox/`, an emulator of the Graph API
//! and the Facebook Login dialog for development, demos and tests.

pub mod client;
pub mod error;
pub mod pacing;
pub mod sandbox;
pub mod share;
pub mod signed_request;
pub mod versions;
pub mod wire;

pub use client::{AccessToken, GraphClient, GraphConfig};
pub use error::GraphError;
