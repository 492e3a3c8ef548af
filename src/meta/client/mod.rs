//! The Graph API client: one place that talks to Meta (or the sandbox) over HTTP.
//! Every request carries `appsecret_proof` and a timeout; tokens never reach a log line.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use rand::Rng;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::Sha256;

use super::error::{ErrorEnvelope, GraphError, classify, usage_wait};
use super::pacing::{Pacer, Usage};
pub use super::wire::*;
use super::wire::{DebugEnvelope, Envelope, Success, fields_for};
use crate::domain::access::AssetKind;

mod edges;

/// Graph calls in flight at once for one piece of work (an approval, an offboarding).
pub const CONCURRENCY: usize = 16;

/// An access token. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct AccessToken(pub String);

impl AccessToken {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([redacted])")
    }
}

/// Where Meta is and who we are to it.
#[derive(Clone)]
pub struct GraphConfig {
    /// `https://graph.facebook.com`, or the sandbox's Graph base.
    pub graph_base: String,
    /// `https://www.facebook.com`, or the sandbox's login-dialog base.
    pub dialog_base: String,
    /// `v25.0`.
    pub version: String,
    pub app_id: String,
    pub app_secret: String,
    /// The exact redirect URI registered with the app.
    pub redirect_uri: String,
    /// Facebook Login for Business configuration; None: classic login with `scope`.
    pub config_id: Option<String>,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Retries for transient errors and throttling (jittered ±50 % in use).
    pub retry: crate::domain::retry::Retry,
    /// Longest throttling wait honoured in place; longer ones are returned to the caller.
    pub max_throttle_wait: Duration,
}

impl fmt::Debug for GraphConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphConfig")
            .field("graph_base", &self.graph_base)
            .field("dialog_base", &self.dialog_base)
            .field("version", &self.version)
            .field("app_id", &self.app_id)
            .field("app_secret", &"[redacted]")
            .field("redirect_uri", &self.redirect_uri)
            .finish()
    }
}

/// The default Graph API version: the newest Meta lists (see [`super::versions`]).
pub const DEFAULT_VERSION: &str = super::versions::NEWEST;

/// Every permission Latchkey may ask a client for (a request asks for those its kinds need).
pub const ASKED_SCOPES: [&str; 6] = [
    "business_management",
    "pages_show_list",
    "pages_manage_metadata",
    "ads_management",
    "instagram_basic",
    "catalog_management",
];

/// The client. Cheap to clone.
#[derive(Clone, Debug)]
pub struct GraphClient {
    http: reqwest::Client,
    cfg: Arc<GraphConfig>,
    /// Shared by every clone: usage is Meta's count of this app, not of one caller.
    pacer: Arc<Pacer>,
}

enum Method {
    Get,
    Post,
    Delete,
}

