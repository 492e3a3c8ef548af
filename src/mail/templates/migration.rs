//! E-mail about managed-account migration: re-authorisation needed (to the client and the
//! agency), deadline reminders, access lost or lapsed, and a migration signal from Meta.

use crate::domain::migration::ReminderStage;
use crate::i18n::{Text, Tr};

use super::*;
use crate::mail::OutgoingEmail;

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
