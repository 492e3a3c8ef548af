//! The sandbox's mailbox (`/sandbox/mail`): in sandbox mode with mail written to files,
//! the messages a reader may see, newest first.
//!
//! Who may read what (an invitation or a reset link in the wrong hands is an account
//! takeover): mail about a staff account only its recipient, signed in; client and agency
//! mail only the signed-in staff of the agency that sent it, or anyone on a loopback-only
//! demo. Files this database did not write are never shown.

use super::Ctx;
use crate::error::{AppError, AppResult};
use crate::mail::templates::kinds;
use crate::mail::{Transport, eml};
use crate::store::outbox::{self, Addressing};

// A message as the mailbox shows it.
pub use crate::mail::eml::Parsed as Message;

/// Who is reading: the signed-in person, if any, and whether only this machine can reach
/// the installation (a local demo shows client mail to anyone).
pub struct Reader<'a> {
    pub email: Option<&'a str>,
    pub agency_id: Option<i64>,
    pub loopback_only: bool,
}

/// The most messages the list shows.
const LIMIT: usize = 200;

fn mail_dir(ctx: &Ctx) -> AppResult<std::path::PathBuf> {
    match &ctx.mailer.transport {
        Transport::File(dir) => Ok(dir.clone()),
        // Only the embedded file transport has a mailbox to show.
        _ => Err(AppError::NotFound),
    }
}

/// The outbox id in a file name `<created, 12 digits>-<id, 8 digits>.eml`.
fn outbox_id(name: &str) -> Option<i64> {
    name.strip_suffix(".eml")?.split_once('-')?.1.parse().ok()
}

/// Whether this reader may read this message.
fn may_read(a: &Addressing, reader: &Reader) -> bool {
    if kinds::is_account_mail(&a.kind) || a.agency_id.is_none() {
        return reader
            .email
            .is_some_and(|e| e.eq_ignore_ascii_case(&a.to_addr));
    }
    reader.loopback_only || (reader.agency_id.is_some() && reader.agency_id == a.agency_id)
}

/// The newest messages this reader may read: (file name, message).
pub async fn list(ctx: &Ctx, reader: &Reader<'_>) -> AppResult<Vec<(String, Message)>> {
    let dir = mail_dir(ctx)?;
    let mut items = Vec::new();
    for name in readable_files(ctx, reader, &dir).await? {
        let raw = tokio::fs::read_to_string(dir.join(&name))
            .await
            .unwrap_or_default();
        items.push((name, eml::parse(&raw)));
    }
    Ok(items)
}

/// One message by file name; someone else's is the same "not found" as none.
pub async fn open(ctx: &Ctx, reader: &Reader<'_>, name: &str) -> AppResult<Message> {
    let dir = mail_dir(ctx)?;
    let id = outbox_id(name)
        .filter(|_| valid_name(name))
        .ok_or(AppError::NotFound)?;
    let addressing = outbox::addressing(&ctx.db.pool, &[id]).await?;
    if !addressing.iter().any(|a| may_read(a, reader)) {
        return Err(AppError::NotFound);
    }
    let raw = tokio::fs::read_to_string(dir.join(name))
        .await
        .map_err(|_| AppError::NotFound)?;
    Ok(eml::parse(&raw))
}

/// The newest [`LIMIT`] files of the mail folder this visitor may read, by file name.
async fn readable_files(
    ctx: &Ctx,
    reader: &Reader<'_>,
    dir: &std::path::Path,
) -> AppResult<Vec<String>> {
    let mut names: Vec<(String, i64)> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| valid_name(n))
            .filter_map(|n| outbox_id(&n).map(|id| (n, id)))
            .collect(),
        Err(_) => Vec::new(),
    };
    // File names start with the zero-padded creation time and outbox id: newest first.
    names.sort_unstable_by(|a, b| b.0.cmp(&a.0));
    let mut readable = Vec::new();
    for chunk in names.chunks(100) {
        let ids: Vec<i64> = chunk.iter().map(|(_, id)| *id).collect();
        let addressing = outbox::addressing(&ctx.db.pool, &ids).await?;
        let may = |id: i64| {
            let mine = |a: &&outbox::Addressing| a.id == id;
            addressing
                .iter()
                .find(mine)
                .is_some_and(|a| may_read(a, reader))
        };
        readable.extend(
            chunk
                .iter()
                .filter(|(_, id)| may(*id))
                .map(|(n, _)| n.clone()),
        );
        if readable.len() >= LIMIT {
            break;
        }
    }
    readable.truncate(LIMIT);
    Ok(readable)
}

fn valid_name(name: &str) -> bool {
    name.ends_with(".eml")
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::outbox_id;

    #[test]
    fn file_names_carry_the_outbox_id() {
        assert_eq!(outbox_id("001764340000-00000042.eml"), Some(42));
        assert_eq!(outbox_id("garbage.eml"), None);
        assert_eq!(outbox_id("001764340000-00000042.txt"), None);
    }
}
