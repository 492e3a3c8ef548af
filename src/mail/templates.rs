//! Every e-mail Latchkey sends, as typed builder functions over two compile-checked askama
//! templates (text and HTML). Links are always built from the configured base URL by the
//! caller; nothing here reads a request.

use crate::domain::access::AssetKind;
use crate::domain::migration::{ConnectionWarning, ReminderStage};
use crate::domain::{GrantStatus, Tally};
use crate::i18n::{Text, Tr};
use askama::Template;

use super::OutgoingEmail;

/// What every e-mail shows of the agency.
#[derive(Debug, Clone)]
pub struct Brand {
    pub agency_name: String,
    /// `#rrggbb`, validated when saved.
    pub accent_color: String,
}

impl From<&crate::store::agencies::Agency> for Brand {
    /// The agency as its e-mails show it: the public name and the brand colour.
    fn from(a: &crate::store::agencies::Agency) -> Self {
        Self {
            agency_name: a.public_name().to_owned(),
            accent_color: a.accent_color.clone(),
        }
    }
}

/// A call to action.
#[derive(Debug, Clone)]
pub struct Button {
    pub label: String,
    pub url: String,
}

/// The content of a notice: a heading, paragraphs, an optional list and button.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub items: Vec<String>,
    pub button: Option<Button>,
    pub footnote: Option<String>,
}

#[derive(Template)]
#[template(path = "email/notice.txt")]
struct NoticeText<'a> {
    brand: &'a Brand,
    body: &'a Body,
    tr: Tr,
}

#[derive(Template)]
#[template(path = "email/notice.html")]
struct NoticeHtml<'a> {
    brand: &'a Brand,
    body: &'a Body,
    tr: Tr,
}

/// A message to staff (in English).
fn build(
    kind: &'static str,
    to: &str,
    subject: String,
    brand: &Brand,
    body: Body,
) -> askama::Result<OutgoingEmail> {
    build_in(Tr::EN, kind, to, subject, brand, body)
}

/// A message in the reader's language (the client's e-mails).
fn build_in(
    tr: Tr,
    kind: &'static str,
    to: &str,
    subject: String,
    brand: &Brand,
    body: Body,
) -> askama::Result<OutgoingEmail> {
    Ok(OutgoingEmail {
        kind,
        to: to.to_owned(),
        subject,
        text: NoticeText {
            brand,
            body: &body,
            tr,
        }
        .render()?,
        html: NoticeHtml {
            brand,
            body: &body,
            tr,
        }
        .render()?,
        from_name: None,
        reply_to: None,
    })
}

fn button(label: &str, url: &str) -> Option<Button> {
    Some(Button {
        label: label.to_owned(),
        url: url.to_owned(),
    })
}

/// The kinds of e-mail, for the delivery page and staff preferences.
pub mod kinds {
    pub const STAFF_INVITE: &str = "staff_invite";
    pub const PASSWORD_RESET: &str = "password_reset";
    pub const ACCESS_LINK: &str = "access_link";
    pub const REQUEST_REMINDER: &str = "request_reminder";
    pub const REQUEST_OPENED: &str = "request_opened";
    pub const ACCESS_APPROVED: &str = "access_approved";
    pub const APPROVAL_RECEIPT: &str = "approval_receipt";
    pub const REAUTH_NEEDED: &str = "reauth_needed";
    pub const DEADLINE_REMINDER: &str = "deadline_reminder";
    pub const ACCESS_LOST: &str = "access_lost";
    pub const CLIENT_STATEMENT: &str = "client_statement";
    pub const META_CONNECTION: &str = "meta_connection";
    pub const API_KEY_EXPIRING: &str = "api_key_expiring";
    pub const ACCESS_REVIEW_DUE: &str = "access_review_due";
    pub const WEBHOOK_DISABLED: &str = "webhook_disabled";
    pub const ACCESS_LAPSED: &str = "access_lapsed";
    pub const REQUEST_DECLINED: &str = "request_declined";
    pub const MIGRATION_SIGNAL: &str = "migration_signal";

    /// Mail about a staff member's own account (invitations, password resets): only that
    /// person may ever read it, since its link takes over the account.
    pub fn is_account_mail(kind: &str) -> bool {
        matches!(kind, STAFF_INVITE | PASSWORD_RESET)
    }
}

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

