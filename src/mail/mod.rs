//! E-mail: building messages from templates, queueing them in the outbox, and the
//! transports that deliver them (SMTP, `.eml` files, memory for tests).

pub mod eml;
pub mod sink;
pub mod templates;
pub mod transport;
pub mod worker;

use std::sync::Arc;

use tokio::sync::Notify;

use crate::crypto::SecretBox;
use crate::domain::token::random_hex;
use crate::store::outbox::{self, NewMessage};

pub use transport::{SentMail, Transport};

/// A rendered e-mail ready to queue.
#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    /// What kind of notification this is (for the delivery page and preferences).
    pub kind: &'static str,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The name on the From line (the agency, for mail to clients); None: Latchkey's.
    pub from_name: Option<String>,
    /// Where replies go (the staff member who sent the request); None: the default.
    pub reply_to: Option<String>,
}

impl OutgoingEmail {
    /// Sent on the agency's behalf: its name on the From line, replies to `reply_to`.
    pub fn on_behalf_of(mut self, agency: &str, reply_to: Option<String>) -> Self {
        self.from_name = Some(agency.to_owned());
        self.reply_to = reply_to;
        self
    }
}

/// The transport plus what every message shares, and the bell that wakes the worker.
#[derive(Clone)]
pub struct Mailer {
    pub transport: Transport,
    pub from: lettre::message::Mailbox,
    pub reply_to: Option<lettre::message::Mailbox>,
    wake: Arc<Notify>,
}

impl Mailer {
    pub fn new(
        transport: Transport,
        from: lettre::message::Mailbox,
        reply_to: Option<lettre::message::Mailbox>,
    ) -> Self {
        Self {
            transport,
            from,
            reply_to,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Tells the worker there is something to send (call after the transaction commits).
    pub fn wake(&self) {
        // Wake every idle sender, and leave a permit for one that is just about to wait.
        self.wake.notify_waiters();
        self.wake.notify_one();
    }

    pub(crate) fn bell(&self) -> Arc<Notify> {
        self.wake.clone()
    }
}

/// Subjects are one line and at most this many characters; longer ones are cut.
const MAX_SUBJECT: usize = 200;

/// Cuts a header value to one safe line of at most `max` characters.
pub fn header_safe(value: &str, max: usize) -> String {
    let one_line: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = one_line.trim();
    if trimmed.chars().count() <= max {
        trimmed.to_owned()
    } else {
        let mut cut: String = trimmed.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

impl Mailer {
    /// Queues a message on the given connection, normally inside the transaction of the
    /// change that causes it, so that the change and its notification commit or roll back
    /// together. The bodies are sealed with `secrets`: the database never holds a link in
    /// clear.
    pub async fn queue(
        &self,
        conn: &mut sqlx::AnyConnection,
        secrets: &SecretBox,
        agency_id: Option<i64>,
        email: &OutgoingEmail,
        now: i64,
    ) -> Result<i64, sqlx::Error> {
        let message_id = format!("<{}.{}@latchkey>", now, random_hex(12));
        let subject = header_safe(&email.subject, MAX_SUBJECT);
        outbox::enqueue(
            &mut *conn,
            &NewMessage {
                agency_id,
                kind: email.kind,
                to_addr: &email.to,
                subject: &subject,
                text_body: &secrets.seal(&email.text),
                html_body: &secrets.seal(&email.html),
                message_id: &message_id,
                from_name: &header_safe(email.from_name.as_deref().unwrap_or(""), 100),
                reply_to: email.reply_to.as_deref().unwrap_or(""),
            },
            now,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_are_one_short_line() {
        assert_eq!(header_safe("Hi\r\nBcc: x@y.z", 100), "Hi  Bcc: x@y.z");
        let long = "é".repeat(500);
        let cut = header_safe(&long, 200);
        assert_eq!(cut.chars().count(), 200);
        assert!(cut.ends_with('…'));
    }
}
