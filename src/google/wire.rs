//! Google's JSON shapes, as the discovery documents and the OAuth endpoints give them.

use serde::{Deserialize, Serialize};

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
    #[serde(default)]
    pub details: Vec<ErrorDetail>,
}

/// One of `google.rpc.Status.details`: `ErrorInfo`'s reason, or a Google Ads
/// `GoogleAdsFailure`'s errors.
#[derive(Debug, Default, Deserialize)]
pub struct ErrorDetail {
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub errors: Vec<AdsError>,
}

/// One error of a `GoogleAdsFailure`: `{"errorCode": {"managerLinkError": "TOO_MANY_MANAGERS"}}`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdsError {
    #[serde(default)]
    pub error_code: std::collections::BTreeMap<String, String>,
}

impl ErrorDetail {
    /// The reason this detail gives: ErrorInfo's, or the first Ads error code.
    pub fn code(self) -> Option<String> {
        self.reason.or_else(|| {
            self.errors
                .into_iter()
                .find_map(|e| e.error_code.into_values().next())
        })
    }
}

/// Tag Manager's `Account`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagAccount {
    pub account_id: String,
    #[serde(default)]
    pub name: String,
}

/// Tag Manager's `Container`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagContainer {
    pub account_id: String,
    pub container_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub public_id: String,
}

/// Tag Manager's `UserPermission`: one person's access to an account and its containers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UserPermission {
    /// `accounts/{a}/user_permissions/{p}` (Google's; absent on create).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    #[serde(default)]
    pub email_address: String,
    #[serde(default)]
    pub account_access: AccountAccess,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub container_access: Vec<ContainerAccess>,
}

/// `AccountAccess`: `user` or `admin`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct AccountAccess {
    #[serde(default)]
    pub permission: String,
}

/// `ContainerAccess`: `read`, `edit`, `approve` or `publish` on one container.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ContainerAccess {
    pub container_id: String,
    pub permission: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct OAuthErrorBody {
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub error_description: String,
}
