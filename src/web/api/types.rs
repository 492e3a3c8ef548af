//! What the API reads and writes, as JSON; each type is in the OpenAPI document.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::actions::clients::{Client, MigrationRow};
use crate::actions::grants::{Grant, GrantEvent};
use crate::actions::requests::{AccessRequest, TimelineRow as RequestEvent};
use crate::actions::webhooks::{Delivery, Endpoint};
use crate::domain::access::Ask;

/// Unix seconds as RFC 3339 (UTC).
pub fn at(ts: i64) -> String {
    crate::clock::format_rfc3339(ts)
}

/// Unix seconds (midnight UTC) as a `YYYY-MM-DD` day.
pub fn day(ts: i64) -> String {
    crate::clock::format_iso_day(ts)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientOut {
    pub id: i64,
    pub name: String,
    pub contact_name: String,
    pub contact_email: String,
    pub notes: String,
    pub archived: bool,
    /// The client's language for pages and e-mails (`es`, …); null: their browser decides.
    pub language: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<Client> for ClientOut {
    fn from(c: Client) -> Self {
        Self {
            id: c.id,
            archived: c.archived_at.is_some(),
            created_at: at(c.created_at),
            updated_at: at(c.updated_at),
            name: c.name,
            contact_name: c.contact_name,
            contact_email: c.contact_email,
            notes: c.notes,
            language: c.language,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientList {
    pub data: Vec<ClientOut>,
    /// The next page, or null on the last one.
    pub next: Option<String>,
}

/// A new client.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientIn {
    pub name: String,
    #[serde(default)]
    pub contact_name: String,
    pub contact_email: String,
    #[serde(default)]
    pub notes: String,
    /// Add it even though a client with the same name or contact e-mail exists (without
    /// it, that is a validation problem naming the existing client).
    #[serde(default)]
    pub allow_duplicate: bool,
}

/// Changes to a client: only the fields given change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientPatch {
    pub name: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskIo {
    /// `page`, `ad_account`, `instagram`, `catalog` or `pixel`.
    pub kind: String,
    /// `manage`, `advertise` or `view`.
    pub level: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestOut {
    pub id: i64,
    pub client_id: i64,
    pub client_name: String,
    /// `created`, `emailed`, `opened`, `completed`, `partially_completed`, `expired`,
    /// `revoked` or `declined`.
    pub status: String,
    /// `partner` or `user`.
    pub mode: String,
    /// The platforms the asks cover (`meta`).
    pub platforms: Vec<String>,
    pub asks: Vec<AskIo>,
    pub single_use: bool,
    pub message: String,
    pub language: Option<String>,
    /// The link's first characters (the link itself is shown once).
    pub link_prefix: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
    pub emailed_at: Option<String>,
    pub first_opened_at: Option<String>,
    pub open_count: i64,
    pub declined_at: Option<String>,
    pub decline_reason: Option<String>,
}

impl RequestOut {
    pub fn of(r: &AccessRequest, now: i64) -> Self {
        Self {
            id: r.id,
            client_id: r.client_id,
            client_name: r.client_name.clone(),
            status: r.status(now).as_str().to_owned(),
            mode: r.mode.as_str().to_owned(),
            platforms: r
                .platforms
                .split(',')
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            asks: Ask::decode(&r.asks)
                .into_iter()
                .map(|a| AskIo {
                    kind: a.kind.as_str().to_owned(),
                    level: a.level.as_str().to_owned(),
                })
                .collect(),
            single_use: r.single_use == 1,
            message: r.message.clone(),
            language: r.language.clone(),
            link_prefix: r.token_prefix.clone(),
            created_at: at(r.created_at),
            expires_at: at(r.expires_at),
            emailed_at: r.emailed_at.map(at),
            first_opened_at: r.first_opened_at.map(at),
            open_count: r.open_count,
            declined_at: r.declined_at.map(at),
            decline_reason: r
                .declined_at
                .map(|_| r.decline_reason.clone())
                .filter(|s| !s.is_empty()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestList {
    pub data: Vec<RequestOut>,
    pub next: Option<String>,
}

/// A new access request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestIn {
    pub client_id: i64,
    pub asks: Vec<AskIo>,
    /// `partner` (recommended) or `user`.
    pub mode: String,
    /// For user access: the e-mail addresses of the team members who get it.
    #[serde(default)]
    pub people: Vec<String>,
    /// Days until the link expires (1–90); the agency's default when left out.
    pub expiry_days: Option<i64>,
    /// Close the link after the client approves (default true).
    pub single_use: Option<bool>,
    #[serde(default)]
    pub message: String,
    /// `email`: e-mail the link to the client's contact; `link`: return it (once).
    pub delivery: String,
    /// The client's language (`en`, `es`, `de`, `fr`, `nl`, `pt`); left out: their browser's.
    pub language: Option<String>,
    /// The member of your team the client hears from (named in the e-mail and on the page,
    /// and the e-mail's Reply-To); left out: the request speaks as your agency.
    pub sender_email: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Issued {
    pub request: RequestOut,
    /// The client's link: present only when asked for (`delivery: link`, or a regeneration),
    /// and only in this answer.
    pub link: Option<String>,
    /// Where the link was e-mailed.
    pub emailed_to: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    pub kind: String,
    pub detail: String,
    #[schema(format = DateTime)]
    pub at: String,
}

impl From<&RequestEvent> for EventOut {
    fn from(e: &RequestEvent) -> Self {
        Self {
            kind: e.kind.clone(),
            detail: e.detail.clone(),
            at: at(e.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestDetail {
    pub request: RequestOut,
    pub timeline: Vec<EventOut>,
    pub grants: Vec<GrantOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GrantOut {
    pub id: i64,
    pub client_id: i64,
    pub request_id: Option<i64>,
    /// The platform the asset is on: `meta`.
    pub platform: String,
    /// `page`, `ad_account`, `instagram`, `catalog` or `pixel`.
    pub kind: String,
    pub asset_id: String,
    pub asset_name: String,
    /// `partner` (survives managed accounts) or `user` (rests on one person).
    pub mode: String,
    /// The agency's portfolio id (partner) or the person's e-mail (user).
    pub grantee: String,
    pub tasks: Vec<String>,
    /// `pending`, `active`, `failed`, `needs_reauth`, `lapsed`, `lost`, `replaced` or
    /// `removed`.
    pub status: String,
    pub reason: String,
    /// When a flagged grant is due (`needs_reauth`).
    pub due_on: Option<String>,
    pub verified_at: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<&Grant> for GrantOut {
    fn from(g: &Grant) -> Self {
        Self {
            id: g.id,
            client_id: g.client_id,
            request_id: g.request_id,
            platform: g.platform.as_str().to_owned(),
            kind: g.kind.as_str().to_owned(),
            asset_id: g.asset_id.clone(),
            asset_name: g.asset_name.clone(),
            mode: g.mode.as_str().to_owned(),
            grantee: g.grantee.clone(),
            tasks: g
                .tasks
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            status: g.status.as_str().to_owned(),
            reason: g.status_reason.clone(),
            due_on: g.due_at.map(day),
            verified_at: g.verified_at.map(at),
            created_at: at(g.created_at),
            updated_at: at(g.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GrantList {
    pub data: Vec<GrantOut>,
    pub next: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GrantHistory {
    pub status: String,
    pub detail: String,
    #[schema(format = DateTime)]
    pub at: String,
}

impl From<&GrantEvent> for GrantHistory {
    fn from(e: &GrantEvent) -> Self {
        Self {
            status: e.status.clone(),
            detail: e.detail.clone(),
            at: at(e.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GrantDetail {
    pub grant: GrantOut,
    pub history: Vec<GrantHistory>,
}

/// The agency's record of a client's move to managed Meta accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct MigrationOut {
    /// `not_started`, `invited`, `preparing`, `migrating` or `migrated`.
    pub status: String,
    /// The day the status began.
    pub since: Option<String>,
    /// The organisation's deadline for people.
    pub people_deadline: Option<String>,
    /// `staff`, `client` or `meta`.
    pub people_deadline_source: String,
    pub activated_on: Option<String>,
    /// When user-based grants are due, and on what basis.
    pub due_on: Option<String>,
    /// `organisation`, or an estimate (`estimate_from_activation`, `estimate_from_move`).
    pub due_basis: Option<String>,
    pub recorded_by: String,
    pub recorded_at: Option<String>,
}

impl MigrationOut {
    pub fn of(row: Option<&MigrationRow>) -> Self {
        let Some(row) = row else {
            return Self {
                status: "not_started".into(),
                since: None,
                people_deadline: None,
                people_deadline_source: "staff".into(),
                activated_on: None,
                due_on: None,
                due_basis: None,
                recorded_by: String::new(),
                recorded_at: None,
            };
        };
        let due = row.record().people_due();
        Self {
            status: row.migration_status.as_str().to_owned(),
            since: row.migration_date.map(day),
            people_deadline: row.people_deadline.map(day),
            people_deadline_source: row.people_deadline_source.as_str().to_owned(),
            activated_on: row.activated_on.map(day),
            due_on: due.map(|(d, _)| day(d)),
            due_basis: due.map(|(_, b)| b.as_str().to_owned()),
            recorded_by: row.migration_recorded_by.clone(),
            recorded_at: row.migration_recorded_at.map(at),
        }
    }
}

/// What staff record about a client's move (the same rules as the client page's form).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MigrationIn {
    /// `not_started`, `invited`, `preparing`, `migrating` or `migrated`.
    pub status: String,
    /// `YYYY-MM-DD`: the day the status began.
    pub since: Option<String>,
    /// `YYYY-MM-DD`: the organisation's deadline for people.
    pub people_deadline: Option<String>,
    /// Who gave the deadline: `staff` (default) or `client`.
    pub people_deadline_source: Option<String>,
    /// `YYYY-MM-DD`: the day people activated.
    pub activated_on: Option<String>,
    pub activated_source: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MigrationSet {
    pub migration: MigrationOut,
    /// User-based grants flagged for re-authorisation by this change.
    pub flagged: usize,
}

/// A grant at risk, on the re-authorisation radar.
#[derive(Debug, Serialize, ToSchema)]
pub struct RadarOut {
    pub grant_id: i64,
    pub client_id: i64,
    pub client_name: String,
    pub asset_name: String,
    /// The platform the asset is on: `meta`.
    pub platform: String,
    pub kind: String,
    pub grantee: String,
    /// `needs_reauth` or `lapsed`.
    pub status: String,
    pub due_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RadarList {
    pub data: Vec<RadarOut>,
}

/// The one-click fix: a partner-access request for exactly the flagged assets.
#[derive(Debug, Serialize, ToSchema)]
pub struct FixSent {
    pub request_id: i64,
    pub emailed_to: Option<String>,
}

/// A webhook endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookOut {
    pub id: i64,
    pub url: String,
    pub description: String,
    /// The events it receives; empty: every event.
    pub events: Vec<String>,
    pub enabled: bool,
    /// Why it is off (after persistent failure, or by staff).
    pub disabled_reason: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<&Endpoint> for WebhookOut {
    fn from(e: &Endpoint) -> Self {
        Self {
            id: e.id,
            url: e.url.clone(),
            description: e.description.clone(),
            events: e
                .events
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            enabled: e.disabled_at.is_none(),
            disabled_reason: e.disabled_at.map(|_| e.disabled_reason.clone()),
            created_at: at(e.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub data: Vec<WebhookOut>,
}

/// A new endpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookIn {
    /// `https://…` (plain `http://` to loopback only in sandbox mode).
    pub url: String,
    #[serde(default)]
    pub description: String,
    /// Event types to receive; empty or left out: every event.
    #[serde(default)]
    pub events: Vec<String>,
}

/// An endpoint with its signing secret: shown when made and when rotated, never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookSecret {
    pub endpoint: WebhookOut,
    /// `whsec_…`: verify `webhook-signature` with it (Standard Webhooks).
    pub secret: String,
}

/// One event sent (or being sent) to one endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOut {
    pub id: i64,
    /// The `webhook-id` header: the same on every attempt and redelivery.
    pub message_id: String,
    pub event_type: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error: String,
    pub last_duration_ms: Option<i64>,
    pub last_attempt_at: Option<String>,
    pub next_attempt_at: Option<String>,
    pub delivered_at: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<&Delivery> for DeliveryOut {
    fn from(d: &Delivery) -> Self {
        Self {
            id: d.id,
            message_id: d.message_id.clone(),
            event_type: d.event_type.clone(),
            status: d.status.clone(),
            attempts: d.attempts,
            last_status_code: d.last_status_code,
            last_error: d.last_error.clone(),
            last_duration_ms: d.last_ms,
            last_attempt_at: d.last_attempt_at.map(at),
            next_attempt_at: (d.status == "pending").then(|| at(d.next_attempt_at)),
            delivered_at: d.delivered_at.map(at),
            created_at: at(d.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    pub data: Vec<DeliveryOut>,
    pub next: Option<String>,
}

/// An API key someone at the agency made and that still works.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyHeldOut {
    pub name: String,
    /// The key's first characters.
    pub prefix: String,
    pub scope: String,
    pub last_used_at: Option<String>,
    pub expires_at: Option<String>,
}

/// A client asset someone is assigned to at Meta.
#[derive(Debug, Serialize, ToSchema)]
pub struct HeldAssetOut {
    pub client: String,
    /// "Page name (Facebook Page)".
    pub asset: String,
    /// The tasks, in words.
    pub tasks: String,
}

/// A person at the agency (or in its Meta portfolio) and what they hold.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonAccessOut {
    pub name: String,
    /// Empty for a system user.
    pub email: String,
    /// `owner`, `admin`, `member`, or null for someone in the Meta portfolio but not in
    /// Latchkey.
    pub role: Option<String>,
    pub keys: Vec<KeyHeldOut>,
    pub assets: Vec<HeldAssetOut>,
}

/// Who confirmed the last review, and when.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewedOut {
    pub by: String,
    pub email: String,
    pub at: String,
}

/// A client asset shared with the agency and who there can use it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetUsersOut {
    pub client: String,
    pub asset: String,
    /// Names of the people (and system users) assigned to it in the agency's portfolio.
    pub people: Vec<String>,
}

/// The access review.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessReviewOut {
    pub people: Vec<PersonAccessOut>,
    pub assets: Vec<AssetUsersOut>,
    /// Why Meta's side is missing (no connection, Meta unreachable), if it is.
    pub meta_note: Option<String>,
    pub last_review: Option<ReviewedOut>,
    /// When the next review is due, if the agency requires them.
    pub next_due: Option<String>,
}
