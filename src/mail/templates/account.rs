//! E-mail to the agency's own people about their accounts and the installation:
//! invitations, password resets, the Meta connection, API keys, access reviews, disabled
//! webhooks.

use crate::domain::migration::ConnectionWarning;

use super::*;
use crate::mail::OutgoingEmail;

/// A staff invitation (7 days, single use).
pub fn invite(
    brand: &Brand,
    to: &str,
    inviter: &str,
    role: &str,
    link: &str,
) -> askama::Result<OutgoingEmail> {
    build(
        kinds::STAFF_INVITE,
        to,
        format!("{inviter} invited you to {} on Latchkey", brand.agency_name),
        brand,
        Body {
            heading: format!("Join {} on Latchkey", brand.agency_name),
            paragraphs: vec![format!("{inviter} invited you to join {} on Latchkey as {role}.", brand.agency_name)],
            button: button("Accept the invitation", link),
            footnote: Some("The link works once and expires in 7 days. If you did not expect this, ignore this e-mail.".into()),
            ..Body::default()
        },
    )
}

/// A password reset link (1 hour, single use).
pub fn password_reset(brand: &Brand, to: &str, link: &str) -> askama::Result<OutgoingEmail> {
    build(
        kinds::PASSWORD_RESET,
        to,
        "Reset your Latchkey password".to_owned(),
        brand,
        Body {
            heading: "Reset your password".into(),
            paragraphs: vec!["Someone asked to reset the password of your Latchkey account.".into()],
            button: button("Choose a new password", link),
            footnote: Some("The link works once and expires in 1 hour. If it was not you, ignore this e-mail: your password stays as it is.".into()),
            ..Body::default()
        },
    )
}

/// The agency's own Meta connection is about to expire, or stopped working.
pub fn meta_connection(
    brand: &Brand,
    to: &str,
    warning: ConnectionWarning,
    expires_on: &str,
    url: &str,
) -> askama::Result<OutgoingEmail> {
    let (subject, first) = match warning {
        ConnectionWarning::FourteenDays | ConnectionWarning::ThreeDays => (
            format!("Your Meta connection expires on {expires_on}"),
            format!("The system-user token Latchkey uses to check your clients' access expires on {expires_on}. After that, verification and offboarding stop working."),
        ),
        ConnectionWarning::Lost => (
            "Your Meta connection stopped working".to_owned(),
            "Meta no longer accepts the system-user token Latchkey uses to check your clients' access: it expired or was revoked. Verification and offboarding are paused.".to_owned(),
        ),
    };
    build(
        kinds::META_CONNECTION,
        to,
        subject,
        brand,
        Body {
            heading: "Your agency's Meta connection".into(),
            paragraphs: vec![
                first,
                "Generate a new token for the system user in Meta Business Settings → Users → System users, and connect it in Latchkey's Settings.".into(),
            ],
            button: button("Open Settings", url),
            ..Body::default()
        },
    )
}

/// To a key's maker (or the agency's owners and admins once they left): the key expires in
/// a week.
pub fn api_key_expiring(
    brand: &Brand,
    to: &str,
    key: &str,
    expires_on: &str,
    url: &str,
) -> askama::Result<OutgoingEmail> {
    build(
        kinds::API_KEY_EXPIRING,
        to,
        format!("The API key “{key}” expires on {expires_on}"),
        brand,
        Body {
            heading: "An API key expires in a week".into(),
            paragraphs: vec![
                format!("The API key “{key}” stops working on {expires_on}. Whatever uses it (a CRM sync, a Zapier step…) will then be refused."),
                "Make a new key in Settings → API keys, put it where the integration reads its secrets, then revoke the old one.".into(),
            ],
            button: button("Open API keys", url),
            ..Body::default()
        },
    )
}

/// To the agency's owners and admins: the access review they require is due.
pub fn access_review_due(
    brand: &Brand,
    to: &str,
    every_days: i64,
    url: &str,
) -> askama::Result<OutgoingEmail> {
    build(
        kinds::ACCESS_REVIEW_DUE,
        to,
        "Your access review is due".to_owned(),
        brand,
        Body {
            heading: "Time to review who holds what".into(),
            paragraphs: vec![format!(
                "{} reviews access every {every_days} days. Check who at the agency holds which client assets and API keys, remove what nobody needs, then confirm the review.",
                brand.agency_name
            )],
            button: button("Open the access review", url),
            ..Body::default()
        },
    )
}

/// To the agency: an endpoint was turned off after its deliveries kept failing.
pub fn webhook_disabled(
    brand: &Brand,
    to: &str,
    url: &str,
    reason: &str,
    settings_url: &str,
) -> askama::Result<OutgoingEmail> {
    build(
        kinds::WEBHOOK_DISABLED,
        to,
        "A webhook endpoint was turned off".to_owned(),
        brand,
        Body {
            heading: "A webhook endpoint was turned off".into(),
            paragraphs: vec![
                format!("Latchkey tried to deliver an event to {url} for about three days without success, so the endpoint is off and no new events are queued for it."),
                format!("The last attempt: {reason}"),
                "Fix the receiver, turn the endpoint on again, and redeliver what it missed from its delivery log.".into(),
            ],
            button: button("Open the webhooks", settings_url),
            ..Body::default()
        },
    )
}
