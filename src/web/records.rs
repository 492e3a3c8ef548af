//! Grants recorded by hand (access that exists outside Latchkey) and their CSV import, so a
//! client's whole access picture is in one place before a migration.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::AppResult;
use super::layout::{Layout, render, render_status};
use super::session::{ClientIp, Staff};
use super::{AppError, AppState};
use crate::domain::EmailAddress;
use crate::domain::access::{AssetKind, GrantMode};
use crate::store::{agencies, audit, clients, grants};

/// A hand-recorded grant, validated.
#[derive(Debug)]
struct Record {
    kind: AssetKind,
    asset_id: String,
    asset_name: String,
    mode: GrantMode,
    grantee: String,
}

/// Parses one record; the error says which field is wrong.
fn parse_record(
    kind: &str,
    asset_id: &str,
    asset_name: &str,
    mode: &str,
    person: &str,
    portfolio: Option<&str>,
) -> Result<Record, String> {
    let kind = AssetKind::parse(kind.trim())
        .ok_or("kind must be page, ad_account, instagram, catalog or pixel")?;
    let asset_id = asset_id.trim();
    let ok_id = !asset_id.is_empty()
        && asset_id.len() <= 40
        && asset_id
            .trim_start_matches("act_")
            .bytes()
            .all(|b| b.is_ascii_digit());
    if !ok_id {
        return Err("asset id must be Meta's numeric id (ad accounts may start with act_)".into());
    }
    let asset_name = asset_name.trim();
    if asset_name.is_empty()
        || asset_name.chars().count() > 200
        || asset_name.chars().any(char::is_control)
    {
        return Err("asset name is required (at most 200 characters)".into());
    }
    let mode = GrantMode::parse(mode.trim()).ok_or("mode must be partner or user")?;
    let grantee = match mode {
        GrantMode::Partner => portfolio
            .ok_or("partner access needs your agency's business portfolio ID in Settings")?
            .to_owned(),
        GrantMode::User => EmailAddress::parse(person)
            .map_err(|e| format!("person: {e}"))?
            .as_str()
            .to_owned(),
    };
    Ok(Record {
        kind,
        asset_id: asset_id.to_owned(),
        asset_name: asset_name.to_owned(),
        mode,
        grantee,
    })
}

