//! Google's OAuth 2.0, the Analytics Admin API (v1alpha) and the Tag Manager API (v2), over
//! HTTP: what Latchkey asks of Google, in Google's REST shapes (the built-in Google sandbox
//! speaks the same).

mod ads;
mod pacer;
mod tagmanager;
mod wire;

use std::time::Duration;

use serde::de::DeserializeOwned;

pub use ads::{AdsLink, CustomerInfo, ManagerLink, customer_id};
pub use pacer::Pacer;
pub use wire::{
    AccessBinding, AccountAccess, AccountSummary, ContainerAccess, PropertySummary, TagAccount,
    TagContainer, TokenAnswer, TokenInfo, UserPermission,
};

use crate::domain::retry::Retry;

/// Scopes Latchkey asks for.
pub mod scopes {
    pub const ANALYTICS_READONLY: &str = "https://www.googleapis.com/auth/analytics.readonly";
    pub const MANAGE_USERS: &str = "https://www.googleapis.com/auth/analytics.manage.users";
    pub const MANAGE_USERS_READONLY: &str =
        "https://www.googleapis.com/auth/analytics.manage.users.readonly";
    pub const TAGMANAGER_READONLY: &str = "https://www.googleapis.com/auth/tagmanager.readonly";
    pub const TAGMANAGER_MANAGE_USERS: &str =
        "https://www.googleapis.com/auth/tagmanager.manage.users";
    pub const ADWORDS: &str = "https://www.googleapis.com/auth/adwords";
    /// The person's address: who signed in.
    pub const EMAIL: &str = "email";
}

/// Where Google is and who Latchkey is to it: one OAuth client per installation.
#[derive(Debug, Clone)]
pub struct GoogleConfig {
    /// `https://accounts.google.com` (the consent screen).
    pub accounts_base: String,
    /// `https://oauth2.googleapis.com` (token, tokeninfo).
    pub oauth_base: String,
    /// `https://analyticsadmin.googleapis.com`.
    pub analytics_admin_base: String,
    /// `https://tagmanager.googleapis.com`.
    pub tagmanager_base: String,
    /// `https://googleads.googleapis.com`.
    pub ads_base: String,
    pub client_id: String,
    pub client_secret: String,
    pub timeout: Duration,
    pub retry: Retry,
    /// The built-in Google sandbox stands in for Google (the embedded defaults).
    pub sandbox: bool,
    /// Tag Manager calls per window this process makes (Google's: 25 per 100 s).
    pub tagmanager_quota: (usize, Duration),
}

/// Why Google did not answer as hoped.
#[derive(Debug, thiserror::Error)]
pub enum GoogleError {
    #[error("Google could not be reached: {0}")]
    Network(String),
    /// An API's refusal: HTTP code, Google's status (`PERMISSION_DENIED`) and message.
    #[error("Google answered {status}: {message}")]
    Api {
        code: u16,
        status: String,
        message: String,
        /// The first `ErrorInfo.reason` (`RATE_LIMIT_EXCEEDED`), if Google gave one.
        reason: String,
    },
    /// The OAuth endpoints' refusal (`invalid_grant`, `invalid_token`, …).
    #[error("Google refused the sign-in: {error} ({description})")]
    OAuth { error: String, description: String },
}

impl GoogleError {
    /// In plain words, for staff and clients.
    pub fn plain(&self) -> String {
        match self {
            Self::Network(_) => "Google could not be reached; try again in a minute.".into(),
            Self::Api { reason, .. } if reason == "RATE_LIMIT_EXCEEDED" => {
                "Google asks us to slow down (quota); try again in a minute.".into()
            }
            Self::Api {
                status, message, ..
            } => match status.as_str() {
                "PERMISSION_DENIED" => format!("Google refused: {message}."),
                "RESOURCE_EXHAUSTED" => {
                    "Google asks us to slow down (quota); try again in a minute.".into()
                }
                "UNAVAILABLE" | "INTERNAL" => {
                    "Google is having trouble; try again in a minute.".into()
                }
                _ => format!("Google answered: {message}"),
            },
            Self::OAuth { .. } => "Google did not accept the sign-in; sign in again.".into(),
        }
    }

