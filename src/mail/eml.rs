//! Reading back the `.eml` files the file transport writes, for the sandbox mail viewer:
//! headers (RFC 2047 decoded), and the text/plain part (quoted-printable or base64 decoded).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The parts of a message the viewer shows.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub subject: String,
    pub to: String,
    pub from: String,
    pub date: String,
    pub text: String,
}

/// Splits headers from body; header names are lower-cased, folded lines joined.
fn split_headers(raw: &str) -> (Vec<(String, String)>, &str) {
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .or_else(|| raw.split_once("\n\n"))
        .unwrap_or((raw, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    (headers, body)
}

fn get<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Parses a whole message.
pub fn parse(raw: &str) -> Parsed {
    let (headers, body) = split_headers(raw);
    Parsed {
        subject: decode_words(get(&headers, "subject")),
        to: decode_words(get(&headers, "to")),
        from: decode_words(get(&headers, "from")),
        date: get(&headers, "date").to_owned(),
        text: text_part(&headers, body),
    }
}

fn text_part(headers: &[(String, String)], body: &str) -> String {
    let ctype = get(headers, "content-type").to_ascii_lowercase();
    if ctype.starts_with("multipart/") {
        let Some(boundary) = get(headers, "content-type")
            .split(';')
            .map(str::trim)
            .find_map(|p| {
                p.strip_prefix("boundary=")
                    .or_else(|| p.strip_prefix("BOUNDARY="))
            })
            .map(|b| b.trim_matches('"').to_owned())
        else {
            return String::new();
        };
        let marker = format!("--{boundary}");
        for part in body.split(&marker).skip(1) {
            let part = part.trim_start_matches("\r\n").trim_start_matches('\n');
            if part.starts_with("--") {
                break;
            }
            let (h, b) = split_headers(part);
            let inner = text_part(&h, b);
            if !inner.is_empty() {
                return inner;
            }
        }
        return String::new();
    }
    if !(ctype.is_empty() || ctype.starts_with("text/plain")) {
        return String::new();
    }
    decode_body(get(headers, "content-transfer-encoding"), body)
}

fn decode_body(encoding: &str, body: &str) -> String {
    match encoding.to_ascii_lowercase().as_str() {
        "base64" => {
            let joined: String = body.split_whitespace().collect();
            STANDARD
                .decode(joined)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        }
        "quoted-printable" => quoted_printable(body),
        _ => body.replace("\r\n", "\n"),
    }
}

/// Decodes quoted-printable (soft line breaks and `=XX` escapes).
pub fn quoted_printable(s: &str) -> String {
    let s = s.replace("=\r\n", "").replace("=\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Some(v) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`).
pub fn decode_words(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("=?") {
        let Some(end) = rest[start + 2..].find("?=").map(|e| start + 2 + e) else {
            break;
        };
        let word = &rest[start + 2..end];
        let mut parts = word.splitn(3, '?');
        let (_charset, enc, text) = (parts.next(), parts.next(), parts.next());
        let decoded = match (enc.map(str::to_ascii_lowercase).as_deref(), text) {
            (Some("b"), Some(t)) => STANDARD
                .decode(t)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned()),
            (Some("q"), Some(t)) => Some(quoted_printable(&t.replace('_', " "))),
            _ => None,
        };
        let between = &rest[..start];
        // Whitespace between two encoded words is not part of the text.
        if !(out.ends_with('\u{0}') && between.trim().is_empty()) {
            out.push_str(between);
        }
        out.push_str(&decoded.unwrap_or_else(|| rest[start..end + 2].to_owned()));
        out.push('\u{0}');
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out.replace('\u{0}', "")
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
    fn quoted_printable_basics() {
        assert_eq!(quoted_printable("caf=C3=A9 =\r\nbar"), "café bar");
        assert_eq!(quoted_printable("a=3Db"), "a=b");
        assert_eq!(quoted_printable("ends ="), "ends =");
    }
}