impl GraphClient {
    pub fn new(cfg: GraphConfig) -> Result<Self, GraphError> {
        let http = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| GraphError::Network(e.to_string()))?;
        Ok(Self {
            http,
            cfg: Arc::new(cfg),
            pacer: Arc::default(),
        })
    }

    pub fn config(&self) -> &GraphConfig {
        &self.cfg
    }

    /// `appsecret_proof`: hex HMAC-SHA256 of the token keyed with the app secret.
    pub fn proof(&self, token: &AccessToken) -> String {
        let mut mac = match Hmac::<Sha256>::new_from_slice(self.cfg.app_secret.as_bytes()) {
            Ok(m) => m,
            Err(_) => return String::new(),
        };
        mac.update(token.expose().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    fn url(&self, path: &str) -> String {
        format!(
            "{}/{}/{}",
            self.cfg.graph_base.trim_end_matches('/'),
            self.cfg.version,
            path.trim_start_matches('/')
        )
    }

    /// The Facebook Login dialog URL. `rerequest` asks again for declined permissions.
    pub fn dialog_url(&self, state: &str, scopes: &[&str], rerequest: bool) -> String {
        let mut url = url::Url::parse(&format!(
            "{}/{}/dialog/oauth",
            self.cfg.dialog_base.trim_end_matches('/'),
            self.cfg.version
        ))
        .unwrap_or_else(|_| {
            url::Url::parse("https://www.facebook.com/dialog/oauth").expect("static URL")
        });
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("client_id", &self.cfg.app_id)
                .append_pair("redirect_uri", &self.cfg.redirect_uri)
                .append_pair("state", state);
            match &self.cfg.config_id {
                // Facebook Login for Business: the configuration's permission set decides;
                // a code, not a token, comes back.
                Some(config) => q
                    .append_pair("config_id", config)
                    .append_pair("response_type", "code")
                    .append_pair("override_default_response_type", "true"),
                None => q
                    .append_pair("scope", &scopes.join(","))
                    .append_pair("response_type", "code"),
            };
            if rerequest {
                q.append_pair("auth_type", "rerequest");
            }
        }
        url.into()
    }

    /// One HTTP exchange, no retries. Returns the JSON body or a classified error.
    async fn once(
        &self,
        method: &Method,
        url: &str,
        token: Option<&AccessToken>,
        params: &[(String, String)],
    ) -> Result<Value, GraphError> {
        // Paced by what Meta last said about this node, its business and the app: a
        // short spacing is waited out here; a long hold is the caller's to schedule.
        let node = node_of(url);
        let hold = self.pacer.wait(node, Instant::now());
        if hold > self.cfg.max_throttle_wait {
            return Err(GraphError::Throttled {
                code: 0,
                wait: hold,
            });
        }
        if !hold.is_zero() {
            tokio::time::sleep(hold).await;
        }
        let mut all: Vec<(String, String)> = params.to_vec();
        if let Some(t) = token {
            all.push(("access_token".into(), t.expose().to_owned()));
            all.push(("appsecret_proof".into(), self.proof(t)));
        }
        let req = match method {
            Method::Get => self.http.get(url).query(&all),
            Method::Delete => self.http.delete(url).query(&all),
            Method::Post => self.http.post(url).form(&all),
        };
        let resp = req.send().await.map_err(|e| {
            GraphError::Network(if e.is_timeout() {
                "timeout".into()
            } else {
                "connection failed".into()
            })
        })?;
        let status = resp.status();
        let header = |n: &str| {
            resp.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (app, buc) = (header("x-app-usage"), header("x-business-use-case-usage"));
        let wait = usage_wait(app.as_deref(), buc.as_deref());
        let usage = Usage::read(
            app.as_deref(),
            buc.as_deref(),
            header("x-ad-account-usage").as_deref(),
        );
        self.pacer.observe(node, &usage, Instant::now());
        let body: Value = resp
            .json()
            .await
            .map_err(|_| GraphError::Network("unreadable answer".into()))?;
        if let Ok(env) = serde_json::from_value::<ErrorEnvelope>(body.clone()) {
            let err = classify(&env.error, wait);
            tracing::debug!(code = env.error.code, subcode = ?env.error.error_subcode, fbtrace_id = ?env.error.fbtrace_id, "graph error");
            return Err(err);
        }
        if !status.is_success() {
            return Err(GraphError::Other {
                code: i64::from(status.as_u16()),
                message: "unexpected status".into(),
            });
        }
        Ok(body)
    }

    /// With retries: jittered exponential back-off for transient errors, the usage
    /// headers' wait (when short enough) for throttling.
    async fn call(
        &self,
        method: Method,
        url: &str,
        token: Option<&AccessToken>,
        params: &[(&str, String)],
    ) -> Result<Value, GraphError> {
        let owned: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        self.call_owned(method, url, token, &owned).await
    }

    async fn call_owned(
        &self,
        method: Method,
        url: &str,
        token: Option<&AccessToken>,
        params: &[(String, String)],
    ) -> Result<Value, GraphError> {
        let mut failed = 0u32;
        loop {
            match self.once(&method, url, token, params).await {
                Err(e) if e.is_retryable() => {
                    failed += 1;
                    let Some(backoff) = self.cfg.retry.after(failed) else {
                        return Err(e);
                    };
                    let wait = match &e {
                        GraphError::Throttled { wait, .. }
                            if *wait > self.cfg.max_throttle_wait =>
                        {
                            return Err(e);
                        }
                        GraphError::Throttled { wait, .. } => (*wait).max(backoff),
                        _ => backoff,
                    };
                    // ±50 % jitter so that parallel callers do not retry in lockstep.
                    let jitter = rand::thread_rng().gen_range(0.5..1.5);
                    tokio::time::sleep(wait.mul_f64(jitter)).await;
                }
                other => return other,
            }
        }
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        token: &AccessToken,
        params: &[(&str, String)],
    ) -> Result<T, GraphError> {
        let v = self
            .call(Method::Get, &self.url(path), Some(token), params)
            .await?;
        decode(v)
    }

    /// Every item of an edge: follows `paging.next` until it is absent (a short page is
    /// not the end).
    pub async fn get_all<T: DeserializeOwned>(
        &self,
        path: &str,
        token: &AccessToken,
        params: &[(&str, String)],
    ) -> Result<Vec<T>, GraphError> {
        let mut out = Vec::new();
        let mut url = self.url(path);
        let mut params: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        for _ in 0..10_000 {
            let v = self
                .call_owned(Method::Get, &url, Some(token), &params)
                .await?;
            let page: Envelope<T> = decode(v)?;
            out.extend(page.data);
            match page.paging.and_then(|p| p.next) {
                Some(next) => {
                    // `next` carries every parameter already; only our credentials are re-added.
                    let mut parsed = url::Url::parse(&next).map_err(|_| GraphError::Other {
                        code: 0,
                        message: "bad next URL".into(),
                    })?;
                    let kept: Vec<(String, String)> = parsed
                        .query_pairs()
                        .filter(|(k, _)| k != "access_token" && k != "appsecret_proof")
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect();
                    parsed.set_query(None);
                    url = parsed.to_string();
                    params = kept;
                }
                None => return Ok(out),
            }
        }
        Ok(out)
    }

    /// A write that Graph answers with `{"success": true}` (POST or DELETE).
    async fn write(
        &self,
        method: Method,
        path: &str,
        token: &AccessToken,
        params: &[(&str, String)],
    ) -> Result<(), GraphError> {
        let v = self
            .call(method, &self.url(path), Some(token), params)
            .await?;
        let s: Success = decode(v)?;
        if s.success {
            Ok(())
        } else {
            Err(GraphError::Other {
                code: 0,
                message: "success was false".into(),
            })
        }
    }

    /// Trades a login code for a user token.
    pub async fn exchange_code(&self, code: &str) -> Result<TokenExchange, GraphError> {
        let params = [
            ("client_id", self.cfg.app_id.clone()),
            ("redirect_uri", self.cfg.redirect_uri.clone()),
            ("client_secret", self.cfg.app_secret.clone()),
            ("code", code.to_owned()),
        ];
        let v = self
            .call(Method::Get, &self.url("oauth/access_token"), None, &params)
            .await?;
        decode(v)
    }

    /// Trades a short-lived user token for a long-lived one.
    pub async fn long_lived(&self, token: &AccessToken) -> Result<TokenExchange, GraphError> {
        let params = [
            ("grant_type", "fb_exchange_token".to_owned()),
            ("client_id", self.cfg.app_id.clone()),
            ("client_secret", self.cfg.app_secret.clone()),
            ("fb_exchange_token", token.expose().to_owned()),
        ];
        let v = self
            .call(Method::Get, &self.url("oauth/access_token"), None, &params)
            .await?;
        decode(v)
    }

    /// What Meta knows about a token: validity, scopes, granular target ids.
    pub async fn debug_token(&self, input: &AccessToken) -> Result<DebugToken, GraphError> {
        let params = [
            ("input_token", input.expose().to_owned()),
            (
                "access_token",
                format!("{}|{}", self.cfg.app_id, self.cfg.app_secret),
            ),
        ];
        let v = self
            .call(Method::Get, &self.url("debug_token"), None, &params)
            .await?;
        decode::<DebugEnvelope>(v).map(|e| e.data)
    }

    /// The app's permissions and their access levels, with the app's own token
    /// (`GET /{app-id}/permissions`): what App Review has granted so far.
    pub async fn app_permissions(&self) -> Result<Vec<AppPermission>, GraphError> {
        let params = [(
            "access_token",
            format!("{}|{}", self.cfg.app_id, self.cfg.app_secret),
        )];
        let path = format!("{}/permissions", self.cfg.app_id);
        let v = self
            .call(Method::Get, &self.url(&path), None, &params)
            .await?;
        decode::<Envelope<AppPermission>>(v).map(|l| l.data)
    }
}

/// The node a Graph URL calls: the first path segment after the version
/// (`…/v25.0/act_1/agencies` → `act_1`).
fn node_of(url: &str) -> &str {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let mut segs = path.split('/');
    segs.find(|s| {
        s.len() > 1
            && s.starts_with('v')
            && s[1..].replace('.', "").bytes().all(|b| b.is_ascii_digit())
    });
    segs.next().unwrap_or("")
}

/// Reads a Graph answer into `T`; an unexpected shape is an error, never a panic.
fn decode<T: DeserializeOwned>(v: Value) -> Result<T, GraphError> {
    serde_json::from_value(v).map_err(|e| GraphError::Other {
        code: 0,
        message: format!("unexpected answer: {e}"),
    })
}

/// Runs `f` over `items` with at most `limit` calls in flight; results keep input order.
pub async fn bounded<T, R, F, Fut>(items: Vec<T>, limit: usize, f: F) -> Vec<R>
where
    F: Fn(T) -> Fut,
    Fut: Future<Output = R>,
{
    use futures_util::StreamExt;
    let mut results: Vec<(usize, R)> =
        futures_util::stream::iter(items.into_iter().enumerate().map(|(i, item)| {
            let fut = f(item);
            async move { (i, fut.await) }
        }))
        .buffer_unordered(limit.max(1))
        .collect()
        .await;
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}
