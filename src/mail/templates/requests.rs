//! E-mail about an access request: the link to the client, reminders, the client's
//! statement and receipt, and the agency's notices (opened, approved, declined).

use crate::domain::access::AssetKind;
use crate::domain::{GrantStatus, Tally};
use crate::i18n::{Text, Tr};

use super::*;
use crate::mail::OutgoingEmail;

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
