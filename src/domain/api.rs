//! The JSON API's keys: what a key may do, and how one looks.

use serde::{Deserialize, Serialize};

use super::UnknownValue;

/// The prefix of API keys: `lk_key_` and 43 base64url characters (256 bits).
pub const KEY_PREFIX: &str = "lk_key";

/// What a key may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiScope {
    /// Read everything the agency's staff can read.
    Read,
    /// Read, and act as staff: create clients and requests, set migration records.
    Write,
}

impl ApiScope {
    pub const ALL: [ApiScope; 2] = [Self::Read, Self::Write];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Read => "Read only",
            Self::Write => "Read and write",
        }
    }

    pub fn allows_writes(self) -> bool {
        self == Self::Write
    }
}

impl TryFrom<String> for ApiScope {
    type Error = UnknownValue;

    fn try_from(s: String) -> Result<Self, UnknownValue> {
        Self::parse(&s).ok_or(UnknownValue("API scope", s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_and_only_write_writes() {
        for s in ApiScope::ALL {
            assert_eq!(ApiScope::parse(s.as_str()), Some(s));
        }
        assert!(ApiScope::Write.allows_writes() && !ApiScope::Read.allows_writes());
        assert_eq!(ApiScope::parse("admin"), None);
    }
}
