//! What an agency asks for: asset kinds, access levels, and the one table that maps them
//! to Meta's task names (DESIGN.md §1).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::UnknownValue;
use crate::i18n::Text;

/// A kind of business asset a client can share: Meta's, and Google's (Analytics, Tag
/// Manager and Ads).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    Page,
    AdAccount,
    Instagram,
    Catalog,
    Pixel,
    /// A Google Analytics 4 property (access by an Admin API access binding).
    Ga4Property,
    /// A Google Tag Manager container (access by a user permission on its account).
    GtmContainer,
    /// A Google Ads account (access by a manager link to the agency's manager account).
    GoogleAds,
}

/// How much access: the agency picks one per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccessLevel {
    Manage,
    Advertise,
    View,
}

/// Whose account the access rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantMode {
    /// Shared with the agency's business portfolio; survives managed-account migration.
    Partner,
    /// Rests on one person's account; must be re-authorised after migration.
    User,
}

impl AssetKind {
    pub const ALL: [AssetKind; 8] = [
        Self::Page,
        Self::AdAccount,
        Self::Instagram,
        Self::Catalog,
        Self::Pixel,
        Self::Ga4Property,
        Self::GtmContainer,
        Self::GoogleAds,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::AdAccount => "ad_account",
            Self::Instagram => "instagram",
            Self::Catalog => "catalog",
            Self::Pixel => "pixel",
            Self::Ga4Property => "ga4_property",
            Self::GtmContainer => "gtm_container",
            Self::GoogleAds => "google_ads",
        }
    }

    /// The platform whose assets are of this kind.
    pub fn platform(self) -> super::Platform {
        match self {
            Self::Page | Self::AdAccount | Self::Instagram | Self::Catalog | Self::Pixel => {
                super::Platform::Meta
            }
            Self::Ga4Property | Self::GtmContainer | Self::GoogleAds => super::Platform::Google,
        }
    }

    /// Where this kind is listed in Meta's Business Settings, for steps done by hand.
    pub fn settings_section(self) -> &'static str {
        match self {
            Self::Page => "Accounts → Pages",
            Self::AdAccount => "Accounts → Ad accounts",
            Self::Instagram => "Accounts → Instagram accounts",
            Self::Catalog => "Data sources → Catalogs",
            Self::Pixel => "Data sources → Datasets (pixels)",
            Self::Ga4Property => "Admin → Property access management",
            Self::GtmContainer => "Admin → User Management",
            Self::GoogleAds => "Admin → Access and security → Managers",
        }
    }

    /// "Facebook Pages", for headings and forms.
    pub fn plural_label(self) -> &'static str {
        match self {
            Self::Page => "Facebook Pages",
            Self::AdAccount => "Ad accounts",
            Self::Instagram => "Instagram accounts",
            Self::Catalog => "Product catalogs",
            Self::Pixel => "Pixels and datasets",
            Self::Ga4Property => "Google Analytics properties",
            Self::GtmContainer => "Tag Manager containers",
            Self::GoogleAds => "Google Ads accounts",
        }
    }

    /// "Facebook Page", for one asset.
    pub fn label(self) -> &'static str {
        match self {
            Self::Page => "Facebook Page",
            Self::AdAccount => "Ad account",
            Self::Instagram => "Instagram account",
            Self::Catalog => "Product catalog",
            Self::Pixel => "Pixel / dataset",
            Self::Ga4Property => "Google Analytics property",
            Self::GtmContainer => "Tag Manager container",
            Self::GoogleAds => "Google Ads account",
        }
    }

    /// "Page", inside a sentence ("this Page", "this ad account").
    pub fn noun(self) -> &'static str {
        match self {
            Self::Page => "Page",
            Self::AdAccount => "ad account",
            Self::Instagram => "Instagram account",
            Self::Catalog => "product catalog",
            Self::Pixel => "pixel",
            Self::Ga4Property => "Analytics property",
            Self::GtmContainer => "Tag Manager container",
            Self::GoogleAds => "Google Ads account",
        }
    }

    /// The Facebook Login permissions that listing, sharing and reading back this kind
    /// need. A Page's people (`GET /{page}/assigned_users`: the read-back of user access,
    /// the inventory of per-person access, the migration radar) need `pages_manage_metadata`
    /// with the Page's token, as Meta's reference says.
    pub fn scopes(self) -> &'static [&'static str] {
        match self {
            Self::Page => &["pages_show_list", "pages_manage_metadata"],
            Self::AdAccount => &["ads_management"],
            Self::Instagram => &["instagram_basic"],
            Self::Catalog => &["catalog_management"],
            Self::Pixel => &["ads_management"],
            Self::Ga4Property => &[
                "https://www.googleapis.com/auth/analytics.readonly",
                "https://www.googleapis.com/auth/analytics.manage.users",
            ],
            Self::GtmContainer => &[
                "https://www.googleapis.com/auth/tagmanager.readonly",
                "https://www.googleapis.com/auth/tagmanager.manage.users",
            ],
            Self::GoogleAds => &["https://www.googleapis.com/auth/adwords"],
        }
    }
}