/// Saves records by hand, numbered as the person sees them (form: 1; CSV: line). A record
/// never overwrites a grant approved through Latchkey, nor one of another client: those
/// come back as errors for their line, and nothing else is lost.
async fn save(
    st: &AppState,
    staff: &Staff,
    client_id: i64,
    records: &[(usize, Record)],
    ip: &str,
) -> AppResult<Vec<(usize, String)>> {
    let now = st.clock.now();
    let mut refused = Vec::new();
    let mut saved = 0usize;
    let mut tx = st.db.begin().await?;
    for (n, r) in records {
        let holder = grants::holder(
            &mut tx,
            staff.agency_id,
            &r.asset_id,
            r.mode.as_str(),
            &r.grantee,
        )
        .await?;
        match holder {
            Some((_, Some(_))) => {
                refused.push((
                    *n,
                    format!(
                        "{} is already recorded from a client's approval through Latchkey; that record is kept",
                        r.asset_id
                    ),
                ));
                continue;
            }
            Some((other, None)) if other != client_id => {
                refused.push((
                    *n,
                    format!(
                        "{} is already recorded for another client; record it there or remove it first",
                        r.asset_id
                    ),
                ));
                continue;
            }
            _ => {}
        }
        let tasks = crate::domain::access::tasks(r.kind, crate::domain::access::AccessLevel::View)
            .join(",");
        grants::upsert(
            &mut tx,
            &grants::GrantRecord {
                agency_id: staff.agency_id,
                client_id,
                request_id: None,
                kind: r.kind.as_str(),
                asset_id: &r.asset_id,
                asset_name: &r.asset_name,
                owner_portfolio_id: None,
                mode: r.mode.as_str(),
                grantee: &r.grantee,
                tasks: &tasks,
                status: "active",
                status_reason: "Recorded by hand: exists outside Latchkey.",
                approved_by_name: &staff.name,
                approved_by_id: "",
                verified: false,
                existing: false,
            },
            now,
        )
        .await?;
        saved += 1;
    }
    if saved > 0 {
        audit::record(
            &mut *tx,
            audit::Event {
                agency_id: Some(staff.agency_id),
                actor: &staff.actor(),
                action: "grants.recorded",
                target: &format!("{saved} grants for client {client_id}"),
                ip,
                at: now,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(refused)
}

#[derive(Template)]
#[template(path = "clients/record.html")]
struct RecordPage {
    layout: Layout,
    client_id: i64,
    client_name: String,
    kinds: Vec<(&'static str, &'static str)>,
    form: RecordForm,
    errors: Vec<String>,
    imported: Option<usize>,
    row_errors: Vec<(usize, String)>,
}

#[derive(Debug, Deserialize, Default)]
pub struct RecordForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    asset_id: String,
    #[serde(default)]
    asset_name: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    person: String,
}

async fn page(
    st: &AppState,
    staff: &Staff,
    id: i64,
    form: RecordForm,
    errors: Vec<String>,
    imported: Option<usize>,
    row_errors: Vec<(usize, String)>,
) -> AppResult<RecordPage> {
    let client = clients::get(&st.db.pool, staff.agency_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(RecordPage {
        layout: Layout::staff(staff, "Record existing access", "clients"),
        client_id: id,
        client_name: client.name,
        kinds: AssetKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        form,
        errors,
        imported,
        row_errors,
    })
}

pub async fn form(
    State(st): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    render(
        &page(
            &st,
            &staff,
            id,
            RecordForm {
                mode: "user".into(),
                ..RecordForm::default()
            },
            vec![],
            None,
            vec![],
        )
        .await?,
    )
}

pub async fn create(
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<RecordForm>,
) -> AppResult<Response> {
    clients::get(&st.db.pool, staff.agency_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = agencies::get(&st.db.pool, staff.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    match parse_record(
        &f.kind,
        &f.asset_id,
        &f.asset_name,
        &f.mode,
        &f.person,
        agency.portfolio_id.as_deref(),
    ) {
        Ok(r) => {
            let refused = save(&st, &staff, id, &[(1, r)], &ip).await?;
            if refused.is_empty() {
                return Ok(Redirect::to(&format!("/clients/{id}?notice=saved")).into_response());
            }
            let errors = refused.into_iter().map(|(_, e)| e).collect();
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&st, &staff, id, f, errors, None, vec![]).await?,
            )
        }
        Err(e) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&st, &staff, id, f, vec![e], None, vec![]).await?,
        ),
    }
}

/// Splits one CSV line (quotes and doubled quotes understood).
fn csv_line(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut cur, mut quoted, mut chars) = (String::new(), false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// CSV import: `kind,asset_id,asset_name,mode,person`, a header row optional. Good rows
/// are imported; each bad row is reported with its line number and reason.
pub async fn import(
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> AppResult<Response> {
    // Another agency's client is a 404 whatever the body: look it up before reading it.
    clients::get(&st.db.pool, staff.agency_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut multipart =
        <Multipart as axum::extract::FromRequest<AppState>>::from_request(request, &st)
            .await
            .map_err(|_| AppError::BadRequest("Choose a CSV file to upload.".into()))?;
    let agency = agencies::get(&st.db.pool, staff.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut data = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("The upload could not be read.".into()))?
    {
        if field.name() == Some("file") {
            data = field
                .bytes()
                .await
                .map_err(|_| AppError::PayloadTooLarge)?
                .to_vec();
        }
    }
    let Ok(text) = String::from_utf8(data) else {
        return Err(AppError::BadRequest(
            "The file must be a UTF-8 CSV file.".into(),
        ));
    };
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() || (n == 1 && line.to_lowercase().starts_with("kind,")) {
            continue;
        }
        let f = csv_line(line);
        if f.len() != 5 {
            bad.push((n, format!("expected 5 columns, found {}", f.len())));
            continue;
        }
        match parse_record(
            &f[0],
            &f[1],
            &f[2],
            &f[3],
            &f[4],
            agency.portfolio_id.as_deref(),
        ) {
            Ok(r) => good.push((n, r)),
            Err(e) => bad.push((n, e)),
        }
        if good.len() + bad.len() > 10_000 {
            bad.push((n, "stopped: at most 10,000 rows per file".into()));
            break;
        }
    }
    let mut imported = good.len();
    if !good.is_empty() {
        let refused = save(&st, &staff, id, &good, &ip).await?;
        imported -= refused.len();
        bad.extend(refused);
        bad.sort_by_key(|(n, _)| *n);
    }
    let status = if bad.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(
        status,
        &page(
            &st,
            &staff,
            id,
            RecordForm {
                mode: "user".into(),
                ..RecordForm::default()
            },
            vec![],
            Some(imported),
            bad,
        )
        .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_validated() {
        assert!(
            parse_record(
                "page",
                "123",
                "Old Page",
                "user",
                "ava@agency.example",
                None
            )
            .is_ok()
        );
        assert!(
            parse_record(
                "ad_account",
                "act_123",
                "Ads",
                "partner",
                "",
                Some("1000000001")
            )
            .is_ok()
        );
        assert!(
            parse_record("page", "12a", "x", "user", "a@b.test", None)
                .unwrap_err()
                .contains("asset id")
        );
        assert!(
            parse_record("spaceship", "1", "x", "user", "a@b.test", None)
                .unwrap_err()
                .contains("kind")
        );
        assert!(
            parse_record("page", "1", "x", "partner", "", None)
                .unwrap_err()
                .contains("portfolio")
        );
        assert!(
            parse_record("page", "1", "x", "user", "nope", None)
                .unwrap_err()
                .contains("person")
        );
        assert_eq!(
            csv_line("page,1,\"Name, with comma\",user,a@b.test"),
            vec!["page", "1", "Name, with comma", "user", "a@b.test"]
        );
    }
}
