//! One cursor for every list, on pages and in the API: opaque, sealed with the
//! installation's key (a visitor can neither read nor forge one, nor move one to another
//! list) and versioned (`c1.`), so its contents can change without breaking links. What it
//! holds is the list's own position (an id, or a sort value and an id), as JSON.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Ctx;

const VERSION: &str = "c1.";

#[derive(Serialize, serde::Deserialize)]
struct Sealed<T> {
    /// The list the cursor belongs to.
    l: String,
    /// The position.
    p: T,
}

/// The cursor for `position` in `list`.
pub fn encode<T: Serialize>(ctx: &Ctx, list: &str, position: &T) -> String {
    let plain = serde_json::to_string(&Sealed {
        l: list.to_owned(),
        p: position,
    })
    .unwrap_or_default();
    // The sealed form is `v1:` + standard base64: made URL-safe, so links need no escaping.
    let sealed = ctx.secrets.seal(&plain);
    let body = sealed.split_once(':').map_or("", |(_, b)| b);
    format!("{VERSION}{}", body.replace('+', "-").replace('/', "_"))
}

/// The position a cursor of `list` holds; `None` for anything else (another list's, an
/// old version's, a forged or damaged one).
pub fn decode<T: DeserializeOwned>(ctx: &Ctx, list: &str, raw: &str) -> Option<T> {
    let body = raw.strip_prefix(VERSION)?;
    let sealed = format!("v1:{}", body.replace('-', "+").replace('_', "/"));
    let plain = ctx.secrets.open(&sealed).ok()?;
    let got: Sealed<T> = serde_json::from_str(&plain).ok()?;
    (got.l == list).then_some(got.p)
}
