//! Reading back the `.eml` files the file transport writes, for the sandbox mail viewer,
//! with the `mail-parser` crate (RFC 2047 words, quoted-printable, base64, multipart).

use mail_parser::{Address, MessageParser};

/// The parts of a message the viewer shows.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub subject: String,
    pub to: String,
    pub from: String,
    pub date: String,
    pub text: String,
}

/// "Name <address>, …" as a header shows it, decoded.
fn addresses(a: Option<&Address<'_>>) -> String {
    a.map(|a| {
        a.iter()
            .map(|m| match (&m.name, &m.address) {
                (Some(n), Some(e)) => format!("{n} <{e}>"),
                (None, Some(e)) => e.to_string(),
                (Some(n), None) => n.to_string(),
                (None, None) => String::new(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    })
    .unwrap_or_default()
}

/// Parses a whole message; what cannot be read is left empty.
pub fn parse(raw: &str) -> Parsed {
    let Some(m) = MessageParser::default().parse(raw) else {
        return Parsed::default();
    };
    Parsed {
        subject: m.subject().unwrap_or_default().to_owned(),
        to: addresses(m.to()),
        from: addresses(m.from()),
        date: m
            .header_raw("Date")
            .map(|d| d.trim().to_owned())
            .unwrap_or_default(),
        text: m
            .body_text(0)
            .map(|t| t.replace("\r\n", "\n"))
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_lettre_output() {
        let from: lettre::message::Mailbox = "Latchkey <l@x.test>".parse().unwrap();
        let msg = lettre::Message::builder()
            .from(from)
            .to("ana@x.test".parse().unwrap())
            .subject("Zugriff für Bloom — ünïcödé")
            .multipart(lettre::message::MultiPart::alternative_plain_html(
                format!(
                    "Hello Ana,\n\nopen http://127.0.0.1:8080/r/lkr_abc to approve. {}\n",
                    "é".repeat(100)
                ),
                "<p>Hello</p>".to_owned(),
            ))
            .unwrap();
        let raw = String::from_utf8(msg.formatted()).unwrap();
        let p = parse(&raw);
        assert_eq!(p.subject, "Zugriff für Bloom — ünïcödé");
        assert!(p.to.contains("ana@x.test"));
        assert!(
            p.text.contains("http://127.0.0.1:8080/r/lkr_abc"),
            "{}",
            p.text
        );
        assert!(p.text.contains(&"é".repeat(100)));
    }

    #[test]
    fn decodes_encoded_words_and_quoted_printable() {
        let raw = "From: =?utf-8?q?Caf=C3=A9?= <c@x.test>\r\nTo: ana@x.test\r\nSubject: =?utf-8?b?w7xuw69jw7Zkw6k=?= =?utf-8?q?_ok?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 =\r\nbar a=3Db\r\n";
        let p = parse(raw);
        assert_eq!(p.subject, "ünïcödé ok");
        assert_eq!(p.from, "Café <c@x.test>");
        assert_eq!(p.text.trim_end(), "café bar a=b");
    }
}
