//! Graph's paging and field selection: opaque cursors, absolute `next`/`previous` URLs,
//! `limit`, `fields` and `summary=total_count`.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

pub(super) fn cursor(i: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("lkc:{i}"))
}

pub(super) fn uncursor(c: &str) -> Option<usize> {
    let raw = URL_SAFE_NO_PAD.decode(c).ok()?;
    String::from_utf8(raw)
        .ok()?
        .strip_prefix("lkc:")?
        .parse()
        .ok()
}

/// Keeps only requested fields (and `id`) when `fields` is given.
pub(super) fn pick(obj: Value, fields: Option<&String>) -> Value {
    let (Some(fields), Value::Object(map)) = (fields, &obj) else {
        return obj;
    };
    let wanted: Vec<&str> = fields
        .split(',')
        .map(|f| f.split(['{', '.']).next().unwrap_or("").trim())
        .collect();
    let kept: Map<String, Value> = map
        .iter()
        .filter(|(k, _)| *k == "id" || wanted.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Value::Object(kept)
}

/// The `data`/`paging` envelope with opaque cursors and absolute `next`/`previous` URLs.
pub(super) fn page(
    items: Vec<Value>,
    p: &BTreeMap<String, String>,
    base: &str,
    version: &str,
    path: &str,
) -> Value {
    let limit = p
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(25)
        .clamp(1, 100);
    let total = items.len();
    let (start, end) = if let Some(b) = p.get("before").and_then(|c| uncursor(c)) {
        (b.saturating_sub(limit), b.min(total))
    } else {
        let s = p
            .get("after")
            .and_then(|c| uncursor(c))
            .unwrap_or(0)
            .min(total);
        (s, (s + limit).min(total))
    };
    let data: Vec<Value> = items[start..end]
        .iter()
        .map(|v| pick(v.clone(), p.get("fields")))
        .collect();
    let link = |key: &str, at: usize| {
        let mut u =
            url::Url::parse(&format!("{base}/{version}/{path}")).expect("base URL is valid");
        {
            let mut q = u.query_pairs_mut();
            // Each parameter once: the cursor and limit are set below, and the proof is
            // the caller's to add.
            for (k, v) in p {
                if !matches!(k.as_str(), "after" | "before" | "limit" | "appsecret_proof") {
                    q.append_pair(k, v);
                }
            }
            q.append_pair("limit", &limit.to_string())
                .append_pair(key, &cursor(at));
        }
        u.to_string()
    };
    let mut paging = json!({"cursors": {"before": cursor(start), "after": cursor(end)}});
    if end < total {
        paging["next"] = json!(link("after", end));
    }
    if start > 0 {
        paging["previous"] = json!(link("before", start));
    }
    let mut out = json!({"data": data, "paging": paging});
    if p.get("summary").is_some_and(|s| s.contains("total_count")) {
        out["summary"] = json!({"total_count": total});
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        assert_eq!(uncursor(&cursor(42)), Some(42));
        assert_eq!(uncursor("garbage"), None);
    }
}