impl AccessLevel {
    pub const ALL: [AccessLevel; 3] = [Self::Manage, Self::Advertise, Self::View];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manage => "manage",
            Self::Advertise => "advertise",
            Self::View => "view",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Manage => "Manage",
            Self::Advertise => "Advertise",
            Self::View => "View",
        }
    }
}

impl GrantMode {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "partner" => Some(Self::Partner),
            "user" => Some(Self::User),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Partner => "partner",
            Self::User => "user",
        }
    }

    /// The badge shown wherever a grant appears.
    pub fn badge(self) -> &'static str {
        match self {
            Self::Partner => "Partner — survives migration",
            Self::User => "User-based — at risk",
        }
    }
}

/// The single table: what each kind at each level grants — Meta's task names, for a GA4
/// property the Admin API's predefined role, for a Tag Manager container its permission.
/// A Google Ads manager link has no levels: the agency's people act on the account with the
/// roles they hold in the agency's manager account.
pub fn tasks(kind: AssetKind, level: AccessLevel) -> &'static [&'static str] {
    use AccessLevel::*;
    use AssetKind::*;
    match (kind, level) {
        (Page, Manage) => &[
            "MANAGE",
            "CREATE_CONTENT",
            "MODERATE",
            "MESSAGING",
            "ADVERTISE",
            "ANALYZE",
        ],
        (Page, Advertise) => &["ADVERTISE", "ANALYZE"],
        (Page, View) => &["ANALYZE"],
        (AdAccount, Manage) => &["MANAGE", "ADVERTISE", "ANALYZE"],
        (AdAccount, Advertise) => &["ADVERTISE", "ANALYZE"],
        (AdAccount, View) => &["ANALYZE"],
        (Instagram, Manage) => &[
            "CONTENT",
            "COMMUNITY_ACTIVITY",
            "MESSAGES",
            "ADVERTISE",
            "ANALYZE",
        ],
        (Instagram, Advertise) => &["ADVERTISE", "ANALYZE"],
        (Instagram, View) => &["ANALYZE"],
        (Catalog, Manage) => &["MANAGE", "ADVERTISE"],
        (Catalog, Advertise) => &["ADVERTISE"],
        (Catalog, View) => &["AA_ANALYZE"],
        (Pixel, Manage) => &["EDIT", "UPLOAD", "ADVERTISE", "ANALYZE"],
        (Pixel, Advertise) => &["ADVERTISE", "ANALYZE"],
        (Pixel, View) => &["ANALYZE"],
        (Ga4Property, Manage) => &["predefinedRoles/editor"],
        (Ga4Property, Advertise) => &["predefinedRoles/analyst"],
        (Ga4Property, View) => &["predefinedRoles/viewer"],
        (GtmContainer, Manage) => &["publish"],
        (GtmContainer, Advertise) => &["edit"],
        (GtmContainer, View) => &["read"],
        (GoogleAds, _) => &["manager_link"],
    }
}

