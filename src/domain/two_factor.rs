//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, one step
//! of clock skew either way, as authenticator apps expect) and single-use recovery codes.
//! A code is accepted once: the step it matched is remembered, and an older or equal step
//! is refused after that (the store does it atomically).

use rand::RngCore;
use rand::rngs::OsRng;
use totp_rs::{Algorithm, Builder, Secret};

/// What authenticator apps show as the account's issuer.
pub const ISSUER: &str = "Latchkey";
/// Recovery codes made at enrolment (and each time they are made again).
pub const RECOVERY_CODES: usize = 10;

/// A new 160-bit secret (RFC 4226's recommended length), base32 as apps take it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    Secret::new_stack(bytes).to_base32()
}

fn totp(secret_b32: &str) -> Option<totp_rs::Totp> {
    let secret = Secret::try_from_base32(secret_b32).ok()?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .build()
        .ok()
}

/// The step a typed code matches at `now` (spaces ignored), if any.
pub fn check(secret_b32: &str, code: &str, now: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = u64::try_from(now).ok()?;
    totp(secret_b32)?
        .check(&code, now)
        .and_then(|step| i64::try_from(step).ok())
}

/// The code an app shows at `now` (tests and the sandbox's helpers compute it too).
pub fn code_at(secret_b32: &str, now: i64) -> Option<String> {
    Some(
        totp(secret_b32)?
            .generate(u64::try_from(now).ok()?)
            .to_string(),
    )
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
pub fn otpauth_uri(secret_b32: &str, account: &str) -> String {
    let label: String =
        url::form_urlencoded::byte_serialize(format!("{ISSUER}:{account}").as_bytes()).collect();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("secret", secret_b32)
        .append_pair("issuer", ISSUER)
        .append_pair("algorithm", "SHA1")
        .append_pair("digits", "6")
        .append_pair("period", "30")
        .finish();
    format!("otpauth://totp/{label}?{query}")
}

/// The QR code of `uri` as an inline SVG (dark on light, with its quiet zone).
pub fn qr_svg(uri: &str) -> String {
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .dark_color(qrcode::render::svg::Color("#111111"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// Ten recovery codes like `k7qm-3xdp-9wta` (60 bits each, no look-alike characters).
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 12];
            OsRng.fill_bytes(&mut bytes);
            let chars: Vec<char> = bytes
                .iter()
                .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
                .collect();
            format!(
                "{}-{}-{}",
                chars[0..4].iter().collect::<String>(),
                chars[4..8].iter().collect::<String>(),
                chars[8..12].iter().collect::<String>()
            )
        })
        .collect()
}

/// A typed recovery code as stored (lowercase, dashes and spaces dropped), or None when it
/// cannot be one.
pub fn normalise_recovery(typed: &str) -> Option<String> {
    let n: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (n.len() == 12 && n.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_sha1_vectors() {
        // RFC 6238 appendix B: the ASCII secret "12345678901234567890", 8 digits there;
        // the last six digits are what a 6-digit app shows.
        let secret = Secret::new_stack(*b"12345678901234567890").to_base32();
        for (t, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(code_at(&secret, t).unwrap(), eight[2..], "t={t}");
            assert!(check(&secret, &eight[2..], t).is_some());
        }
    }

    #[test]
    fn a_code_matches_its_step_and_one_either_side_only() {
        let s = new_secret();
        let now = 1_800_000_000;
        let code = code_at(&s, now).unwrap();
        assert_eq!(check(&s, &code, now), Some(now / 30));
        assert!(
            check(&s, &code, now + 30).is_some(),
            "one step late is skew"
        );
        assert!(
            check(&s, &code, now + 90).is_none(),
            "three steps late is not"
        );
        assert!(check(&s, "12 34 5", now).is_none());
        assert!(check(&s, "abcdef", now).is_none());
    }

    #[test]
    fn recovery_codes_are_distinct_and_normalise() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 10);
        assert_eq!(
            normalise_recovery(&codes[0].to_uppercase()).unwrap(),
            codes[0].replace('-', "")
        );
        assert!(normalise_recovery("short").is_none());
    }
}
