//! Graph API errors, classified into what Latchkey does about them, each with a sentence
//! a client can read.

use std::time::Duration;

use serde::Deserialize;

use crate::i18n::Text;

/// What went wrong with a Graph call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// Meta had a temporary problem (codes 1, 2, or `is_transient`): retry.
    #[error("transient Graph error {code}")]
    Transient { code: i64 },
    /// A rate limit (4, 17, 32, 613, 80000–80014): wait this long.
    #[error("throttled (code {code}), wait {wait:?}")]
    Throttled { code: i64, wait: Duration },
    /// The token is invalid or expired (190 with a subcode).
    #[error("token invalid (subcode {subcode:?})")]
    TokenInvalid { subcode: Option<i64> },
    /// The app itself may not do this yet: it lacks the access level (Advanced Access, an
    /// Ads API tier) the call needs (270).
    #[error("app access level (code {code})")]
    AppAccess { code: i64 },
    /// A permission is missing (10, 200–299).
    #[error("permission error {code}")]
    Permission { code: i64, message: String },
    /// The asset is already shared with this business (3946, 3989).
    #[error("already shared")]
    AlreadyShared,
    /// The asset is not in the portfolio or owned by another (3996, 3918).
    #[error("asset not in the portfolio ({code})")]
    NotInPortfolio { code: i64 },
    /// Meta no longer serves the configured API version (2635): the operator must move on.
    #[error("API version no longer served (2635)")]
    VersionGone,
    /// A parameter was wrong (100), including a reused login code.
    #[error("invalid parameter: {message}")]
    InvalidParameter { message: String },
    /// Anything else Graph answered.
    #[error("Graph error {code}: {message}")]
    Other { code: i64, message: String },
    /// No answer: connection refused, reset, or the timeout passed.
    #[error("network: {0}")]
    Network(String),
}

impl GraphError {
    /// Whether a retry may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::Transient { .. } | Self::Throttled { .. } | Self::Network(_)
        )
    }

    /// A sentence for the client or the agency, as a message each can read in their
    /// language. Never includes Meta's raw text, which may mention ids or internals.
    pub fn why(&self) -> Text {
        Text::msg(match self {
            Self::Transient { .. } | Self::Network(_) => "graph-transient",
            Self::Throttled { .. } => "graph-throttled",
            Self::TokenInvalid { .. } => "graph-token",
            Self::AppAccess { .. } => "graph-app-access",
            Self::VersionGone => "graph-version-gone",
            Self::Permission { .. } => "graph-permission",
            Self::AlreadyShared => "graph-already-shared",
            Self::NotInPortfolio { .. } => "graph-not-in-portfolio",
            Self::InvalidParameter { .. } | Self::Other { .. } => "graph-refused",
        })
    }

    /// [`GraphError::why`] in English.
    pub fn plain(&self) -> String {
        self.why().en()
    }
}

/// What the agency reads for a reason recorded in the client's words. A refusal because the
/// app lacks Meta's approval is told to the client as not their doing, and to the agency as
/// what to fix; every other reason reads the same to both.
pub fn for_agency(reason: &Text) -> String {
    match reason {
        Text::Msg { id, .. } if id == "graph-app-access" => APP_ACCESS_FOR_AGENCY.to_owned(),
        other => other.en(),
    }
}

/// Meta limits partner sharing and some asset kinds to apps it has approved; the fix is the
/// agency's (or its operator's), in the Meta app, never the client's.
pub const APP_ACCESS_FOR_AGENCY: &str = "Meta refused because this Latchkey app lacks Meta's approval for partner sharing or for this kind of asset — not the client's doing. In the Meta app (developers.facebook.com → your app → App Review → Permissions and Features), request Advanced Access for business_management and the permission this kind needs, describe the partner-sharing use case, and complete Business Verification; Settings → Meta shows what is still missing. Then send the client a fresh link.";

/// The `error` object of Graph's error envelope.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub message: String,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub code: i64,
    #[serde(default)]
    pub error_subcode: Option<i64>,
    #[serde(default)]
    pub is_transient: Option<bool>,
    #[serde(default)]
    pub fbtrace_id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// Classifies a Graph error body; `usage_wait` is what the usage headers say to wait.
