//! Webhooks as the Standard Webhooks spec has them: event types, the retry schedule, the
//! `whsec_` secret, and the signature (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`).

use std::time::Duration;

use super::retry::Retry;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::Sha256;

use super::UnknownValue;

/// What happened. Payloads name ids only: never a link token or a Meta token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    RequestCreated,
    RequestOpened,
    RequestCompleted,
    RequestDeclined,
    RequestExpired,
    GrantCreated,
    GrantFailed,
    GrantLost,
    GrantNeedsReauth,
    GrantLapsed,
    GrantRemoved,
    MigrationRecorded,
    VerificationCompleted,
}

impl EventType {
    pub const ALL: [EventType; 13] = [
        Self::RequestCreated,
        Self::RequestOpened,
        Self::RequestCompleted,
        Self::RequestDeclined,
        Self::RequestExpired,
        Self::GrantCreated,
        Self::GrantFailed,
        Self::GrantLost,
        Self::GrantNeedsReauth,
        Self::GrantLapsed,
        Self::GrantRemoved,
        Self::MigrationRecorded,
        Self::VerificationCompleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequestCreated => "request.created",
            Self::RequestOpened => "request.opened",
            Self::RequestCompleted => "request.completed",
            Self::RequestDeclined => "request.declined",
            Self::RequestExpired => "request.expired",
            Self::GrantCreated => "grant.created",
            Self::GrantFailed => "grant.failed",
            Self::GrantLost => "grant.lost",
            Self::GrantNeedsReauth => "grant.needs_reauth",
            Self::GrantLapsed => "grant.lapsed",
            Self::GrantRemoved => "grant.removed",
            Self::MigrationRecorded => "migration.recorded",
            Self::VerificationCompleted => "verification.completed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// What it means, for the endpoint form.
    pub fn label(self) -> &'static str {
        match self {
            Self::RequestCreated => "An access request was created",
            Self::RequestOpened => "A client opened an access link",
            Self::RequestCompleted => "A client finished approving",
            Self::RequestDeclined => "A client declined a request",
            Self::RequestExpired => "A link expired unanswered",
            Self::GrantCreated => "Access was granted",
            Self::GrantFailed => "A share failed",
            Self::GrantLost => "Verification no longer finds access",
            Self::GrantNeedsReauth => "User-based access must be re-authorised",
            Self::GrantLapsed => "A re-authorisation deadline passed",
            Self::GrantRemoved => "Access was removed (offboarding)",
            Self::MigrationRecorded => "A client's migration record changed",
            Self::VerificationCompleted => "A check with Meta finished",
        }
    }
}

impl TryFrom<String> for EventType {
    type Error = UnknownValue;

    fn try_from(s: String) -> Result<Self, UnknownValue> {
        Self::parse(&s).ok_or(UnknownValue("webhook event", s))
    }
}

/// The wait after each failed attempt: the Standard Webhooks schedule stretched to about
/// three days (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h).
pub const RETRY_AFTER: [Duration; 9] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(14 * 3600),
    Duration::from_secs(20 * 3600),
    Duration::from_secs(24 * 3600),
];

/// How deliveries are retried: [`RETRY_AFTER`], then given up.
pub const RETRY: Retry = Retry::Schedule(&RETRY_AFTER);

/// A fresh endpoint secret: `whsec_` and 24 random bytes in base64.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 24];
    OsRng.fill_bytes(&mut bytes);
    format!("whsec_{}", STANDARD.encode(bytes))
}

/// A fresh message id: `msg_` and 16 random bytes in hex.
pub fn new_message_id() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    format!("msg_{}", hex::encode(bytes))
}

/// `v1,<signature>` for one secret, or None when the secret is not a `whsec_` key.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_s_example_signs_as_published() {
        // The example of the Standard Webhooks specification.
        let sig = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            sig.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        assert_eq!(sign("not-a-secret", "msg_1", 1, "{}"), None);
    }

    #[test]
    fn retries_span_about_three_days_then_stop() {
        let total: u64 = RETRY_AFTER.iter().map(Duration::as_secs).sum();
        assert!((3 * 86_400..4 * 86_400).contains(&total), "{total}");
        assert_eq!(RETRY.after_secs(1), Some(5));
        assert_eq!(RETRY.after_secs(9), Some(24 * 3600));
        assert_eq!(RETRY.after_secs(10), None);
        assert!(new_secret().starts_with("whsec_"));
        for e in EventType::ALL {
            assert_eq!(EventType::parse(e.as_str()), Some(e));
        }
    }
}
