//! An approval's stored results, read back: each intent's asset and each item's outcomes
//! (a row that cannot be read is an error, never skipped), the flow's latest outcome per
//! asset, and the agency's words for what was not shared.

use std::collections::BTreeMap;

use crate::actions::platforms::Offered;
use crate::actions::platforms::Outcome;
use crate::domain::GrantStatus;
use crate::error::AppError;
use crate::meta::error::for_agency;
use crate::store::flows::Item;

/// The asset an intent names. A row that cannot be read is an error, logged with where it
/// is, never skipped: skipping would leave its asset neither shared nor answered.
pub(super) fn parse_asset(item: &Item) -> Result<Offered, AppError> {
    serde_json::from_str(&item.asset).map_err(|e| unreadable(item, "asset", &e))
}

/// The outcomes recorded for an item (none while only intended).
pub(super) fn parse_outcomes(item: &Item) -> Result<Vec<Outcome>, AppError> {
    match item.outcomes.as_deref() {
        None => Ok(Vec::new()),
        Some(o) => serde_json::from_str(o).map_err(|e| unreadable(item, "outcomes", &e)),
    }
}

fn unreadable(item: &Item, what: &str, e: &serde_json::Error) -> AppError {
    tracing::error!(item = item.id, asset = %item.asset_id, error = %e, "a stored approval {what} cannot be read");
    AppError::Unexpected(anyhow::anyhow!(
        "the stored {what} of approval item {} (asset {}) cannot be read: {e}",
        item.id,
        item.asset_id
    ))
}

/// The flow's results: for each asset, the outcomes of its latest answered attempt.
pub(super) fn merged(items: &[Item]) -> Result<Vec<Outcome>, AppError> {
    let mut latest: BTreeMap<&str, (i64, Vec<Outcome>)> = BTreeMap::new();
    for i in items {
        if i.outcomes.is_none() {
            continue;
        }
        let outcomes = parse_outcomes(i)?;
        match latest.get(i.asset_id.as_str()) {
            Some((a, _)) if *a > i.attempt => {}
            _ => {
                latest.insert(&i.asset_id, (i.attempt, outcomes));
            }
        }
    }
    // Keep the order in which assets were first chosen.
    let mut order: Vec<&str> = Vec::new();
    for i in items {
        if !order.contains(&i.asset_id.as_str()) {
            order.push(&i.asset_id);
        }
    }
    Ok(order
        .into_iter()
        .filter_map(|id| latest.remove(id))
        .flat_map(|(_, o)| o)
        .collect())
}

/// ". Not shared — <reason>: A (Page), B (Ad account)" for the request's timeline, in the
/// agency's words, one line per reason.
pub(super) fn not_shared(made: &[&Outcome]) -> String {
    let mut by_reason: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for o in made.iter().filter(|o| o.status == GrantStatus::Failed) {
        by_reason
            .entry(for_agency(&o.reason))
            .or_default()
            .push(format!("{} ({})", o.asset_name, o.kind.label()));
    }
    by_reason
        .into_iter()
        .map(|(why, assets)| format!(". Not shared: {} — {why}", assets.join(", ")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, attempt: i64, outcomes: Option<&str>) -> Item {
        Item {
            id,
            attempt,
            asset_id: format!("a{id}"),
            asset: "{}".into(),
            outcomes: outcomes.map(str::to_owned),
        }
    }

    #[test]
    fn an_unreadable_stored_result_is_an_error_not_a_missing_asset() {
        assert!(
            merged(&[item(1, 1, None), item(2, 1, Some("[]"))])
                .unwrap()
                .is_empty()
        );
        let err = merged(&[item(1, 1, Some("[]")), item(2, 1, Some("{not json"))]).unwrap_err();
        assert!(err.to_string().contains("approval item 2"), "{err}");
        assert!(
            parse_asset(&item(3, 1, None)).is_err(),
            "an empty object is no asset"
        );
    }
}
