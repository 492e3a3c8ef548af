//! E-mail addresses that are safe to put in a mail header.

use std::fmt;

/// A syntactically valid, lower-cased e-mail address with no control characters.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses user input; the error is a sentence fit for a form.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let s = input.trim();
        if s.is_empty() {
            return Err("Enter an e-mail address.");
        }
        if s.len() > 254 {
            return Err("That e-mail address is too long.");
        }
        // CR/LF and other control characters would let an address smuggle mail headers.
        if s.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err("An e-mail address cannot contain spaces or line breaks.");
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err("Enter an e-mail address like name@example.com.");
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let domain_ok = domain.contains('.')
            && domain.len() <= 253
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !local_ok || !domain_ok {
            return Err("Enter an e-mail address like name@example.com.");
        }
        Ok(Self(s.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `j***@example.com`, for logs and lists where the full address is not needed.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks the local part of an address-like string.
pub fn mask(addr: &str) -> String {
    match addr.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.masked())
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_lowercases() {
        let e = EmailAddress::parse("  Ana.Silva+ads@Example.COM ").unwrap();
        assert_eq!(e.as_str(), "ana.silva+ads@example.com");
    }

    #[test]
    fn refuses_header_injection_and_junk() {
        for bad in [
            "",
            "a@b",
            "no-at-sign.example.com",
            "a@example.com\r\nBcc: x@evil.com",
            "a@exa mple.com",
            "a b@example.com",
            ".a@example.com",
            "a..b@example.com",
            "a@-example.com",
            "a@example..com",
        ] {
            assert!(
                EmailAddress::parse(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        let long = format!("{}@example.com", "a".repeat(300));
        assert!(EmailAddress::parse(&long).is_err());
    }

    #[test]
    fn masks_for_logs() {
        let e = EmailAddress::parse("jane@example.com").unwrap();
        assert_eq!(e.masked(), "j***@example.com");
        assert!(!format!("{e:?}").contains("jane"));
    }
}
