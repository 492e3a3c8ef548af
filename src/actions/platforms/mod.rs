//! The platform seam: what the approval, verification and offboarding ask of a platform
//! whose assets a client shares with the agency. Each platform implements [`PlatformApi`]
//! in its own module (`meta` today) and is registered in [`Platforms`], which `Ctx` holds;
//! the use cases group assets and grants by platform and call the one each belongs to, so a
//! second platform slots in beside Meta without touching them or the web layer. The tests
//! register a second, scripted platform (`tests/api/platforms`) to prove it.

pub mod google;
pub mod meta;

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::Ctx;
use crate::domain::access::{Ask, AssetKind, GrantMode};
use crate::domain::{GrantChange, GrantStatus, Platform};
use crate::i18n::Text;
/// A client's (or the agency's) session token with a platform, kept sealed at rest.
pub use crate::meta::AccessToken;
use crate::store::agencies::Agency;
use crate::store::grants::Grant;

/// One asset as the picker offers it, on any platform.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Offered {
    pub kind: AssetKind,
    pub id: String,
    pub name: String,
    /// The owning business portfolio, if any.
    pub owner: Option<String>,
    pub owner_name: String,
    pub shareable: bool,
    /// Why it cannot be shared, in plain words; beside a shareable asset, a note on it (a
    /// Google Ads account another manager already manages).
    pub reason: Option<Text>,
}

/// A portfolio's kind of asset that Meta would not list, and why in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlisted {
    pub owner_name: String,
    pub kind: AssetKind,
    pub reason: Text,
}

/// What the client can choose from, and what could not be listed.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub offered: Vec<Offered>,
    pub unlisted: Vec<Unlisted>,
}

/// What happened to one asset for one grantee: what an approval records as a grant.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Outcome {
    pub kind: AssetKind,
    pub asset_id: String,
    pub asset_name: String,
    pub owner: Option<String>,
    pub mode: GrantMode,
    /// The agency's portfolio id (partner) or the person's e-mail (user).
    pub grantee: String,
    pub tasks: Vec<String>,
    /// Active, pending or failed.
    pub status: GrantStatus,
    pub reason: Text,
    /// Recorded from what the platform already had (inventory), not made by this approval.
    pub existing: bool,
    /// The platform's read-back confirmed it.
    pub verified: bool,
    /// The platform's name for the grant itself (a GA4 access binding's resource name),
    /// kept to remove it by name; empty when the platform needs none (Meta).
    #[serde(default)]
    pub platform_ref: String,
}

/// The client's session with a platform, once its sign-in dialog came back with a code.
pub struct SignedIn {
    pub token: AccessToken,
    /// The person's id and name at the platform.
    pub person_id: String,
    pub person_name: String,
}

/// Why a sign-in did not give a session Latchkey can use.
#[derive(Debug)]
pub enum SignInRefused {
    /// The platform failed or refused the code; its words.
    Failed(Text),
    /// The session is not valid, or not for this installation's app.
    Unconfirmed,
    /// The client left out permissions the request needs; their plain names.
    Missing(Vec<Text>),
}

/// Why the client's assets could not be listed.
#[derive(Debug)]
pub struct NotListed {
    pub why: Text,
    /// The session is no longer accepted: signing in again may help.
    pub sign_in_again: bool,
}

/// One approval attempt's inputs, whatever the platform.
pub struct Approval<'a> {
    pub agency: &'a Agency,
    pub client_id: i64,
    /// The client's session with the platform, from their sign-in.
    pub token: &'a AccessToken,
    pub mode: GrantMode,
    pub asks: &'a [Ask],
    /// Agency staff e-mails: to recognise existing user-based access.
    pub staff_emails: &'a [String],
    /// For user mode: the agency people to give access.
    pub people: &'a [String],
    /// The approving person's name, as the platform gave it.
    pub approver: &'a str,
    /// Recovering after a crash: read back only, record no new evidence.
    pub recovering: bool,
}

impl Approval<'_> {
    /// The level the request asks for `kind` (view when it does not ask for it).
    pub fn level(&self, kind: AssetKind) -> crate::domain::access::AccessLevel {
        self.asks
            .iter()
            .find(|a| a.kind == kind)
            .map_or(crate::domain::access::AccessLevel::View, |a| a.level)
    }

    /// The agency's business (for Meta, its portfolio id); empty when not connected.
    pub fn agency_portfolio(&self) -> &str {
        self.agency.portfolio_id.as_deref().unwrap_or_default()
    }
}

/// The shares of one approval attempt on one platform, with what every share needs read
/// once beforehand.
#[async_trait::async_trait]
pub trait Sharing: Send + Sync {
    /// Shares one asset and reads the grant back.
    async fn share(&self, asset: &Offered) -> Vec<Outcome>;

    /// Reads back what the platform holds for an asset whose share may or may not have
    /// happened (a process died mid-approval): found is a grant, not found is a failure,
    /// nothing is sent. None when the platform could not be read: nothing may be concluded.
    async fn read_back(&self, asset: &Offered) -> Option<Vec<Outcome>>;
}

