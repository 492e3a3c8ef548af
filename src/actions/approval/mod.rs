//! The client's approval: from Facebook Login to recorded grants. `steps` are what the
//! client does; `run` is the crash-safe part (intent journal, lease, recovery).

mod finish;
mod results;
mod run;
pub mod statement;
pub mod steps;

pub use run::{Begun, begin, recover, run};
// The read models the client's pages name: an asset offered in the picker, and the
// approval flow of one browser.
pub use crate::actions::platforms::{Offered, Unlisted};
pub use crate::store::flows::Flow;
pub use statement::{state_migration, status_words};
pub use steps::*;
