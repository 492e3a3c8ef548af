//! Google's JSON shapes, as the discovery documents and the OAuth endpoints give them.

use serde::Deserialize;

/// The token endpoint's answer.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenAnswer {
    pub access_token: String,
    #[serde(default)]
    pub expires_in: i64,
    /// Space-separated: what the person actually granted (they may untick scopes).
    #[serde(default)]
    pub scope: String,
    /// Only with `access_type=offline`.
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// tokeninfo's answer (its numbers come as strings).
#[derive(Debug, Clone, Deserialize)]
pub struct TokenInfo {
    /// The OAuth client the token was issued to.
    #[serde(default)]
    pub aud: String,
    #[serde(default)]
    pub sub: String,
    #[serde(default)]
    pub scope: String,
    /// Present with the `email` scope.
    #[serde(default)]
    pub email: Option<String>,
}

impl TokenInfo {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scope.split_whitespace().any(|s| s == scope)
    }
}

/// `AccountSummary`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub property_summaries: Vec<PropertySummary>,
}

/// `PropertySummary`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertySummary {
    pub property: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub can_edit: bool,
}

/// `AccessBinding`.
#[derive(Debug, Clone, Deserialize)]
pub struct AccessBinding {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub roles: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ApiErrorBody {
    #[serde(default)]
    pub error: ApiError,
}

#[derive(Debug, Default, Deserialize)]
pub struct ApiError {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct OAuthErrorBody {
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub error_description: String,
}
