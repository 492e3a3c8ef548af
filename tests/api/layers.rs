//! The layers, read from the sources: the web layer (pages and API) reaches the data, the
//! platforms and the mail only through `actions`, so a second platform slots in without
//! touching it (README, "Architecture").

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Lines of `dir`'s Rust files that name one of `modules` (as `crate::x`, or a path that
/// climbs out to it), comments aside.
fn naming(dir: &str, modules: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let hit = modules.iter().any(|m| {
                ["crate::", "super::"]
                    .iter()
                    .any(|root| names(code, &format!("{root}{m}")))
            });
            if hit {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    found
}

/// Whether `code` holds `path` as a whole path segment (`crate::mail`, not
/// `crate::mailbox`).
fn names(code: &str, path: &str) -> bool {
    code.match_indices(path).any(|(at, _)| {
        let after = code[at + path.len()..].chars().next();
        !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

#[test]
fn the_web_layer_reaches_data_platforms_and_mail_only_through_actions() {
    let found = naming("src/web", &["store", "meta", "mail"]);
    assert!(
        found.is_empty(),
        "src/web must call actions, not these:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_above_sees_what_it_looks_for() {
    // The actions do reach the store: the same scan over them must find it.
    assert!(!naming("src/actions", &["store"]).is_empty());
    assert!(names("use crate::mail::{eml};", "crate::mail"));
    assert!(!names("use crate::actions::mailbox;", "crate::mail"));
    assert!(names("use super::store;", "super::store"));
}