/// What a platform lists now as held by the agency.
#[derive(Debug, Default)]
pub struct Holdings {
    /// Asset id → whether the share still waits for the owner's answer.
    pub held: HashMap<String, bool>,
    /// Kinds whose waiting shares the platform does not list: a pending grant of such a kind
    /// that is not listed is still waiting, not lost.
    pub unlisted_waiting: Vec<AssetKind>,
    /// Kinds the platform could not list at all (the agency's connection lacks a scope):
    /// their grants' absence says nothing.
    pub unknown: Vec<AssetKind>,
}

impl Holdings {
    /// What verification makes of a grant: seen (and whether still waiting), missing, or
    /// None when its absence says nothing (a waiting share the platform does not list).
    pub fn change_for(&self, g: &Grant) -> Option<GrantChange> {
        match self.held.get(&g.asset_id) {
            Some(pending) => Some(GrantChange::Seen { pending: *pending }),
            None if self.unknown.contains(&g.kind) => None,
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

    /// Where the client's browser goes to sign in for `asks`, carrying `state`; `again`
    /// asks once more for permissions the client declined.
    fn sign_in_url(&self, ctx: &Ctx, asks: &[Ask], state: &str, again: bool) -> String;

    /// Completes the sign-in: exchanges the code and checks the session and its
    /// permissions against `asks`.
    async fn signed_in(
        &self,
        ctx: &Ctx,
        asks: &[Ask],
        code: &str,
    ) -> crate::error::AppResult<Result<SignedIn, SignInRefused>>;

    /// What the signed-in client can share of the asked kinds (the picker), each with
    /// whether it can be shared and why not.
    async fn inventory(
        &self,
        ctx: &Ctx,
        token: &AccessToken,
        asks: &[Ask],
        agency: &Agency,
    ) -> Result<Inventory, NotListed>;

    /// Prepares the shares of an approval attempt for `assets` (all on this platform), or
    /// says in the client's words why none can be made.
    async fn sharing<'a>(
        &'a self,
        ctx: &'a Ctx,
        a: Approval<'a>,
        assets: &[Offered],
    ) -> Result<Box<dyn Sharing + 'a>, Text>;

    /// After an approval: makes the newly shared assets (asset id, tasks) usable by the
    /// agency's own people inside the agency, and says who can use each (asset id → names).
    /// Best effort: the grants stand either way.
    async fn arrange_for_staff(
        &self,
        ctx: &Ctx,
        agency: &Agency,
        staff: &[String],
        shared: Vec<(String, Vec<String>)>,
    ) -> HashMap<String, String>;

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

/// The platforms this installation shares on, each with its implementation. Built in:
/// Meta. A platform that is not registered is not offered: its kinds are left out of the
/// request form and refused by the API.
#[derive(Clone)]
pub struct Platforms(Vec<Arc<dyn PlatformApi>>);

impl Default for Platforms {
    fn default() -> Self {
        Self(vec![Arc::new(meta::Meta)])
    }
}

impl Platforms {
    /// Registers `api` for its platform, in place of any other implementation of it.
    pub fn register(&mut self, api: Arc<dyn PlatformApi>) {
        self.0.retain(|p| p.platform() != api.platform());
        self.0.push(api);
        self.0.sort_by_key(|p| p.platform());
    }

    /// The implementation of `platform`, if this installation has one.
    pub fn get(&self, platform: Platform) -> Option<&dyn PlatformApi> {
        self.0
            .iter()
            .find(|p| p.platform() == platform)
            .map(|p| p.as_ref())
    }

    /// The implementation of `platform`; a platform recorded but not available here (grants
    /// of a platform removed from the installation) is an error in plain words.
    pub fn api(&self, platform: Platform) -> Result<&dyn PlatformApi, crate::error::AppError> {
        self.get(platform).ok_or_else(|| {
            crate::error::AppError::Unexpected(anyhow::anyhow!(
                "{platform} is not available on this installation"
            ))
        })
    }

    /// Whether `platform` is available.
    pub fn has(&self, platform: Platform) -> bool {
        self.get(platform).is_some()
    }

    /// The available platforms, in `Platform` order.
    pub fn available(&self) -> Vec<Platform> {
        self.0.iter().map(|p| p.platform()).collect()
    }

    /// The asset kinds of the available platforms: what a request may ask for.
    pub fn kinds(&self) -> Vec<AssetKind> {
        AssetKind::ALL
            .into_iter()
            .filter(|k| self.has(k.platform()))
            .collect()
    }
}

/// `items` grouped by the platform `of` each, in `Platform` order (each group keeps the
/// items' order): how the use cases hand each platform its own assets or grants.
pub fn by_platform<T>(items: Vec<T>, of: impl Fn(&T) -> Platform) -> Vec<(Platform, Vec<T>)> {
    let mut groups: Vec<(Platform, Vec<T>)> = Vec::new();
    for item in items {
        let p = of(&item);
        match groups.iter_mut().find(|(q, _)| *q == p) {
            Some((_, list)) => list.push(item),
            None => groups.push((p, vec![item])),
        }
    }
    groups.sort_by_key(|(p, _)| *p);
    groups
}
