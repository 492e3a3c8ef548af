//! The platforms Latchkey shares access on. Each asset kind belongs to one; grants, requests
//! and the radar carry it, so a second platform (Google) slots in beside Meta.

use serde::{Deserialize, Serialize};

use super::UnknownValue;
use super::access::AssetKind;

/// A platform whose assets a client shares with an agency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    /// Facebook Pages, ad accounts, Instagram, catalogs and datasets, through the Graph API.
    Meta,
    /// Google Analytics properties (Ads and Tag Manager follow), through Google's APIs.
    Google,
}

impl Platform {
    pub const ALL: [Platform; 2] = [Self::Meta, Self::Google];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Meta => "meta",
            Self::Google => "google",
        }
    }

    /// The platform's name as people know it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Meta => "Meta",
            Self::Google => "Google",
        }
    }

    /// The asset kinds on this platform.
    pub fn kinds(self) -> Vec<AssetKind> {
        AssetKind::ALL
            .into_iter()
            .filter(|k| k.platform() == self)
            .collect()
    }

    /// The platforms of a list of asset kinds, once each, in a fixed order: what a request
    /// for those kinds stores.
    pub fn of_kinds(kinds: impl IntoIterator<Item = AssetKind>) -> Vec<Platform> {
        let mut all: Vec<Platform> = kinds.into_iter().map(AssetKind::platform).collect();
        all.sort();
        all.dedup();
        all
    }

    /// `meta,google` for storage.
    pub fn encode(platforms: &[Platform]) -> String {
        platforms
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl TryFrom<String> for Platform {
    type Error = UnknownValue;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or(UnknownValue("platform", s))
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_round_trips_and_unknown_ones_are_errors() {
        for p in Platform::ALL {
            assert_eq!(Platform::try_from(p.as_str().to_owned()), Ok(p));
        }
        assert!(Platform::try_from("myspace".to_owned()).is_err());
    }

    #[test]
    fn a_request_s_platforms_are_its_kinds_platforms_once_each() {
        let kinds = [AssetKind::Page, AssetKind::Pixel, AssetKind::AdAccount];
        assert_eq!(Platform::of_kinds(kinds), vec![Platform::Meta]);
        assert_eq!(Platform::encode(&Platform::of_kinds(kinds)), "meta");
        assert!(Platform::of_kinds([]).is_empty());
        let both = [AssetKind::Ga4Property, AssetKind::Page];
        assert_eq!(Platform::encode(&Platform::of_kinds(both)), "meta,google");
    }
}