/// What an access request asks for, in plain words, for the client.
#[derive(Debug, Clone)]
pub struct AccessAsk {
    pub client_name: String,
    /// The staff member who sends it; `None` when the agency itself speaks (an API key
    /// that named no sender).
    pub sender_name: Option<String>,
    /// One line per asset kind ("Manage your Facebook Pages: post, reply to messages, …"),
    /// or per asset for a re-authorisation.
    pub asks: Vec<Text>,
    pub message: Option<String>,
    pub link: String,
    /// When the link expires (Unix seconds).
    pub expires_at: i64,
    /// A re-authorisation link (the move to managed Meta accounts), which explains itself.
    pub reauth: bool,
}

/// The access link to the client, in the request's language.
pub fn access_link(
    tr: Tr,
    brand: &Brand,
    to: &str,
    a: &AccessAsk,
) -> askama::Result<OutgoingEmail> {
    let agency = brand.agency_name.as_str();
    let sender = a.sender_name.as_deref().unwrap_or(agency);
    let intro = match (a.reauth, a.sender_name.is_some()) {
        (true, _) => "mail-reauth-link-intro",
        (false, true) => "mail-link-intro",
        (false, false) => "mail-link-intro-agency",
    };
    let mut paragraphs = vec![tr.args(
        intro,
        &[
            ("sender", sender),
            ("agency", agency),
            ("client", &a.client_name),
        ],
    )];
    if let Some(m) = &a.message {
        paragraphs.insert(0, tr.t2("mail-quote", "message", m, "sender", sender));
    }
    build_in(
        tr,
        kinds::ACCESS_LINK,
        to,
        tr.t1(
            if a.reauth {
                "mail-reauth-link-subject"
            } else {
                "mail-link-subject"
            },
            "agency",
            agency,
        ),
        brand,
        Body {
            heading: tr.t1(
                if a.reauth {
                    "reauth-heading"
                } else {
                    "mail-link-heading"
                },
                "agency",
                agency,
            ),
            paragraphs,
            items: a.asks.iter().map(|t| tr.text(t)).collect(),
            button: button(&tr.t("mail-review"), &a.link),
            footnote: Some(tr.args(
                if a.sender_name.is_some() {
                    "mail-link-foot"
                } else {
                    "mail-link-foot-agency"
                },
                &[
                    ("date", &tr.day(a.expires_at)),
                    ("sender", sender),
                    ("agency", agency),
                ],
            )),
        },
    )
}

/// A reminder to the client about an unanswered request.
pub fn request_reminder(
    tr: Tr,
    brand: &Brand,
    to: &str,
    a: &AccessAsk,
) -> askama::Result<OutgoingEmail> {
    let agency = brand.agency_name.as_str();
    build_in(
        tr,
        kinds::REQUEST_REMINDER,
        to,
        tr.t1("mail-reminder-subject", "agency", agency),
        brand,
        Body {
            heading: tr.t1("mail-reminder-heading", "agency", agency),
            paragraphs: vec![tr.t2(
                if a.reauth {
                    "mail-reauth-reminder-intro"
                } else {
                    "mail-reminder-intro"
                },
                "sender",
                a.sender_name.as_deref().unwrap_or(agency),
                "client",
                &a.client_name,
            )],
            items: a.asks.iter().map(|t| tr.text(t)).collect(),
            button: button(&tr.t("mail-review"), &a.link),
            footnote: Some(tr.t1("mail-reminder-foot", "date", tr.day(a.expires_at))),
        },
    )
}

/// To the agency: what the client said about their move to managed Meta accounts. A
/// statement for staff to weigh; it changed nothing in the agency's record.
pub fn client_statement(
    brand: &Brand,
    to: &str,
    client_name: &str,
    person: &str,
    said: &str,
    client_url: &str,
) -> askama::Result<OutgoingEmail> {
    build(
        kinds::CLIENT_STATEMENT,
        to,
        format!("{client_name} answered the managed-accounts question"),
        brand,
        Body {
            heading: format!("{client_name} told you about their managed Meta accounts"),
            paragraphs: vec![
                format!("{person} said: {said}"),
                "This is their statement; your migration record and any flags are unchanged. If it is right, update the record on the client's page.".into(),
            ],
            button: button("Review the client", client_url),
            ..Body::default()
        },
    )
}

/// To the agency: the client opened the link.
pub fn request_opened(
    brand: &Brand,
    to: &str,
    client_name: &str,
    request_url: &str,
) -> askama::Result<OutgoingEmail> {
    build(
        kinds::REQUEST_OPENED,
        to,
        format!("{client_name} opened your access request"),
        brand,
        Body {
            heading: format!("{client_name} opened your access request"),
            paragraphs: vec![
                "They are looking at it now. You will get another e-mail when they approve.".into(),
            ],
            button: button("See the request", request_url),
            ..Body::default()
        },
    )
}

