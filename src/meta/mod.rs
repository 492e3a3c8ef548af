//! Meta: the Graph API client and its error classification, and `sandbox/`, a faithful
//! emulator of the Graph API and the Facebook Login dialog for development, demos and tests.

pub mod client;
pub mod error;
pub mod sandbox;

pub use client::{AccessToken, GraphClient, GraphConfig};
pub use error::GraphError;
