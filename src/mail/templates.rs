//! E-mail templates: one askama struct per part, so every template is compile-checked.

use askama::Template;

use super::OutgoingEmail;

/// What every agency e-mail shows.
#[derive(Debug, Clone)]
pub struct Brand {
    pub agency_name: String,
    pub accent_color: String,
}

#[derive(Template)]
#[template(path = "email/invite.txt")]
struct InviteText<'a> {
    brand: &'a Brand,
    inviter: &'a str,
    role: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "email/invite.html")]
struct InviteHtml<'a> {
    brand: &'a Brand,
    inviter: &'a str,
    role: &'a str,
    link: &'a str,
}

/// A staff invitation (7 days, single use).
pub fn invite(
    brand: &Brand,
    to: &str,
    inviter: &str,
    role: &str,
    link: &str,
) -> askama::Result<OutgoingEmail> {
    Ok(OutgoingEmail {
        kind: "staff_invite",
        to: to.to_owned(),
        subject: format!("{inviter} invited you to {} on Latchkey", brand.agency_name),
        text: InviteText {
            brand,
            inviter,
            role,
            link,
        }
        .render()?,
        html: InviteHtml {
            brand,
            inviter,
            role,
            link,
        }
        .render()?,
    })
}

#[derive(Template)]
#[template(path = "email/reset.txt")]
struct ResetText<'a> {
    link: &'a str,
}

#[derive(Template)]
#[template(path = "email/reset.html")]
struct ResetHtml<'a> {
    brand: &'a Brand,
    link: &'a str,
}

/// A password reset link (1 hour, single use).
pub fn password_reset(brand: &Brand, to: &str, link: &str) -> askama::Result<OutgoingEmail> {
    Ok(OutgoingEmail {
        kind: "password_reset",
        to: to.to_owned(),
        subject: "Reset your Latchkey password".to_owned(),
        text: ResetText { link }.render()?,
        html: ResetHtml { brand, link }.render()?,
    })
}
