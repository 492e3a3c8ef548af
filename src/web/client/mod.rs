//! The client's pages: the capability link (`/r/<token>`), Facebook Login and the approval.
//! No account; phone-first; the agency's branding.

pub mod approve;
pub mod decline;
pub mod link;
