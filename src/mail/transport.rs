//! Transports: SMTP (lettre, pooled connections), `.eml` files, memory.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::store::outbox::OutboxRow;

/// A message the memory transport kept.
#[derive(Debug, Clone)]
pub struct SentMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
    pub raw: String,
}

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(PathBuf),
    Memory(Arc<Mutex<Vec<SentMail>>>),
}

/// Why a delivery failed: `permanent` failures (a 5xx for this recipient, a malformed
/// address) are not retried.
#[derive(Debug)]
pub struct DeliveryError {
    pub permanent: bool,
    pub message: String,
}

impl Transport {
    /// Builds an SMTP transport from a URL: `smtp://` uses STARTTLS (required), `smtps://`
    /// implicit TLS, and `smtp://host:port?tls=none` plain text for a loopback relay.
    pub fn smtp(url: &str, connections: u32) -> anyhow::Result<Self> {
        let mut parsed = url::Url::parse(url).context("LATCHKEY_SMTP_URL is not a URL")?;
        let plain = parsed.query_pairs().any(|(k, v)| k == "tls" && v == "none");
        if parsed.scheme() == "smtp" {
            let rest: Vec<(String, String)> = parsed
                .query_pairs()
                .filter(|(k, _)| k != "tls")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            parsed.set_query(None);
            {
                let mut q = parsed.query_pairs_mut();
                for (k, v) in &rest {
                    q.append_pair(k, v);
                }
                if !plain {
                    q.append_pair("tls", "required");
                }
            }
        }
        let url = parsed.as_str().trim_end_matches('?').to_owned();
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .context("LATCHKEY_SMTP_URL is not a valid SMTP URL")?
            .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(connections.max(1)))
            .build();
        Ok(Self::Smtp(transport))
    }

    /// Short name for the start-up log.
    pub fn describe(&self) -> String {
        match self {
            Self::Smtp(_) => "smtp".to_owned(),
            Self::File(dir) => format!("files in {}", dir.display()),
            Self::Memory(_) => "memory".to_owned(),
        }
    }

    /// Messages kept by the memory transport (empty for the others).
    pub fn sent(&self) -> Vec<SentMail> {
        match self {
            Self::Memory(m) => m.lock().map(|v| v.clone()).unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Delivers one outbox row.
    pub async fn deliver(
        &self,
        from: &Mailbox,
        reply_to: Option<&Mailbox>,
        row: &OutboxRow,
    ) -> Result<(), DeliveryError> {
        let message = build(from, reply_to, row)?;
        match self {
            Self::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| DeliveryError {
                    permanent: e.is_permanent(),
                    message: smtp_error_text(&e),
                }),
            Self::File(dir) => {
                let raw = message.formatted();
                let name = format!("{:012}-{:08}.eml", row.created_at, row.id);
                let tmp = dir.join(format!(".{name}.tmp"));
                // Write then rename, so the mail viewer never sees half a message.
                let dir = dir.clone();
                tokio::task::spawn_blocking(move || {
                    crate::private_files::ensure_dir(&dir)?;
                    crate::private_files::write(&tmp, &raw)?;
                    std::fs::rename(&tmp, dir.join(name))
                })
                .await
                .map_err(std::io::Error::other)
                .and_then(|r| r)
                .map_err(|e| DeliveryError {
                    permanent: false,
                    message: e.to_string(),
                })
            }
            Self::Memory(store) => {
                let raw = String::from_utf8_lossy(&message.formatted()).into_owned();
                let mut kept = store.lock().map_err(|_| DeliveryError {
                    permanent: false,
                    message: "memory transport poisoned".into(),
                })?;
                kept.push(SentMail {
                    to: row.to_addr.clone(),
                    subject: row.subject.clone(),
                    text: row.text_body.clone(),
                    html: row.html_body.clone(),
                    message_id: row.message_id.clone(),
                    raw,
                });
                Ok(())
            }
        }
    }
}

fn smtp_error_text(e: &lettre::transport::smtp::Error) -> String {
    match e.status() {
        Some(code) => format!("SMTP {code}: {e}"),
        None => format!("SMTP: {e}"),
    }
}

fn build(
    from: &Mailbox,
    reply_to: Option<&Mailbox>,
    row: &OutboxRow,
) -> Result<Message, DeliveryError> {
    let bad = |what: &str| DeliveryError {
        permanent: true,
        message: what.to_owned(),
    };
    let to: Mailbox = row
        .to_addr
        .parse()
        .map_err(|_| bad("invalid recipient address"))?;
    // On an agency's behalf: its name, Latchkey's sending address (which SPF/DKIM cover).
    let from = match row.from_name.as_str() {
        "" => from.clone(),
        name => Mailbox::new(Some(name.to_owned()), from.email.clone()),
    };
    let reply_to = match row.reply_to.as_str() {
        "" => reply_to.cloned(),
        addr => addr.parse::<Mailbox>().ok().or_else(|| reply_to.cloned()),
    };
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(row.message_id.clone()));
    if let Some(r) = reply_to {
        builder = builder.reply_to(r);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            row.text_body.clone(),
            row.html_body.clone(),
        ))
        .map_err(|e| bad(&format!("could not build the message: {e}")))
}
