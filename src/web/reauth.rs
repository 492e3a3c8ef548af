//! Managed-account migration: the migration rule applied when staff or the client record a
//! move, the re-authorisation queue and link, and the deadline reminders.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::AppResult;
use super::layout::{Layout, render};
use super::requests::{format_day, link_url, parse_iso_day};
use super::session::{ClientIp, Staff};
use super::{AppError, AppState};
use crate::clock::format_utc;
use crate::domain::SecretToken;
use crate::domain::access::{AccessLevel, Ask, AssetKind, GrantMode};
use crate::domain::migration::{self, MigrationStatus};
use crate::mail::templates::{self, Audience, DeadlineStage};
use crate::store::{agencies, audit, clients, grants, prefs, requests};

/// Records a client's migration status and date, and applies the rule: user-based grants
/// flagged (or re-dated, or cleared), partner grants untouched, e-mails and audit in the
/// same transaction.
#[allow(clippy::too_many_arguments)]
pub async fn apply_migration(
    st: &AppState,
    agency_id: i64,
    client_id: i64,
    status: MigrationStatus,
    day: Option<i64>,
    actor: &str,
    ip: &str,
) -> AppResult<usize> {
    let client = clients::get(&st.db.pool, agency_id, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = agencies::get(&st.db.pool, agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let grace = clients::grace_days(&st.db.pool, agency_id, client_id).await?;
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    clients::set_migration(&mut *tx, agency_id, client_id, status.as_str(), day, now).await?;
    clients::reset_deadline_stage(&mut *tx, client_id).await?;
    let mut flagged = 0;
    match (status.starts_clock(), day) {
        (true, Some(d)) => {
            let due = migration::due_at(d, grace);
            grants::retire_covered_user_grants(&mut tx, agency_id, client_id, now).await?;
            let list = grants::flag_user_grants(&mut tx, agency_id, client_id, due, now).await?;
            flagged = list.len();
            if !list.is_empty() {
                let brand = templates::Brand::from(&agency);
                let assets: Vec<String> = list
                    .iter()
                    .map(|g| {
                        format!(
                            "{} ({})",
                            g.asset_name,
                            AssetKind::parse(&g.kind).map_or("asset", AssetKind::label)
                        )
                    })
                    .collect();
                let due_on = format_day(due);
                let queue = format!("{}/reauth", st.base_url);
                for to in prefs::recipients(&mut *tx, agency_id, "reauth_needed").await? {
                    let email = templates::reauth_needed(
                        &brand,
                        &to,
                        Audience::Agency,
                        &client.name,
                        &assets,
                        &due_on,
                        Some(&queue),
                    )?;
                    st.queue_mail(&mut tx, Some(agency_id), &email, now).await?;
                }
                let email = templates::reauth_needed(
                    &brand,
                    &client.contact_email,
                    Audience::Client,
                    &client.name,
                    &assets,
                    &due_on,
                    None,
                )?;
                st.queue_mail(&mut tx, Some(agency_id), &email, now).await?;
            }
        }
        _ => {
            grants::unflag_user_grants(&mut tx, agency_id, client_id, now).await?;
        }
    }
    let when = day.map(format_day).unwrap_or_else(|| "no date".into());
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(agency_id),
            actor,
            action: "client.migration_set",
            target: &format!(
                "{}: {} ({when}); {flagged} grants flagged",
                client.name,
                status.as_str()
            ),
            ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    st.mailer.wake();
    Ok(flagged)
}

#[derive(Debug, Deserialize)]
pub struct MigrationForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    grace_days: String,
}

/// Staff record the client's migration.
pub async fn set_migration(
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<MigrationForm>,
) -> AppResult<Response> {
    clients::get(&st.db.pool, staff.agency_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(status) = MigrationStatus::parse(&f.status) else {
        return Err(AppError::BadRequest("Choose a migration status.".into()));
    };
    let day = if f.date.trim().is_empty() {
        None
    } else {
        Some(
            parse_iso_day(&f.date)
                .ok_or_else(|| AppError::BadRequest("Use a date like 2027-01-31.".into()))?,
        )
    };
    if status.starts_clock() && day.is_none() {
        return Err(AppError::BadRequest(
            "Give the date of the move: the re-authorisation deadline is counted from it.".into(),
        ));
    }
    let grace = match f.grace_days.trim() {
        "" => 30,
        g => g
            .parse::<i64>()
            .ok()
            .filter(|d| (0..=365).contains(d))
            .ok_or_else(|| AppError::BadRequest("The grace period is 0 to 365 days.".into()))?,
    };
    clients::set_grace_days(&st.db.pool, staff.agency_id, id, grace).await?;
    apply_migration(&st, staff.agency_id, id, status, day, &staff.actor(), &ip).await?;
    Ok(Redirect::to(&format!("/clients/{id}?notice=saved")).into_response())
}

struct QueueRow {
    client_id: i64,
    client_name: String,
    asset_name: String,
    kind_label: &'static str,
    grantee: String,
    due: String,
    days_left: i64,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "reauth.html")]
struct QueuePage {
    layout: Layout,
    rows: Vec<QueueRow>,
}

/// The re-authorisation queue: every flagged grant with its deadline, overdue first.
pub async fn queue(State(st): State<AppState>, staff: Staff) -> AppResult<Response> {
    let now = st.clock.now();
    let flagged = grants::needing_reauth(&st.db.pool, staff.agency_id, None).await?;
    let mut names = std::collections::HashMap::new();
    let mut rows = Vec::new();
    for g in flagged {
        if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(g.client_id) {
            let name = clients::get(&st.db.pool, staff.agency_id, g.client_id)
                .await?
                .map(|c| c.name)
                .unwrap_or_default();
            slot.insert(name);
        }
        let due = g.due_at.unwrap_or(now);
        rows.push(QueueRow {
            client_id: g.client_id,
            client_name: names[&g.client_id].clone(),
            asset_name: g.asset_name,
            kind_label: AssetKind::parse(&g.kind).map_or("Asset", AssetKind::label),
            grantee: g.grantee,
            due: format_utc(due),
            days_left: (due - now).div_euclid(86_400),
            overdue: due < now,
        });
    }
    render(&QueuePage {
        layout: Layout::staff(&staff, "Re-authorisation", "reauth"),
        rows,
    })
}

/// One click: a partner-mode request scoped exactly to the client's flagged assets,
/// e-mailed to the client.
pub async fn send_link(
    State(st): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let client = clients::get(&st.db.pool, staff.agency_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = agencies::get(&st.db.pool, staff.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if agency.portfolio_id.is_none() {
        return Err(AppError::BadRequest("Partner access needs your agency's Meta business portfolio ID. Add it in Settings first.".into()));
    }
    let flagged = grants::needing_reauth(&st.db.pool, staff.agency_id, Some(id)).await?;
    if flagged.is_empty() {
        return Err(AppError::BadRequest(
            "This client has no grants that need re-authorisation.".into(),
        ));
    }
    let now = st.clock.now();
    let mut asks: Vec<Ask> = Vec::new();
    for g in &flagged {
        if let Some(kind) = AssetKind::parse(&g.kind)
            && !asks.iter().any(|a| a.kind == kind)
        {
            asks.push(Ask {
                kind,
                level: AccessLevel::parse(&agency.default_level).unwrap_or(AccessLevel::Manage),
            });
        }
    }
    let mut scope: Vec<&str> = flagged.iter().map(|g| g.asset_id.as_str()).collect();
    scope.dedup();
    let earliest = flagged
        .iter()
        .filter_map(|g| g.due_at)
        .min()
        .unwrap_or(now + 30 * 86_400);
    // The link outlives the deadline by two weeks: an overdue client must still be able
    // to reconnect. At least a day, at most 90.
    let expires_at = (earliest.max(now) + 14 * 86_400).clamp(now + 86_400, now + 90 * 86_400);
    let token = SecretToken::generate(super::requests::LINK_PREFIX);
    let prefix = format!("{}…", &token.expose()[..8]);
    let message = "Your organisation is moving to managed Meta accounts. Please reconnect these assets through your business portfolio, so our access keeps working.";
    let mut tx = st.db.begin().await?;
    let rid = requests::insert(
        &mut *tx,
        &requests::NewRequest {
            agency_id: staff.agency_id,
            client_id: id,
            token_hash: &token.hash(),
            token_prefix: &prefix,
            mode: GrantMode::Partner.as_str(),
            asks: &Ask::encode(&asks),
            user_people: "",
            message,
            single_use: true,
            expires_at,
            created_by: staff.user_id,
            scope_assets: &scope.join(","),
            purpose: "reauth",
        },
        now,
    )
    .await?;
    requests::add_event(
        &mut *tx,
        rid,
        "created",
        &format!(
            "re-authorisation of {} grants, by {}",
            flagged.len(),
            staff.name
        ),
        now,
    )
    .await?;
    let brand = templates::Brand::from(&agency);
    let ask = templates::AccessAsk {
        client_name: client.name.clone(),
        sender_name: staff.name.clone(),
        asks: flagged
            .iter()
            .map(|g| {
                format!(
                    "{} ({})",
                    g.asset_name,
                    AssetKind::parse(&g.kind).map_or("asset", AssetKind::label)
                )
            })
            .collect(),
        message: Some(message.to_owned()),
        link: link_url(&st, &token),
        expires_on: format_day(expires_at),
    };
    let email = templates::access_link(&brand, &client.contact_email, &ask)?;
    st.queue_mail(&mut tx, Some(staff.agency_id), &email, now)
        .await?;
    requests::mark_emailed(&mut *tx, rid, now).await?;
    requests::add_event(
        &mut *tx,
        rid,
        "emailed",
        &format!("to {}", client.contact_email),
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        audit::Event {
            agency_id: Some(staff.agency_id),
            actor: &staff.actor(),
            action: "reauth.requested",
            target: &format!("{} ({prefix})", client.name),
            ip: &ip,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    st.mailer.wake();
    Ok(Redirect::to(&format!("/requests/{rid}?notice=reauth_sent")).into_response())
}

/// Deadline reminders (7 days, 1 day, overdue): each stage once per client, and at most
/// one e-mail per client per 24 hours. Safe in several processes: each is claimed first.
pub async fn send_deadline_reminders(st: &AppState) -> Result<usize, AppError> {
    let now = st.clock.now();
    let mut sent = 0;
    for (agency_id, client_id, due, stage_sent, _) in grants::reauth_deadlines(&st.db.pool).await? {
        let Some(stage) = migration::reminder_stage(due, now) else {
            continue;
        };
        if migration::stage_rank(stage) <= migration::stage_rank(&stage_sent) {
            continue;
        }
        let Some(client) = clients::get(&st.db.pool, agency_id, client_id).await? else {
            continue;
        };
        let Some(agency) = agencies::get(&st.db.pool, agency_id).await? else {
            continue;
        };
        let count = grants::needing_reauth(&st.db.pool, agency_id, Some(client_id))
            .await?
            .len();
        let mut tx = st.db.begin().await?;
        if !clients::claim_deadline_reminder(&mut *tx, client_id, stage, now).await? {
            continue;
        }
        let brand = templates::Brand::from(&agency);
        let which = match stage {
            "7d" => DeadlineStage::SevenDays,
            "1d" => DeadlineStage::OneDay,
            _ => DeadlineStage::Overdue,
        };
        let url = format!("{}/reauth", st.base_url);
        for to in prefs::recipients(&mut *tx, agency_id, "deadline_reminder").await? {
            let email = templates::deadline_reminder(
                &brand,
                &to,
                which,
                &client.name,
                count,
                &format_day(due),
                &url,
            )?;
            st.queue_mail(&mut tx, Some(agency_id), &email, now).await?;
        }
        tx.commit().await?;
        sent += 1;
    }
    if sent > 0 {
        st.mailer.wake();
    }
    Ok(sent)
}