    /// Google's `ErrorInfo.reason` (`ACCESS_TOKEN_SCOPE_INSUFFICIENT`), if it gave one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Api { reason, .. } if !reason.is_empty() => Some(reason),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<&str> {
        match self {
            Self::Api { status, .. } => Some(status),
            _ => None,
        }
    }

    /// Google's quota refusal, which Tag Manager answers `403` (not `429`).
    fn over_quota(&self) -> bool {
        matches!(self, Self::Api { reason, .. } if reason == "RATE_LIMIT_EXCEEDED")
    }

    /// Worth trying again shortly (quota, Google's own failures, the network).
    fn transient(&self) -> bool {
        match self {
            Self::Network(_) => true,
            Self::Api { code, .. } => *code == 429 || *code >= 500 || self.over_quota(),
            Self::OAuth { .. } => false,
        }
    }
}

#[derive(Clone)]
pub struct GoogleClient {
    http: reqwest::Client,
    cfg: GoogleConfig,
    /// Tag Manager's per-project quota, kept by every call this process makes.
    tagmanager_pacer: std::sync::Arc<Pacer>,
}

impl GoogleClient {
    pub fn new(cfg: GoogleConfig) -> Result<Self, GoogleError> {
        let http = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| GoogleError::Network(e.to_string()))?;
        let (limit, window) = cfg.tagmanager_quota;
        Ok(Self {
            http,
            cfg,
            tagmanager_pacer: std::sync::Arc::new(Pacer::new(limit, window)),
        })
    }

    pub fn config(&self) -> &GoogleConfig {
        &self.cfg
    }

    /// The consent screen's address: `scopes` with incremental consent, `state` carried
    /// back; `offline` asks for a refresh token (the agency's own connection).
    pub fn consent_url(
        &self,
        redirect_uri: &str,
        scopes: &[&str],
        state: &str,
        offline: bool,
    ) -> String {
        let mut u = url::Url::parse(&format!("{}/o/oauth2/v2/auth", self.cfg.accounts_base))
            .expect("the accounts base is a URL");
        u.query_pairs_mut()
            .append_pair("client_id", &self.cfg.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("scope", &scopes.join(" "))
            .append_pair("state", state)
            .append_pair("include_granted_scopes", "true");
        if offline {
            u.query_pairs_mut()
                .append_pair("access_type", "offline")
                .append_pair("prompt", "consent");
        }
        u.to_string()
    }

    /// Exchanges a consent's code for tokens.
    pub async fn exchange(
        &self,
        code: &str,
        redirect_uri: &str,
    ) -> Result<TokenAnswer, GoogleError> {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ])
        .await
    }

    /// A fresh access token from a refresh token.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenAnswer, GoogleError> {
        self.token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ])
        .await
    }

    async fn token(&self, form: &[(&str, &str)]) -> Result<TokenAnswer, GoogleError> {
        let mut fields = form.to_vec();
        fields.push(("client_id", &self.cfg.client_id));
        fields.push(("client_secret", &self.cfg.client_secret));
        let resp = self
            .http
            .post(format!("{}/token", self.cfg.oauth_base))
            .form(&fields)
            .send()
            .await
            .map_err(|e| GoogleError::Network(e.to_string()))?;
        oauth_answer(resp).await
    }

    /// What Google says of an access token: whose, for which client, with which scopes.
    pub async fn tokeninfo(&self, access_token: &str) -> Result<TokenInfo, GoogleError> {
        let resp = self
            .http
            .get(format!("{}/tokeninfo", self.cfg.oauth_base))
            .query(&[("access_token", access_token)])
            .send()
            .await
            .map_err(|e| GoogleError::Network(e.to_string()))?;
        oauth_answer(resp).await
    }

    /// Every Analytics account and property the token's person can see.
    pub async fn account_summaries(&self, token: &str) -> Result<Vec<AccountSummary>, GoogleError> {
        self.list_all(token, "v1alpha/accountSummaries", "accountSummaries")
            .await
    }

    /// The access bindings on `parent` (`properties/…` or `accounts/…`): administrators only.
    pub async fn bindings(
        &self,
        token: &str,
        parent: &str,
    ) -> Result<Vec<AccessBinding>, GoogleError> {
        self.list_all(
            token,
            &format!("v1alpha/{parent}/accessBindings"),
            "accessBindings",
        )
        .await
    }

    /// Gives `user` `roles` on `parent`.
    pub async fn create_binding(
        &self,
        token: &str,
        parent: &str,
        user: &str,
        roles: &[&str],
    ) -> Result<AccessBinding, GoogleError> {
        let body = serde_json::json!({"user": user, "roles": roles});
        let url = format!(
            "{}/v1alpha/{parent}/accessBindings",
            self.cfg.analytics_admin_base
        );
        self.call(|| self.http.post(&url).bearer_auth(token).json(&body))
            .await
    }

    /// Removes a binding by its resource name.
    pub async fn delete_binding(&self, token: &str, name: &str) -> Result<(), GoogleError> {
        let url = format!("{}/v1alpha/{name}", self.cfg.analytics_admin_base);
        self.call::<serde_json::Value>(|| self.http.delete(&url).bearer_auth(token))
            .await
            .map(|_| ())
    }

    /// Every page of a list, followed by `pageToken`.
    async fn list_all<T: DeserializeOwned>(
        &self,
        token: &str,
        path: &str,
        key: &str,
    ) -> Result<Vec<T>, GoogleError> {
        let url = format!("{}/{path}", self.cfg.analytics_admin_base);
        self.pages(token, &url, key, None).await
    }

    /// Every page of a list at `url`, followed by `pageToken`; `pacer` paces each page.
    async fn pages<T: DeserializeOwned>(
        &self,
        token: &str,
        url: &str,
        key: &str,
        pacer: Option<&Pacer>,
    ) -> Result<Vec<T>, GoogleError> {
        let mut all = Vec::new();
        let mut page_token = String::new();
        loop {
            let mut page: serde_json::Map<String, serde_json::Value> = self
                .call_paced(pacer, || {
                    let req = self.http.get(url).bearer_auth(token);
                    if page_token.is_empty() {
                        req
                    } else {
                        req.query(&[("pageToken", page_token.as_str())])
                    }
                })
                .await?;
            if let Some(items) = page.remove(key) {
                let items: Vec<T> = serde_json::from_value(items)
                    .map_err(|e| GoogleError::Network(format!("unexpected answer: {e}")))?;
                all.extend(items);
            }
            match page.get("nextPageToken").and_then(|t| t.as_str()) {
                Some(t) if !t.is_empty() => page_token = t.to_owned(),
                _ => return Ok(all),
            }
        }
    }

    /// One API call, tried again on quota and Google's own failures per the retry policy.
    async fn call<T: DeserializeOwned>(
        &self,
        request: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<T, GoogleError> {
        self.call_paced(None, request).await
    }

    /// [`Self::call`], each try waiting its turn with `pacer` first. A quota refusal despite
    /// the pacer (another process of the same project spent it) waits a pacer's interval
    /// per refusal before trying again, so a burst elsewhere slows an approval down instead
    /// of failing it.
    async fn call_paced<T: DeserializeOwned>(
        &self,
        pacer: Option<&Pacer>,
        request: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<T, GoogleError> {
        let mut failed = 0;
        loop {
            if let Some(p) = pacer {
                p.wait_turn().await;
            }
            let result = match request().send().await {
                Ok(resp) => api_answer(resp).await,
                Err(e) => Err(GoogleError::Network(e.to_string())),
            };
            match result {
                Err(e) if e.over_quota() && pacer.is_some() && failed < QUOTA_TRIES => {
                    failed += 1;
                    tokio::time::sleep(pacer.map_or(Duration::ZERO, Pacer::interval) * failed)
                        .await;
                }
                Err(e) if e.transient() => {
                    failed += 1;
                    match self.cfg.retry.after(failed) {
                        Some(wait) => tokio::time::sleep(wait).await,
                        None => return Err(e),
                    }
                }
                other => return other,
            }
        }
    }
}

/// Quota refusals a paced call outlasts (waiting 1, 2, … 6 intervals: 84 s at Tag
/// Manager's 4 s, most of the quota's 100-second window).
const QUOTA_TRIES: u32 = 6;

async fn api_answer<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, GoogleError> {
    let code = resp.status().as_u16();
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| GoogleError::Network(e.to_string()))?;
    if (200..300).contains(&code) {
        // A delete answers 204 with no body.
        let bytes: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
        return serde_json::from_slice(bytes)
            .map_err(|e| GoogleError::Network(format!("unexpected answer: {e}")));
    }
    let err: wire::ApiErrorBody = serde_json::from_slice(&bytes).unwrap_or_default();
    Err(GoogleError::Api {
        code,
        status: err.error.status,
        message: err.error.message,
        reason: err
            .error
            .details
            .into_iter()
            .find_map(wire::ErrorDetail::code)
            .unwrap_or_default(),
    })
}

async fn oauth_answer<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, GoogleError> {
    let ok = resp.status().is_success();
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| GoogleError::Network(e.to_string()))?;
    if ok {
        return serde_json::from_slice(&bytes)
            .map_err(|e| GoogleError::Network(format!("unexpected answer: {e}")));
    }
    let err: wire::OAuthErrorBody = serde_json::from_slice(&bytes).unwrap_or_default();
    Err(GoogleError::OAuth {
        error: err.error,
        description: err.error_description,
    })
}
