//! The client's approval: from Facebook Login to recorded grants, crash-safe.

mod run;

pub use run::{Begun, begin, recover, run};