pub fn classify(e: &ErrorBody, usage_wait: Option<Duration>) -> GraphError {
    let code = e.code;
    let sub = e.error_subcode;
    match (code, sub) {
        (_, Some(3946 | 3989)) | (3946 | 3989, _) => GraphError::AlreadyShared,
        (_, Some(3996 | 3918)) | (3996 | 3918, _) => GraphError::NotInPortfolio {
            code: sub.unwrap_or(code),
        },
        (190, _) => GraphError::TokenInvalid { subcode: sub },
        (4 | 17 | 32 | 613, _) | (80000..=80014, _) => GraphError::Throttled {
            code,
            wait: usage_wait.unwrap_or(Duration::from_secs(60)),
        },
        (1 | 2, _) => GraphError::Transient { code },
        _ if e.is_transient == Some(true) => GraphError::Transient { code },
        (270, _) => GraphError::AppAccess { code },
        (2635, _) => GraphError::VersionGone,
        // The app lacks a capability Meta grants through App Review (partner sharing has been
        // limited since June 2021): code 3, or #10/#200 worded about the application rather
        // than the person. The agency's to fix, never the client's fault.
        (3, _) => GraphError::AppAccess { code },
        (10 | 200..=299, _) if e.message.contains("Application does not have") => {
            GraphError::AppAccess { code }
        }
        (10 | 200..=299, _) => GraphError::Permission {
            code,
            message: e.message.clone(),
        },
        (100, _) => GraphError::InvalidParameter {
            message: e.message.clone(),
        },
        _ => GraphError::Other {
            code,
            message: e.message.clone(),
        },
    }
}

/// How long the usage headers say to wait: `X-Business-Use-Case-Usage`'s
/// `estimated_time_to_regain_access` (minutes), or a minute when `X-App-Usage` is at 100.
pub fn usage_wait(app_usage: Option<&str>, buc_usage: Option<&str>) -> Option<Duration> {
    if let Some(buc) = buc_usage.and_then(|h| serde_json::from_str::<serde_json::Value>(h).ok()) {
        let minutes = buc
            .as_object()
            .into_iter()
            .flat_map(|o| o.values())
            .filter_map(|v| v.as_array())
            .flatten()
            .filter_map(|e| {
                e.get("estimated_time_to_regain_access")
                    .and_then(|m| m.as_i64())
            })
            .max();
        if let Some(m) = minutes {
            return Some(Duration::from_secs((m.max(0) as u64) * 60));
        }
    }
    let app = app_usage.and_then(|h| serde_json::from_str::<serde_json::Value>(h).ok())?;
    let max = ["call_count", "total_time", "total_cputime"]
        .iter()
        .filter_map(|k| app.get(k).and_then(|v| v.as_i64()))
        .max()?;
    (max >= 100).then(|| Duration::from_secs(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(code: i64, sub: Option<i64>) -> ErrorBody {
        ErrorBody {
            message: "m".into(),
            kind: "OAuthException".into(),
            code,
            error_subcode: sub,
            is_transient: None,
            fbtrace_id: None,
        }
    }

    #[test]
    fn classification_table() {
        assert_eq!(
            classify(&body(190, Some(463)), None),
            GraphError::TokenInvalid { subcode: Some(463) }
        );
        assert!(
            matches!(classify(&body(80001, None), Some(Duration::from_secs(120))), GraphError::Throttled { wait, .. } if wait == Duration::from_secs(120))
        );
        assert!(matches!(
            classify(&body(4, None), None),
            GraphError::Throttled { .. }
        ));
        assert_eq!(
            classify(&body(2, None), None),
            GraphError::Transient { code: 2 }
        );
        assert!(matches!(
            classify(&body(200, None), None),
            GraphError::Permission { .. }
        ));
        assert!(matches!(
            classify(&body(10, None), None),
            GraphError::Permission { .. }
        ));
        assert_eq!(
            classify(&body(100, Some(3989)), None),
            GraphError::AlreadyShared
        );
        assert_eq!(classify(&body(3946, None), None), GraphError::AlreadyShared);
        assert_eq!(
            classify(&body(100, Some(3996)), None),
            GraphError::NotInPortfolio { code: 3996 }
        );
        assert!(matches!(
            classify(&body(100, None), None),
            GraphError::InvalidParameter { .. }
        ));
        assert!(matches!(
            classify(&body(368, None), None),
            GraphError::Other { code: 368, .. }
        ));
        assert_eq!(classify(&body(2635, None), None), GraphError::VersionGone);
        // The app's missing capability is not the client's missing permission.
        assert_eq!(
            classify(&body(3, None), None),
            GraphError::AppAccess { code: 3 }
        );
        let mut app = body(10, None);
        app.message = "(#10) Application does not have permission for this action".into();
        assert_eq!(classify(&app, None), GraphError::AppAccess { code: 10 });
        assert!(GraphError::Transient { code: 1 }.is_retryable());
        assert!(!GraphError::AlreadyShared.is_retryable());
    }

    #[test]
    fn usage_headers() {
        let buc = r#"{"123":[{"type":"pages","call_count":100,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":3}]}"#;
        assert_eq!(usage_wait(None, Some(buc)), Some(Duration::from_secs(180)));
        assert_eq!(
            usage_wait(
                Some(r#"{"call_count":100,"total_time":5,"total_cputime":5}"#),
                None
            ),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            usage_wait(
                Some(r#"{"call_count":28,"total_time":25,"total_cputime":25}"#),
                None
            ),
            None
        );
    }
}
