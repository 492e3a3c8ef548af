//! What the base layout needs, and the one function that renders a page.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::error::AppResult;
use super::session::Staff;

/// The logged-in user as the navigation shows them.
#[derive(Debug, Clone)]
pub struct NavUser {
    pub name: String,
    pub agency_name: String,
    pub can_manage: bool,
    /// Requests waiting for a client (shown beside "Requests").
    pub waiting: i64,
    /// Grants flagged or lapsed for a migration (shown beside "Re-authorisation").
    pub at_risk: i64,
}

/// Shared page furniture: title, CSRF token for forms, navigation, a notice banner.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub csrf: String,
    pub user: Option<NavUser>,
    pub section: &'static str,
    pub notice: Option<&'static str>,
}

impl Layout {
    pub fn staff(staff: &Staff, title: impl Into<String>, section: &'static str) -> Self {
        Self {
            title: title.into(),
            csrf: staff.csrf.clone(),
            user: Some(NavUser {
                name: staff.name.clone(),
                agency_name: staff.agency_name.clone(),
                can_manage: staff.role.can_manage(),
                waiting: staff.nav_waiting,
                at_risk: staff.nav_at_risk,
            }),
            section,
            notice: None,
        }
    }

    pub fn anon(csrf: &str, title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            csrf: csrf.to_owned(),
            user: None,
            section: "",
            notice: None,
        }
    }

    /// Shows the banner for a notice code from the query string (fixed texts only, so
    /// nothing from the URL is reflected into the page).
    pub fn with_notice(mut self, code: Option<&str>) -> Self {
        self.notice = code.and_then(notice_text);
        self
    }
}

fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "saved" => "Saved.",
        "google_connected" => {
            "Google connected. Clients can now share Google Analytics properties with your agency."
        }
        "google_disconnected" => "Google disconnected.",
        "google_ads_manager_set" => {
            "Google Ads manager account saved. Links can now ask for Google Ads accounts."
        }
        "google_ads_manager_removed" => "Google Ads manager account removed.",
        "client_created" => "Client added.",
        "client_archived" => "Client archived. You can restore it from the archived list.",
        "client_restored" => "Client restored.",
        "invited" => "Invitation sent. The link works for 7 days.",
        "invite_revoked" => "Invitation withdrawn; its link no longer works.",
        "role_changed" => "Role updated.",
        "member_removed" => "Team member removed and signed out everywhere.",
        "password_changed" => "Password changed. Your other sessions were signed out.",
        "password_reset" => "Your password was reset. Log in with the new one.",
        "logged_out" => "You are logged out.",
        "second_factor_expired" => "That sign-in took too long. Log in again.",
        "two_factor_required" => {
            "Your agency requires two-factor sign-in. Set it up below to continue."
        }
        "two_factor_on" => "Two-factor sign-in is on.",
        "two_factor_off" => "The authenticator app is removed.",
        "passkey_added" => "Passkey added: signing in now asks for it after your password.",
        "passkey_removed" => "Passkey removed.",
        "recovery_codes_renewed" => "New recovery codes made; the old ones no longer work.",
        "session_ended" => "That session is signed out.",
        "review_confirmed" => "Review recorded.",
        "review_schedule_saved" => "Review schedule saved.",
        "confirmed" => "Thank you — confirmed. Submit the form again.",
        "sessions_ended" => "Signed out everywhere else.",
        "two_factor_required_on" => "Everyone at your agency must now sign in with two factors.",
        "two_factor_required_off" => "Two-factor sign-in is now each person's choice.",
        "welcome" => "Welcome to Latchkey.",
        "verified" => "Checked with Meta: grant statuses are up to date.",
        "not_connected" => {
            "Connect your agency's Meta account in Settings to check grants with Meta."
        }
        "verify_running" => "A check is already running; try again in a moment.",
        "verify_failed" => "Meta did not answer the check; it will be tried again later.",
        "reauth_sent" => {
            "Re-authorisation link e-mailed to the client. It asks only for the flagged assets, as partner access."
        }
        "reminded" => "Reminder sent with a fresh link.",
        "revoked" => "The link was revoked and no longer works.",
        "email_requeued" => "The message is queued again and will be sent shortly.",
        "redelivery_queued" => "Queued: it is sent again in a moment, with the same webhook-id.",
        "webhook_deleted" => "The endpoint and its delivery log were deleted.",
        "api_key_revoked" => "The key was revoked: its next request is refused.",
        "template_saved" => "Template saved. Start a request from it on the new-request page.",
        "template_deleted" => "Template deleted. Requests made from it are unchanged.",
        _ => return None,
    })
}

/// Renders a template as an HTML page.
pub fn render(t: &impl Template) -> AppResult<Response> {
    Ok(Html(t.render()?).into_response())
}

/// Renders a template with a status (a form re-shown with its errors: 422).
pub fn render_status(status: StatusCode, t: &impl Template) -> AppResult<Response> {
    Ok((status, Html(t.render()?)).into_response())
}

/// Accepts only a same-origin path as a redirect target, or answers `/`.
///
/// The target is parsed with the URL parser (as a browser would, which drops tabs and
/// newlines and reads `\\` as `/`) against a fixed origin, and must stay on it. Control
/// characters, backslashes and non-ASCII (Unicode look-alike slashes) are refused before
/// parsing, and so is anything whose percent-decoded form starts like an authority.
pub fn safe_next(next: Option<&str>) -> String {
    const BASE: &str = "http://latchkey.invalid/";
    let Some(n) = next else {
        return "/".to_owned();
    };
    let decoded: String = url::form_urlencoded::parse(format!("x={n}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let suspicious = |s: &str| {
        !s.starts_with('/')
            || s.starts_with("//")
            || s.chars()
                .any(|c| c.is_control() || c == '\\' || !c.is_ascii())
    };
    if suspicious(n) || suspicious(&decoded) {
        return "/".to_owned();
    }
    let Ok(base) = url::Url::parse(BASE) else {
        return "/".to_owned();
    };
    match base.join(n) {
        Ok(u) if u.origin() == base.origin() && u.username().is_empty() => {
            let mut out = u.path().to_owned();
            if let Some(q) = u.query() {
                out.push('?');
                out.push_str(q);
            }
            // Judge what is emitted, after the parser resolved `..` and `.`: `/..//evil`
            // becomes `//evil`, which a browser reads as another site.
            if suspicious(&out) {
                "/".to_owned()
            } else {
                out
            }
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_on_site() {
        assert_eq!(safe_next(Some("/clients?page=2")), "/clients?page=2");
        assert_eq!(safe_next(Some("/clients/4/edit")), "/clients/4/edit");
        for bad in [
            "/..//evil.example/phish",
            "/.//evil.example",
            "/a/../..//evil.example",
            "/%2e%2e//evil.example",
            "//evil.com",
            "https://evil.com",
            "https:evil.com",
            "/\\evil.com",
            "/\t/evil.host/x",
            "/%09/evil.host/x",
            "/\r\n/evil.host",
            "/%0d%0a/evil.host",
            "%2F%2Fevil.host",
            "/%2F/evil.host",
            "/%5Cevil.host",
            "\u{FF0F}\u{FF0F}evil.host",
            "/\u{2215}evil.host",
            "/\u{2044}/evil.host",
            "javascript:alert(1)",
            "evil",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