/// What the client is asked, in plain words: "Manage your Facebook Pages: post, reply to
/// messages, run ads, see insights" (the client's files hold every language's wording).
pub fn ask_words(kind: AssetKind, level: AccessLevel) -> Text {
    Text::msg(format!("ask-{}-{}", kind.as_str(), level.as_str()))
}

/// [`ask_words`] in English, for staff.
pub fn plain_words(kind: AssetKind, level: AccessLevel) -> String {
    ask_words(kind, level).en()
}

/// "Messy Main Ads (Ad account)": one asset named for a client, in their language.
pub fn asset_words(name: &str, kind: AssetKind) -> Text {
    Text::msg("asset-line")
        .arg("name", name)
        .arg("kind", kind.as_str())
}

/// One line of a request: a kind at a level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ask {
    pub kind: AssetKind,
    pub level: AccessLevel,
}

impl Ask {
    /// Encodes a list as `page:manage,ad_account:view` for storage.
    pub fn encode(asks: &[Ask]) -> String {
        asks.iter()
            .map(|a| format!("{}:{}", a.kind.as_str(), a.level.as_str()))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Decodes what `encode` wrote; unknown parts are skipped.
    pub fn decode(s: &str) -> Vec<Ask> {
        s.split(',')
            .filter_map(|part| {
                let (k, l) = part.split_once(':')?;
                Some(Ask {
                    kind: AssetKind::parse(k)?,
                    level: AccessLevel::parse(l)?,
                })
            })
            .collect()
    }
}

impl fmt::Display for AssetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl TryFrom<String> for AccessLevel {
    type Error = UnknownValue;

    fn try_from(s: String) -> Result<Self, UnknownValue> {
        Self::parse(&s).ok_or(UnknownValue("access level", s))
    }
}

impl TryFrom<String> for AssetKind {
    type Error = UnknownValue;

    fn try_from(s: String) -> Result<Self, UnknownValue> {
        Self::parse(&s).ok_or(UnknownValue("asset kind", s))
    }
}

impl TryFrom<String> for GrantMode {
    type Error = UnknownValue;

    fn try_from(s: String) -> Result<Self, UnknownValue> {
        Self::parse(&s).ok_or(UnknownValue("grant mode", s))
    }
}

/// Meta's task names as staff read them: `MANAGE,CREATE_CONTENT` → "Manage, Create content".
pub fn task_words(tasks: &str) -> String {
    tasks
        .split(',')
        .filter(|t| !t.is_empty())
        .map(|t| {
            let lower = t.to_ascii_lowercase().replace('_', " ");
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_matches_the_design() {
        assert_eq!(tasks(AssetKind::Page, AccessLevel::Manage).len(), 6);
        assert_eq!(
            tasks(AssetKind::Catalog, AccessLevel::View),
            &["AA_ANALYZE"]
        );
        assert_eq!(
            tasks(AssetKind::Pixel, AccessLevel::Manage),
            &["EDIT", "UPLOAD", "ADVERTISE", "ANALYZE"]
        );
        for k in AssetKind::ALL {
            for l in AccessLevel::ALL {
                assert!(!tasks(k, l).is_empty());
            }
        }
    }

    #[test]
    fn plain_words_and_round_trip() {
        assert_eq!(
            plain_words(AssetKind::Page, AccessLevel::Manage),
            "Manage your Facebook Pages: post, reply to messages and comments, run ads, see insights"
        );
        let asks = vec![
            Ask {
                kind: AssetKind::Page,
                level: AccessLevel::Manage,
            },
            Ask {
                kind: AssetKind::Pixel,
                level: AccessLevel::View,
            },
        ];
        assert_eq!(Ask::decode(&Ask::encode(&asks)), asks);
        assert!(Ask::decode("bogus:manage,page:root").is_empty());
        for k in AssetKind::ALL {
            assert_eq!(AssetKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn meta_task_names_read_as_words() {
        assert_eq!(
            super::task_words("MANAGE,CREATE_CONTENT,ADVERTISE"),
            "Manage, Create content, Advertise"
        );
        assert_eq!(super::task_words(""), "");
    }
}
