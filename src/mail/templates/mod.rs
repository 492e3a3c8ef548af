//! Every e-mail Latchkey sends, as typed builder functions over two compile-checked askama
//! templates (text and HTML). Links are always built from the configured base URL by the
//! caller; nothing here reads a request.

use crate::i18n::Tr;
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

mod account;
mod migration;
mod requests;

pub use account::*;
pub use migration::*;
pub use requests::*;

#[cfg(test)]
mod tests;
