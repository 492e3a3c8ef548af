//! Non-interactive creation of an agency and its owner (`latchkey create-owner`).

use crate::clock::Clock;
use crate::config::Settings;
use crate::domain::Role;
use crate::hashing::Hasher;
use crate::store::{Db, agencies};

/// Connects, migrates, and creates the agency and owner. Returns the agency id.
pub async fn create_owner(
    settings: &Settings,
    agency: &str,
    email: &str,
    name: &str,
    password: &str,
) -> anyhow::Result<i64> {
    if settings.uses_sqlite() {
        std::fs::create_dir_all(&settings.data_dir)?;
    }
    let db = Db::connect(settings).await?;
    db.migrate().await?;
    let (agency_id, _) = create_owner_in(
        &db,
        &Hasher::new(),
        &Clock::system(),
        agency,
        email,
        name,
        password,
    )
    .await?;
    Ok(agency_id)
}

/// Validates the input like `/setup` does and creates both rows in one transaction
/// (`actions::account::create_owner`). Returns (agency id, user id).
pub async fn create_owner_in(
    db: &Db,
    hasher: &Hasher,
    clock: &Clock,
    agency: &str,
    email: &str,
    name: &str,
    password: &str,
) -> anyhow::Result<(i64, i64)> {
    crate::actions::account::create_owner(db, hasher, clock, agency, email, name, password)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .map_err(anyhow::Error::msg)
}

/// `latchkey api-key create`: a key for an agency, for scripted installs. Returns the key,
/// which is printed once and never stored.
pub async fn create_api_key(
    settings: &Settings,
    agency_id: i64,
    name: &str,
    scope: &str,
) -> anyhow::Result<String> {
    let db = Db::connect(settings).await?;
    db.migrate().await?;
    if agencies::get(&db.pool, agency_id).await?.is_none() {
        anyhow::bail!("there is no agency {agency_id}");
    }
    let actor = crate::actions::Actor {
        agency_id,
        user_id: None,
        label: "command line".into(),
        name: "command line".into(),
        role: Role::Owner,
        ip: "local".into(),
    };
    match crate::actions::api_keys::create_in(&db, &Clock::system(), &actor, name, scope, "never")
        .await?
    {
        Ok(created) => Ok(created.secret.expose().to_owned()),
        Err(errors) => anyhow::bail!(
            "{}",
            errors
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}
