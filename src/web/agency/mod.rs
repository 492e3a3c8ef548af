//! The agency's pages: set-up and login, clients, access requests, grants, the migration
//! queue, team, settings, e-mail delivery and the audit log. Staff only (a session), except
//! set-up, login and the password and invitation links.

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod clients;
pub mod emails;
pub mod google;
pub mod grants;
pub mod home;
pub mod new_request;
pub mod reauth;
pub mod records;
pub mod request_templates;
pub mod requests;
pub mod review;
pub mod security;
pub mod settings;
pub mod team;
pub mod verify;
pub mod webhooks;

use serde::Deserialize;

/// What a page reached by Post/Redirect/Get is told: a notice to show, and the id of a
/// flash holding what was just made (a key, a secret) to show once.
#[derive(Debug, Default, Deserialize)]
pub struct NoticeQuery {
    pub(super) notice: Option<String>,
    #[serde(default)]
    pub(super) shown: String,
}
