//! `/sandbox/mail`: in sandbox mode with mail written to files, the messages a visitor may
//! read (`actions::mailbox` decides which), newest first, with their links clickable, so a
//! newcomer can follow an access link.

use crate::web::WebConfig;

use crate::actions::Ctx;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use super::error::AppResult;
use super::layout::render;
use super::session::{MaybeStaff, Staff};
use crate::actions::mailbox::{self, Reader};

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

fn reader<'a>(web: &WebConfig, staff: Option<&'a Staff>) -> Reader<'a> {
    Reader {
        email: staff.map(|s| s.email.as_str()),
        agency_id: staff.map(|s| s.agency_id),
        loopback_only: web.loopback_only,
    }
}

pub async fn list(
    State(st): State<Arc<Ctx>>,
    State(web): State<Arc<WebConfig>>,
    MaybeStaff(staff): MaybeStaff,
) -> AppResult<Response> {
    let items = mailbox::list(&st, &reader(&web, staff.as_ref()))
        .await?
        .into_iter()
        .map(|(name, p)| Item {
            name,
            subject: p.subject,
            to: p.to,
            date: p.date,
        })
        .collect();
    render(&ListPage {
        items,
        signed_in: staff.is_some(),
    })
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
    State(st): State<Arc<Ctx>>,
    State(web): State<Arc<WebConfig>>,
    MaybeStaff(staff): MaybeStaff,
    Path(name): Path<String>,
) -> AppResult<Response> {
    let p = mailbox::open(&st, &reader(&web, staff.as_ref()), &name).await?;
    render(&ShowPage {
        lines: p.text.lines().map(segments).collect(),
        subject: p.subject,
        to: p.to,
        from: p.from,
        date: p.date,
    })
}
