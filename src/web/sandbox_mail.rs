//! `/sandbox/mail`: in sandbox mode with mail written to files, the messages a visitor may
//! read, newest first, with their links clickable, so a newcomer can follow an access link.
//!
//! Who may read what (an invitation or a reset link in the wrong hands is an account
//! takeover): mail about a staff account only its recipient, signed in; client and agency
//! mail only the signed-in staff of the agency that sent it, or anyone on a loopback-only
//! demo. Files this database did not write are never shown.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use super::error::AppResult;
use super::layout::render;
use super::session::{MaybeStaff, Staff};
use super::{AppError, AppState};
use crate::mail::templates::kinds;
use crate::mail::{Transport, eml};
use crate::store::outbox::{self, Addressing};

struct Item {
    name: String,
    subject: String,
    to: String,
    date: String,
}

#[derive(Template)]
#[template(path = "sandbox/mail_list.html")]
struct ListPage {
    items: Vec<Item>,
    signed_in: bool,
}

/// A piece of text, or a link.
struct Segment {
    text: String,
    link: bool,
}

#[derive(Template)]
#[template(path = "sandbox/mail_show.html")]
struct ShowPage {
    subject: String,
    to: String,
    from: String,
    date: String,
    lines: Vec<Vec<Segment>>,
}

fn mail_dir(st: &AppState) -> AppResult<std::path::PathBuf> {
    match &st.mailer.transport {
        Transport::File(dir) => Ok(dir.clone()),
        // Only the embedded file transport has a mailbox to show.
        _ => Err(AppError::NotFound),
    }
}

/// The most messages the list shows.
const LIMIT: usize = 200;

/// The outbox id in a file name `<created, 12 digits>-<id, 8 digits>.eml`.
fn outbox_id(name: &str) -> Option<i64> {
    name.strip_suffix(".eml")?.split_once('-')?.1.parse().ok()
}

/// Whether this visitor may read this message.
fn may_read(a: &Addressing, staff: Option<&Staff>, loopback_only: bool) -> bool {
    if kinds::is_account_mail(&a.kind) || a.agency_id.is_none() {
        return staff.is_some_and(|s| s.email.eq_ignore_ascii_case(&a.to_addr));
    }
    loopback_only || staff.is_some_and(|s| Some(s.agency_id) == a.agency_id)
}

pub async fn list(
    State(st): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
) -> AppResult<Response> {
    let dir = mail_dir(&st)?;
    let mut items = Vec::new();
    for name in readable_files(&st, staff.as_ref(), &dir).await? {
        let raw = tokio::fs::read_to_string(dir.join(&name))
            .await
            .unwrap_or_default();
        let p = eml::parse(&raw);
        items.push(Item {
            name,
            subject: p.subject,
            to: p.to,
            date: p.date,
        });
    }
    render(&ListPage {
        items,
        signed_in: staff.is_some(),
    })
}

/// The newest [`LIMIT`] files of the mail folder this visitor may read, by file name.
async fn readable_files(
    st: &AppState,
    staff: Option<&Staff>,
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
        let addressing = outbox::addressing(&st.db.pool, &ids).await?;
        let may = |id: i64| {
            let mine = |a: &&outbox::Addressing| a.id == id;
            addressing
                .iter()
                .find(mine)
                .is_some_and(|a| may_read(a, staff, st.web.loopback_only))
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

fn segments(line: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut text = String::new();
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            text.push(' ');
        }
        if word.starts_with("http://") || word.starts_with("https://") {
            if !text.is_empty() {
                out.push(Segment {
                    text: std::mem::take(&mut text),
                    link: false,
                });
            }
            out.push(Segment {
                text: word.to_owned(),
                link: true,
            });
        } else {
            text.push_str(word);
        }
    }
    if !text.is_empty() {
        out.push(Segment { text, link: false });
    }
    out
}

pub async fn show(
    State(st): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    Path(name): Path<String>,
) -> AppResult<Response> {
    let dir = mail_dir(&st)?;
    let id = outbox_id(&name)
        .filter(|_| valid_name(&name))
        .ok_or(AppError::NotFound)?;
    // Someone else's message is the same 404 as no message.
    let addressing = outbox::addressing(&st.db.pool, &[id]).await?;
    if !addressing
        .iter()
        .any(|a| may_read(a, staff.as_ref(), st.web.loopback_only))
    {
        return Err(AppError::NotFound);
    }
    let raw = tokio::fs::read_to_string(dir.join(&name))
        .await
        .map_err(|_| AppError::NotFound)?;
    let p = eml::parse(&raw);
    render(&ShowPage {
        lines: p.text.lines().map(segments).collect(),
        subject: p.subject,
        to: p.to,
        from: p.from,
        date: p.date,
    })
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
