//! The password policy (ASVS 6.2): length, not composition; no truncation; no common passwords.

use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

/// Shortest password accepted.
pub const MIN_CHARS: usize = 12;
/// Longest password accepted; far above the 64 that ASVS asks for, low enough to bound hashing work.
pub const MAX_CHARS: usize = 256;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common-passwords.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect()
});

/// Why a new password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordError {
    TooShort,
    TooLong,
    TooCommon,
    Mismatch,
}

impl fmt::Display for PasswordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::TooShort => "Use at least 12 characters. A short sentence works well.",
            Self::TooLong => "Use at most 256 characters.",
            Self::TooCommon => {
                "That password is on the list of the most common passwords. Choose another."
            }
            Self::Mismatch => "The two passwords do not match.",
        })
    }
}

/// A password that meets the policy. Its `Debug` never shows it.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    /// Checks a new password and its confirmation.
    pub fn parse(password: &str, confirm: &str) -> Result<Self, PasswordError> {
        if password != confirm {
            return Err(PasswordError::Mismatch);
        }
        let chars = password.chars().count();
        if chars < MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        if is_common(password) {
            return Err(PasswordError::TooCommon);
        }
        Ok(Self(password.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

/// A listed password, a listed password with digits or symbols tacked on the end,
/// or one character repeated.
fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    if COMMON.contains(lower.as_str()) {
        return true;
    }
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    if stem.chars().count() >= 4 && stem != lower && COMMON.contains(stem) {
        return true;
    }
    let mut chars = lower.chars();
    let first = chars.next();
    first.is_some() && chars.all(|c| Some(c) == first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_shipped_and_large() {
        assert!(
            COMMON.len() >= 3000,
            "only {} common passwords",
            COMMON.len()
        );
    }

    #[test]
    fn policy() {
        assert_eq!(
            NewPassword::parse("short", "short").unwrap_err(),
            PasswordError::TooShort
        );
        assert_eq!(
            NewPassword::parse("password1234", "password1234").unwrap_err(),
            PasswordError::TooCommon
        );
        assert_eq!(
            NewPassword::parse("sunshine!!2024", "sunshine!!2024").unwrap_err(),
            PasswordError::TooCommon
        );
        assert_eq!(
            NewPassword::parse("zzzzzzzzzzzzzz", "zzzzzzzzzzzzzz").unwrap_err(),
            PasswordError::TooCommon
        );
        assert_eq!(
            NewPassword::parse("violet harbour lamp", "violet harbour lamp!").unwrap_err(),
            PasswordError::Mismatch
        );
        let long = "x".repeat(300);
        assert_eq!(
            NewPassword::parse(&long, &long).unwrap_err(),
            PasswordError::TooLong
        );
        // 64 characters, no composition rules, unicode counted as characters.
        let ok = "ünïcödé violet harbour lamp and a quiet cup of tea at noon today";
        assert!(NewPassword::parse(ok, ok).is_ok());
        assert!(format!("{:?}", NewPassword::parse(ok, ok).unwrap()).contains("redacted"));
    }
}
