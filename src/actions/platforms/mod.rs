//! The platform seam: what verification and offboarding ask of a platform whose assets a
//! client shared with the agency. Each platform implements [`PlatformApi`] in its own module
//! (`meta` today); the use cases group an agency's grants by `grants.platform` and call the
//! platform each belongs to, so a second platform slots in beside Meta without touching
//! them or the web layer.

mod meta;

use std::collections::HashMap;

use super::Ctx;
use crate::domain::access::AssetKind;
use crate::domain::{GrantChange, GrantStatus, Platform};
use crate::store::agencies::Agency;
use crate::store::grants::Grant;

/// What a platform lists now as held by the agency.
#[derive(Debug, Default)]
pub struct Holdings {
    /// Asset id → whether the share still waits for the owner's answer.
    pub held: HashMap<String, bool>,
    /// Kinds whose waiting shares the platform does not list: a pending grant of such a kind
    /// that is not listed is still waiting, not lost.
    pub unlisted_waiting: Vec<AssetKind>,
}

impl Holdings {
    /// What verification makes of a grant: seen (and whether still waiting), missing, or
    /// None when its absence says nothing (a waiting share the platform does not list).
    pub fn change_for(&self, g: &Grant) -> Option<GrantChange> {
        match self.held.get(&g.asset_id) {
            Some(pending) => Some(GrantChange::Seen { pending: *pending }),
            None if g.status == GrantStatus::Pending && self.unlisted_waiting.contains(&g.kind) => {
                None
            }
            None => Some(GrantChange::Missing),
        }
    }
}

/// Why a platform could not answer.
#[derive(Debug)]
pub enum PlatformError {
    /// The agency has not connected this platform (or its connection lacks what is needed).
    NotConnected(Platform),
    /// The platform refused or failed; `why` is in plain words.
    Failed {
        platform: Platform,
        why: String,
        /// The agency's own connection was refused: it must be renewed.
        connection_lost: bool,
    },
    App(crate::error::AppError),
}

impl From<crate::error::AppError> for PlatformError {
    fn from(e: crate::error::AppError) -> Self {
        Self::App(e)
    }
}

/// One removal line beside the per-grant results (Meta: the client relationship itself).
pub type Line = (String, String);

/// What offboarding on one platform did.
#[derive(Debug, Default)]
pub struct Removal {
    /// Each grant with `Ok` when the platform no longer lists it, else why, with the steps
    /// to remove it by hand.
    pub grants: Vec<(Grant, Result<(), String>)>,
    /// Further lines for the result page (already in words).
    pub lines: Vec<Line>,
}

/// What Latchkey asks of a platform about grants it recorded.
#[async_trait::async_trait]
pub trait PlatformApi: Send + Sync {
    /// Which platform this is.
    fn platform(&self) -> Platform;

    /// Whether the agency has connected this platform (what removal needs).
    async fn connected(&self, ctx: &Ctx, agency: &Agency) -> crate::error::AppResult<bool>;

    /// What the platform lists now as shared with the agency (verification's read-back).
    async fn holdings(&self, ctx: &Ctx, agency: &Agency) -> Result<Holdings, PlatformError>;

    /// Removes the agency's access to each of `grants` (all on this platform, all of one
    /// client), then reads back what the platform still lists.
    async fn remove(
        &self,
        ctx: &Ctx,
        agency: &Agency,
        client_id: i64,
        grants: Vec<Grant>,
    ) -> Result<Removal, PlatformError>;
}

/// The implementation of `platform`.
pub fn api(platform: Platform) -> &'static dyn PlatformApi {
    match platform {
        Platform::Meta => &meta::Meta,
    }
}

/// Grants grouped by platform, in `Platform` order.
pub fn by_platform(grants: Vec<Grant>) -> Vec<(Platform, Vec<Grant>)> {
    let mut groups: Vec<(Platform, Vec<Grant>)> = Vec::new();
    for g in grants {
        match groups.iter_mut().find(|(p, _)| *p == g.platform) {
            Some((_, list)) => list.push(g),
            None => groups.push((g.platform, vec![g])),
        }
    }
    groups.sort_by_key(|(p, _)| *p);
    groups
}
