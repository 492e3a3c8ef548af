//! Free text from forms, trimmed and length-capped.

/// Trimmed text of at most `max` characters; `required` refuses empty input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundedText(String);

impl BoundedText {
    /// `what` names the field in the error ("Client name").
    pub fn parse(input: &str, what: &str, max: usize, required: bool) -> Result<Self, String> {
        let s = input.trim();
        if required && s.is_empty() {
            return Err(format!("{what} is required."));
        }
        if s.chars().count() > max {
            return Err(format!("{what} must be at most {max} characters."));
        }
        // Single-line fields never carry control characters; multi-line ones keep \n and \t.
        if s.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            return Err(format!("{what} contains characters that are not allowed."));
        }
        Ok(Self(s.replace("\r\n", "\n")))
    }

    /// Like `parse`, and also refuses line breaks (names, subjects).
    pub fn parse_line(input: &str, what: &str, max: usize, required: bool) -> Result<Self, String> {
        let t = Self::parse(input, what, max, required)?;
        if t.0.contains(['\n', '\r', '\t']) {
            return Err(format!("{what} must be a single line."));
        }
        Ok(t)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_and_trims() {
        assert_eq!(
            BoundedText::parse("  Acme  ", "Name", 10, true)
                .unwrap()
                .as_str(),
            "Acme"
        );
        assert!(BoundedText::parse("   ", "Name", 10, true).is_err());
        assert!(BoundedText::parse("ü".repeat(11).as_str(), "Name", 10, true).is_err());
        assert!(BoundedText::parse_line("a\r\nb", "Name", 10, true).is_err());
        assert_eq!(
            BoundedText::parse("a\r\nb", "Notes", 10, false)
                .unwrap()
                .as_str(),
            "a\nb"
        );
    }
}
