//! The floor of what users and jobs do: one function per action (create a request, approve,
//! apply a migration, verify, offboard, remind, team and settings changes).
//!
//! Each use case validates its input (already parsed into domain types by its caller), opens
//! its transaction, calls `store`, `meta` and `mail`, writes its audit entry through
//! [`audit`], and returns a typed result. It knows no HTTP types: web handlers, jobs and (later)
//! the JSON API call the same function.

pub mod access;
pub mod access_review;
pub mod account;
pub mod api_keys;
pub mod approval;
pub mod assignments;
pub mod audit_log;
pub mod clients;
pub mod connection;
pub mod cursor;
pub mod dashboard;
pub mod flash;
pub mod google_connection;
pub mod grants;
pub mod housekeeping;
pub mod idempotency;
pub mod link_faces;
pub mod mailbox;
pub mod migration;
pub mod notifications;
pub mod offboard;
pub mod passkeys;
pub mod passwords;
pub mod platforms;
pub mod privacy;
pub mod radar;
pub mod records;
pub mod reminders;
pub mod request_templates;
pub mod requests;
pub mod settings;
pub mod signals;
pub mod team;
pub mod two_factor;
pub mod verify;
pub mod webhooks;

use crate::clock::Clock;
use crate::crypto::SecretBox;
use crate::domain::Role;
use crate::error::AppResult;
use crate::hashing::Hasher;
use crate::mail::{Mailer, OutgoingEmail};
use crate::meta::GraphClient;
use crate::store::{Db, Tx, audit as audit_store};
use meta_sandbox::Demo;

/// What every use case can reach, passed by reference (`&Ctx`). The process holds one, in an
/// `Arc` that the web state and each background job share.
pub struct Ctx {
    pub db: Db,
    /// The Graph API client (to Meta, or to the sandbox over HTTP).
    pub graph: GraphClient,
    pub mailer: Mailer,
    /// The installation's key for values sealed at rest (mail bodies, Meta tokens).
    pub secrets: SecretBox,
    pub clock: Clock,
    pub hasher: Hasher,
    /// Public URL without trailing slash, for links in e-mails.
    pub base_url: String,
    /// Seconds an approval in progress holds its lease (renewed while it runs).
    pub approval_lease: i64,
    /// The built-in sandbox's demo world, when no Meta app is configured.
    pub demo: Option<Demo>,
    /// Link views' shortcuts (throttled addresses, visits recorded this hour).
    pub links: access::LinkMemo,
    /// Sends webhooks (SSRF-safe; `http://` to loopback only in sandbox mode).
    pub webhooks: crate::webhooks::Sender,
    /// Rung after a transaction that queued webhook deliveries commits.
    pub webhook_bell: std::sync::Arc<tokio::sync::Notify>,
    /// The WebAuthn relying party (none when the base URL is an IP address).
    pub passkeys: crate::passkeys::Passkeys,
    /// The platforms this installation shares on (Meta built in).
    pub platforms: platforms::Platforms,
    /// The Google client (to Google, or to the built-in Google sandbox over HTTP); None when
    /// this installation has no Google OAuth client (then Google is not offered).
    pub google: Option<crate::google::GoogleClient>,
}

impl Ctx {
    /// Queues an e-mail inside `tx`, sealed with the installation's key; the caller wakes the
    /// mailer after commit.
    pub async fn queue_mail(
        &self,
        tx: &mut Tx,
        agency_id: Option<i64>,
        email: &OutgoingEmail,
        now: i64,
    ) -> AppResult<i64> {
        Ok(self
            .mailer
            .queue(tx, &self.secrets, agency_id, email, now)
            .await?)
    }

    /// The client's link for a token.
    pub fn link_url(&self, token: &crate::domain::SecretToken) -> String {
        format!("{}/r/{}", self.base_url, token.expose())
    }

    /// `{base_url}{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

/// Who does an action: a signed-in person of an agency, a client, or the system itself.
#[derive(Debug, Clone)]
pub struct Actor {
    pub agency_id: i64,
    /// The staff member's user id, when a person of the agency acts.
    pub user_id: Option<i64>,
    /// "Ana <ana@example.com>", "client", "system".
    pub label: String,
    /// The staff member's display name (or the label).
    pub name: String,
    /// The staff member's role (a job acts as a member).
    pub role: Role,
    pub ip: String,
}

impl Actor {
    /// A job acting for an agency.
    pub fn system(agency_id: i64) -> Self {
        Self {
            agency_id,
            user_id: None,
            label: "system".into(),
            name: "Latchkey".into(),
            role: Role::Member,
            ip: String::new(),
        }
    }
}

/// Writes one audit entry for `actor` in `tx`: the one way use cases audit.
pub async fn audit(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    target: &str,
    now: i64,
) -> AppResult<()> {
    audit_as(
        tx,
        Some(actor.agency_id),
        &actor.label,
        &actor.ip,
        action,
        target,
        now,
    )
    .await
}

/// An audit entry for someone who is not staff (a client, a job), named by `label`.
pub async fn audit_as(
    tx: &mut Tx,
    agency_id: Option<i64>,
    label: &str,
    ip: &str,
    action: &str,
    target: &str,
    now: i64,
) -> AppResult<()> {
    audit_store::record(
        &mut **tx,
        audit_store::Event {
            agency_id,
            actor: label,
            action,
            target,
            ip,
            at: now,
        },
    )
    .await?;
    Ok(())
}
