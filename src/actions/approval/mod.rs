//! The client's approval: from Facebook Login to recorded grants. `steps` are what the
//! client does; `run` is the crash-safe part (intent journal, lease, recovery).

mod run;
pub mod statement;
pub mod steps;

pub use run::{Begun, begin, recover, run};
pub use statement::{state_migration, status_words};
pub use steps::*;