/// How one asset fared in an approval.
#[derive(Debug, Clone)]
pub struct AssetOutcome {
    pub asset_name: String,
    pub kind: AssetKind,
    /// Active (shared), pending or failed.
    pub status: GrantStatus,
    /// Why it is pending or failed.
    pub reason: Option<Text>,
}

impl AssetOutcome {
    /// "Bloom Page (Facebook Page): not shared — why", in the reader's language.
    fn line(&self, tr: Tr) -> String {
        let kind = tr.t(&format!("kind-{}", self.kind.as_str()));
        let outcome = tr.t(match self.status {
            GrantStatus::Active => "mail-outcome-granted",
            GrantStatus::Pending => "mail-outcome-pending",
            _ => "mail-outcome-failed",
        });
        match &self.reason {
            Some(r) => format!("{} ({kind}): {outcome} — {}", self.asset_name, tr.text(r)),
            None => format!("{} ({kind}): {outcome}", self.asset_name),
        }
    }
}

/// To the agency: the client approved, with per-asset results.
pub fn access_approved(
    brand: &Brand,
    to: &str,
    client_name: &str,
    results: &[AssetOutcome],
    request_url: &str,
) -> askama::Result<OutgoingEmail> {
    let tally = Tally::of(results.iter().map(|r| r.status));
    let nothing = tally.shared() == 0;
    let (subject, heading) = if nothing {
        (
            format!("{client_name} tried to approve, but nothing was shared"),
            format!("{client_name}'s approval did not go through"),
        )
    } else {
        (
            format!("{client_name} approved access: {}", tally.summary()),
            format!("{client_name} approved your access request"),
        )
    };
    build(
        kinds::ACCESS_APPROVED,
        to,
        subject,
        brand,
        Body {
            heading,
            paragraphs: vec!["Here is what happened for each asset:".into()],
            items: results.iter().map(|r| r.line(Tr::EN)).collect(),
            button: button("See the grants", request_url),
            ..Body::default()
        },
    )
}

/// To the client, in the language they approved in: a receipt of what they shared.
pub fn approval_receipt(
    tr: Tr,
    brand: &Brand,
    to: &str,
    client_name: &str,
    results: &[AssetOutcome],
) -> askama::Result<OutgoingEmail> {
    let agency = brand.agency_name.as_str();
    build_in(
        tr,
        kinds::APPROVAL_RECEIPT,
        to,
        tr.t1("mail-receipt-subject", "agency", agency),
        brand,
        Body {
            heading: tr.t("mail-receipt-heading"),
            paragraphs: vec![tr.t2(
                "mail-receipt-intro",
                "client",
                client_name,
                "agency",
                agency,
            )],
            items: results.iter().map(|r| r.line(tr)).collect(),
            button: None,
            footnote: Some(tr.t("mail-receipt-foot")),
        },
    )
}

/// Who a re-authorisation notice is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Agency,
    Client,
}

/// When re-authorisation is due.
#[derive(Debug, Clone, Copy)]
pub struct Due {
    /// The day (Unix seconds, midnight UTC).
    pub at: i64,
    /// The organisation did not set it; Latchkey estimated it.
    pub estimate: bool,
}

impl Due {
    /// "31 December 2026", or "31 December 2026 (estimated)", in the reader's language.
    pub fn words(self, tr: Tr) -> String {
        let day = tr.day(self.at);
        if self.estimate {
            tr.t1("mail-estimated", "date", day)
        } else {
            day
        }
    }
}

/// Grants that must be re-authorised before a deadline (client migrating to managed
/// accounts). The client's copy is in `tr`, the agency's in English.
#[allow(clippy::too_many_arguments)]
pub fn reauth_needed(
    tr: Tr,
    brand: &Brand,
    to: &str,
    audience: Audience,
    client_name: &str,
    assets: &[Text],
    due: Due,
    url: Option<&str>,
) -> askama::Result<OutgoingEmail> {
    let agency = brand.agency_name.as_str();
    let (tr, heading, para, label) = match audience {
        Audience::Agency => {
            let due_on = due.words(Tr::EN);
            (
                Tr::EN,
                format!(
                    "{client_name}: {} grants need re-authorisation by {due_on}",
                    assets.len()
                ),
                format!(
                    "{client_name} is moving to managed Meta accounts. These user-based grants stop working after {due_on} unless they are replaced with partner access:"
                ),
                "Open the re-authorisation queue".to_owned(),
            )
        }
        Audience::Client => {
            let due_on = due.words(tr);
            (
                tr,
                tr.t2("mail-reauth-subject", "agency", agency, "date", &due_on),
                tr.t2("mail-reauth-body", "agency", agency, "date", &due_on),
                tr.t("mail-review"),
            )
        }
    };
    build_in(
        tr,
        kinds::REAUTH_NEEDED,
        to,
        heading.clone(),
        brand,
        Body {
            heading,
            paragraphs: vec![para],
            items: assets.iter().map(|a| tr.text(a)).collect(),
            button: url.and_then(|u| button(&label, u)),
            footnote: None,
        },
    )
}

