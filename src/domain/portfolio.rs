//! Meta business portfolio ids.

use std::fmt;

/// A Meta business portfolio (Business Manager) id: 5 to 20 digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortfolioId(String);

impl PortfolioId {
    /// Parses an id; spaces around it are ignored.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let s = input.trim();
        if s.len() < 5 || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(
                "A business portfolio ID is 5 to 20 digits. Find it in Meta Business Settings → Business info.",
            );
        }
        Ok(Self(s.to_owned()))
    }

    /// Parses an optional form field: empty means none.
    pub fn parse_optional(input: &str) -> Result<Option<Self>, &'static str> {
        if input.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(input).map(Some)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PortfolioId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_only() {
        assert_eq!(
            PortfolioId::parse(" 1234567890 ").unwrap().as_str(),
            "1234567890"
        );
        assert!(PortfolioId::parse("12a45").is_err());
        assert!(PortfolioId::parse("123").is_err());
        assert!(PortfolioId::parse("act_123456").is_err());
        assert_eq!(PortfolioId::parse_optional("  ").unwrap(), None);
    }
}
