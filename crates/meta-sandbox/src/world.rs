//! The sandbox's demo world: a deterministic seed (people, business portfolios, assets,
//! roles) plus what changes as it is used (shares, assignments, tokens, codes, migrations),
//! which is saved to a JSON file so a demo survives a restart.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The built-in app.
pub const APP_ID: &str = "100000000000001";
pub const APP_SECRET: &str = "sandbox-app-secret-not-for-production";
/// The demo agency's business portfolio, which `/setup` offers to pre-fill.
pub const AGENCY_PORTFOLIO: &str = "1000000001";
pub const BLOOM: &str = "2000000001";
pub const NORTHWIND: &str = "2000000002";
pub const MESSY: &str = "2000000003";
/// The demo agency's system user.
pub const SYSTEM_USER: &str = "9100000000000006";

/// The Facebook Login for Business configurations of the built-in app: (configuration id,
/// its permission set).
pub const CONFIGURATIONS: &[(&str, &[&str])] = &[
    (
        "300000000000001",
        &[
            "business_management",
            "pages_show_list",
            "pages_manage_metadata",
            "ads_management",
            "instagram_basic",
            "catalog_management",
        ],
    ),
    (
        "300000000000002",
        &[
            "business_management",
            "pages_show_list",
            "pages_manage_metadata",
        ],
    ),
];

/// A configuration's permission set.
pub fn configuration(id: &str) -> Option<&'static [&'static str]> {
    CONFIGURATIONS
        .iter()
        .find(|(c, _)| *c == id)
        .map(|(_, s)| *s)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Person {
    /// The app-scoped id `/me` returns.
    pub id: String,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Business {
    pub id: String,
    pub name: String,
}

/// A person's membership in a business portfolio, under a business-scoped id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Member {
    pub business_id: String,
    pub person_id: String,
    pub bsuid: String,
    pub role: String,
    /// A managed (work) account: unaffected when the organisation migrates.
    #[serde(default)]
    pub managed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Asset {
    pub id: String,
    /// `page`, `ad_account`, `instagram`, `catalog`, `pixel`.
    pub kind: String,
    pub name: String,
    /// The business portfolio that owns it; `None` for a Page outside any portfolio.
    pub owner: Option<String>,
}

/// A person's own tasks on an asset.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Role {
    pub asset_id: String,
    pub person_id: String,
    pub tasks: Vec<String>,
}

/// An asset shared with a partner business.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Share {
    pub asset_id: String,
    pub business_id: String,
    pub tasks: Vec<String>,
    pub status: String,
    pub requested_at: i64,
}

/// A business-scoped user given tasks on an asset.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Assignment {
    pub asset_id: String,
    pub bsuid: String,
    pub tasks: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenInfo {
    pub person_id: String,
    /// Set for Page tokens.
    pub page_id: Option<String>,
    pub scopes: Vec<String>,
    pub issued_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Code {
    pub person_id: String,
    pub scopes: Vec<String>,
    pub redirect_uri: String,
    pub expires_at: i64,
    pub used: bool,
}

/// Everything in the world.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct World {
    pub people: Vec<Person>,
    pub businesses: Vec<Business>,
    pub members: Vec<Member>,
    pub assets: Vec<Asset>,
    pub roles: Vec<Role>,
    pub shares: Vec<Share>,
    pub assignments: Vec<Assignment>,
    pub tokens: BTreeMap<String, TokenInfo>,
    pub codes: BTreeMap<String, Code>,
    /// Business id → the day (Unix seconds) its people moved to managed accounts.
    pub migrations: BTreeMap<String, i64>,
    pub grace_days: i64,
    /// (partner, client) business pairs: a client relationship starts with the first asset
    /// the client shares and outlives its assets, until either side ends it
    /// (`DELETE /{partner}/clients`), as in Meta's Business Settings → Partners.
    #[serde(default)]
    pub partnerships: std::collections::BTreeSet<(String, String)>,
}

impl World {
    /// Records that `client` has shared something with `partner`.
    pub fn note_partnership(&mut self, partner: &str, asset_id: &str) {
        if let Some(owner) = self.asset(asset_id).and_then(|a| a.owner.clone()) {
            self.partnerships.insert((partner.to_owned(), owner));
        }
    }

    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }

    pub fn business(&self, id: &str) -> Option<&Business> {
        self.businesses.iter().find(|b| b.id == id)
    }

    pub fn asset(&self, id: &str) -> Option<&Asset> {
        self.assets.iter().find(|a| a.id == id)
    }

    pub fn membership(&self, business_id: &str, person_id: &str) -> Option<&Member> {
        self.members
            .iter()
            .find(|m| m.business_id == business_id && m.person_id == person_id)
    }

    pub fn member_by_bsuid(&self, bsuid: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.bsuid == bsuid)
    }

    /// `invited_user_type` of a member: MWA for a managed work account (or anyone, once
    /// the business migrated), FB for a personal account.
    pub fn account_type(&self, m: &Member) -> &'static str {
        if m.managed || self.migrations.contains_key(&m.business_id) {
            "MWA"
        } else {
            "FB"
        }
    }

    /// The person's own tasks on an asset.
    pub fn tasks_of(&self, person_id: &str, asset_id: &str) -> Vec<String> {
        self.roles
            .iter()
            .filter(|r| r.person_id == person_id && r.asset_id == asset_id)
            .flat_map(|r| r.tasks.clone())
            .collect()
    }

    /// Whether the grace period after a business's migration has ended at `now`.
    pub fn migration_over(&self, business_id: &str, now: i64) -> bool {
        self.migrations
            .get(business_id)
            .is_some_and(|d| now >= d + self.grace_days * 86_400)
    }

    /// Whether a person's personal-account access to a business's resources has stopped.
    pub fn personal_access_ended(&self, person_id: &str, business_id: &str, now: i64) -> bool {
        self.membership(business_id, person_id)
            .is_some_and(|m| !m.managed)
            && self.migration_over(business_id, now)
    }
}

/// Where the mutable state is kept between runs.
#[derive(Debug, Clone)]
pub struct Persistence {
    pub file: Option<PathBuf>,
}

impl Persistence {
    /// Loads the saved world, or seeds a new one.
    pub fn load(&self) -> World {
        self.file
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .and_then(|text| serde_json::from_str::<World>(&text).ok())
            .map(|mut w| {
                // A state saved before partnerships were kept: each share implies one.
                if w.partnerships.is_empty() {
                    let shares: Vec<_> = w
                        .shares
                        .iter()
                        .map(|s| (s.business_id.clone(), s.asset_id.clone()))
                        .collect();
                    for (partner, asset) in shares {
                        w.note_partnership(&partner, &asset);
                    }
                }
                w
            })
            .unwrap_or_else(World::seed)
    }

    /// Saves atomically (write then rename).
    pub fn save(&self, world: &World) {
        let Some(file) = &self.file else { return };
        let Ok(text) = serde_json::to_string(world) else {
            return;
        };
        let tmp = file.with_extension("json.tmp");
        if write_owner_only(&tmp, text.as_bytes())
            .and_then(|_| std::fs::rename(&tmp, file))
            .is_err()
        {
            tracing::warn!(file = %file.display(), "could not save the sandbox state");
        }
    }
}

/// Writes `path` readable by its owner only (0600): the state holds access tokens. The
/// sandbox keeps its own file handling; it shares no code with Latchkey.
fn write_owner_only(path: &std::path::Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents)
}