/// A reminder as a re-authorisation deadline approaches or passes.
pub fn deadline_reminder(
    brand: &Brand,
    to: &str,
    stage: ReminderStage,
    client_name: &str,
    count: usize,
    due_on: &str,
    url: &str,
) -> askama::Result<OutgoingEmail> {
    let subject = match stage {
        ReminderStage::SevenDays => {
            format!("{client_name}: 7 days left to re-authorise {count} grants")
        }
        ReminderStage::OneDay => {
            format!("{client_name}: 1 day left to re-authorise {count} grants")
        }
        ReminderStage::Overdue => {
            format!("{client_name}: re-authorisation is overdue for {count} grants")
        }
    };
    build(
        kinds::DEADLINE_REMINDER,
        to,
        subject.clone(),
        brand,
        Body {
            heading: subject,
            paragraphs: vec![format!(
                "The deadline is {due_on}. One click sends {client_name} a link that replaces the affected grants with partner access."
            )],
            button: button("Open the re-authorisation queue", url),
            ..Body::default()
        },
    )
}

/// To the agency: verification no longer finds access it had.
pub fn access_lost(
    brand: &Brand,
    to: &str,
    client_name: &str,
    assets: &[String],
    url: &str,
) -> askama::Result<OutgoingEmail> {
    build(
        kinds::ACCESS_LOST,
        to,
        format!("Access lost: {client_name}"),
        brand,
        Body {
            heading: format!("Access to {client_name}'s assets was lost"),
            paragraphs: vec!["Meta no longer lists these grants for your business portfolio. The client may have removed them:".into()],
            items: assets.to_vec(),
            button: button("See the client", url),
            ..Body::default()
        },
    )
}

/// A client declined an access request.
pub fn request_declined(
    brand: &Brand,
    to: &str,
    client_name: &str,
    said: &str,
    url: &str,
) -> askama::Result<OutgoingEmail> {
    build(
        kinds::REQUEST_DECLINED,
        to,
        format!("{client_name} declined your access request"),
        brand,
        Body {
            heading: format!("{client_name} declined your access request"),
            paragraphs: vec![
                format!("They said: {said}"),
                "The link is closed. If it was a misunderstanding, send a new request when they are ready.".into(),
            ],
            button: button("See the request", url),
            ..Body::default()
        },
    )
}

/// A client's migration deadline passed with user-based access still not re-authorised.
pub fn access_lapsed(
    brand: &Brand,
    to: &str,
    client_name: &str,
    assets: &[String],
    deadline: &str,
    url: &str,
) -> askama::Result<OutgoingEmail> {
    build(
        kinds::ACCESS_LAPSED,
        to,
        format!("Access presumed lost: {client_name}"),
        brand,
        Body {
            heading: format!("{client_name}'s migration deadline has passed"),
            paragraphs: vec![format!(
                "The deadline was {deadline}. These user-based grants were not re-authorised, so they are presumed lost. Send {client_name} a partner-access link to restore them:"
            )],
            items: assets.to_vec(),
            button: button("Open the re-authorisation queue", url),
            ..Body::default()
        },
    )
}

/// Meta shows a client's people on managed work accounts: staff should look at the record.
pub fn migration_signal(
    brand: &Brand,
    to: &str,
    client_name: &str,
    evidence: &str,
    url: &str,
) -> askama::Result<OutgoingEmail> {
    build(
        kinds::MIGRATION_SIGNAL,
        to,
        format!("{client_name} may be moving to managed Meta accounts"),
        brand,
        Body {
            heading: format!("{client_name} may be moving to managed Meta accounts"),
            paragraphs: vec![
                evidence.to_owned(),
                "Your migration record is unchanged. Open the client to accept the signal (one click) or dismiss it.".into(),
            ],
            button: button("See the client", url),
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

#[cfg(test)]
mod tests;

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
