//! `/sandbox/mail`: on the embedded defaults, the messages the file transport wrote,
//! newest first, with their links clickable, so a newcomer can follow an access link.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use super::error::AppResult;
use super::layout::render;
use super::{AppError, AppState};
use crate::mail::{Transport, eml};

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

pub async fn list(State(st): State<AppState>) -> AppResult<Response> {
    let dir = mail_dir(&st)?;
    let mut names: Vec<String> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".eml") && !n.starts_with('.'))
            .collect(),
        Err(_) => Vec::new(),
    };
    // File names start with the zero-padded creation time and outbox id: newest first.
    names.sort_unstable_by(|a, b| b.cmp(a));
    names.truncate(LIMIT);
    let mut items = Vec::with_capacity(names.len());
    for name in names {
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
    render(&ListPage { items })
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

pub async fn show(State(st): State<AppState>, Path(name): Path<String>) -> AppResult<Response> {
    let dir = mail_dir(&st)?;
    if !valid_name(&name) {
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
