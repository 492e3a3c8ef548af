//! What the Graph API sends back, as Latchkey reads it: the response shapes, the listing
//! edges and the fields asked of each, and Graph's list syntax.

use serde::Deserialize;

use super::client::AccessToken;
use crate::domain::access::AssetKind;

/// Result of exchanging a login code.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenExchange {
    pub access_token: AccessToken,
    #[serde(default)]
    pub token_type: String,
    #[serde(default)]
    pub expires_in: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct GranularScope {
    pub scope: String,
    #[serde(default)]
    pub target_ids: Vec<String>,
}

/// One permission of the app as Meta lists it (`GET /{app-id}/permissions`): its status and,
/// where Meta says, its access level (`standard` until App Review grants `advanced`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct AppPermission {
    pub permission: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub access_level: Option<String>,
}

/// What `debug_token` says about a token.
#[derive(Debug, Clone, Deserialize)]
pub struct DebugToken {
    #[serde(default)]
    pub app_id: String,
    #[serde(default, rename = "type")]
    pub kind: String,
    pub is_valid: bool,
    #[serde(default)]
    pub expires_at: i64,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub granular_scopes: Vec<GranularScope>,
    #[serde(default)]
    pub user_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Me {
    pub id: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Business {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub verification_status: Option<String>,
}

/// A Page the person can act on, with its Page token.
#[derive(Debug, Clone, Deserialize)]
pub struct PageAccount {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub access_token: AccessToken,
    #[serde(default)]
    pub tasks: Vec<String>,
    #[serde(default)]
    pub category: Option<String>,
}

/// One asset from a business listing.
#[derive(Debug, Clone, Deserialize)]
pub struct AssetRow {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub account_status: Option<i64>,
    #[serde(default)]
    pub ig_username: Option<String>,
    #[serde(default)]
    pub permitted_tasks: Vec<String>,
    /// The caller's own tasks on an ad account (`AdAccount.user_tasks`).
    #[serde(default)]
    pub user_tasks: Vec<String>,
}

/// The person's own place in one portfolio (`GET /me/business_users`).
#[derive(Debug, Clone, Deserialize)]
pub struct MyRole {
    pub business: NodeRef,
    #[serde(default)]
    pub role: Option<String>,
    /// The person's own account type in that portfolio (FB or MWA).
    #[serde(default)]
    pub invited_user_type: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NodeRef {
    pub id: String,
}

/// A share request waiting for the owner (`pending_client_*`): the asset it names.
#[derive(Debug, Clone, Deserialize)]
pub struct PendingRequest {
    #[serde(default)]
    pub page: Option<NodeRef>,
    #[serde(default)]
    pub ad_account: Option<NodeRef>,
}

impl AssetRow {
    pub fn display_name(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.ig_username.clone().map(|u| format!("@{u}")))
            .unwrap_or_else(|| self.id.clone())
    }
}

/// A business with access to an asset (`GET /{asset}/agencies`).
#[derive(Debug, Clone, Deserialize)]
pub struct PartnerRow {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub permitted_tasks: Vec<String>,
    #[serde(default)]
    pub access_status: Option<String>,
    #[serde(default)]
    pub access_requested_time: Option<String>,
    #[serde(default)]
    pub access_updated_time: Option<String>,
}

/// A person assigned to an asset (`GET /{asset}/assigned_users`).
#[derive(Debug, Clone, Deserialize)]
pub struct AssignedUser {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub user_type: Option<String>,
    #[serde(default)]
    pub tasks: Vec<String>,
}

/// A member of a business portfolio.
#[derive(Debug, Clone, Deserialize)]
pub struct BusinessUser {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    /// `FB` (a personal account) or `MWA` (a managed work account). A list in Meta's
    /// schema (`list<InvitedUserType>` in the SDK's `BusinessUser`), not a string.
    #[serde(default)]
    pub invited_user_type: Vec<String>,
}

/// Which side of a business's assets to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// Assets the business owns.
    Owned,
    /// Assets other businesses shared with it (the agency side).
    Client,
}

/// The listing edge for a kind.
pub fn edge_name(kind: AssetKind, edge: Edge) -> &'static str {
    match (kind, edge) {
        (AssetKind::Page, Edge::Owned) => "owned_pages",
        (AssetKind::Page, Edge::Client) => "client_pages",
        (AssetKind::AdAccount, Edge::Owned) => "owned_ad_accounts",
        (AssetKind::AdAccount, Edge::Client) => "client_ad_accounts",
        (AssetKind::Instagram, Edge::Owned) => "owned_instagram_assets",
        (AssetKind::Instagram, Edge::Client) => "client_instagram_assets",
        (AssetKind::Catalog, Edge::Owned) => "owned_product_catalogs",
        (AssetKind::Catalog, Edge::Client) => "client_product_catalogs",
        (AssetKind::Pixel, Edge::Owned) => "owned_pixels",
        (AssetKind::Pixel, Edge::Client) => "client_pixels",
        // Not a Meta kind: the platform seam hands the Graph client only Meta's kinds.
        (AssetKind::Ga4Property | AssetKind::GtmContainer | AssetKind::GoogleAds, _) => "",
    }
}

/// The fields asked of one listing edge: only what the node type has (the SDK's
/// `adobjects` `Field` classes), plus what the edge adds (`permitted_tasks` on `client_*`).
/// Of the owned kinds only `AdAccount` tells the caller's own tasks (`user_tasks`); a
/// Page's come from `/me/accounts`, the other kinds' from the person's role in the
/// portfolio (`/me/business_users`).
pub(super) fn fields_for(kind: AssetKind, edge: Edge) -> &'static str {
    match (kind, edge) {
        (AssetKind::Page, Edge::Owned) => "id,name,category",
        (AssetKind::Page, Edge::Client) => "id,name,category,permitted_tasks",
        (AssetKind::AdAccount, Edge::Owned) => "id,name,account_id,account_status,user_tasks",
        (AssetKind::AdAccount, Edge::Client) => "id,name,account_id,account_status,permitted_tasks",
        (AssetKind::Instagram, Edge::Owned) => "id,ig_username,ig_user_id",
        (AssetKind::Instagram, Edge::Client) => "id,ig_username,ig_user_id,permitted_tasks",
        (AssetKind::Catalog | AssetKind::Pixel, Edge::Owned) => "id,name",
        (AssetKind::Catalog | AssetKind::Pixel, Edge::Client) => "id,name,permitted_tasks",
        (AssetKind::Ga4Property | AssetKind::GtmContainer | AssetKind::GoogleAds, _) => "",
    }
}

/// The edge listing share requests still waiting for the owner's answer, for the kinds
/// Meta has one for (`pending_client_pages`, `pending_client_ad_accounts`), with the
/// field that names the asset.
pub fn pending_edge(kind: AssetKind) -> Option<(&'static str, &'static str)> {
    match kind {
        AssetKind::Page => Some(("pending_client_pages", "page")),
        AssetKind::AdAccount => Some(("pending_client_ad_accounts", "ad_account")),
        _ => None,
    }
}

/// Graph's list syntax for a parameter: `['A','B']`.
pub fn graph_list(items: &[&str]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|t| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(",")
    )
}

#[derive(Deserialize)]
pub(super) struct Envelope<T> {
    pub data: Vec<T>,
    #[serde(default)]
    pub paging: Option<Paging>,
}

#[derive(Deserialize)]
pub(super) struct Paging {
    #[serde(default)]
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Success {
    #[serde(default)]
    pub success: bool,
}

#[derive(Deserialize)]
pub(super) struct DebugEnvelope {
    pub data: DebugToken,
}
