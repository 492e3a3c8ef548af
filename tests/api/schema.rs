//! The SQLite and PostgreSQL migrations describe the same tables and columns.

use std::collections::BTreeMap;

/// table → column names, read from a migrations folder's CREATE TABLE statements.
fn columns(dir: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let sql = std::fs::read_to_string(&f).unwrap();
        let mut table: Option<String> = None;
        for line in sql.lines().map(str::trim) {
            if line.starts_with("--") {
                continue;
            }
            if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
                let name = rest
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .trim_end_matches('(')
                    .to_owned();
                out.insert(name.clone(), Vec::new());
                table = Some(name);
            } else if line.starts_with(");") {
                table = None;
            } else if let Some(t) = &table {
                let col = line
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                if !col.is_empty()
                    && !["PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "CONSTRAINT"]
                        .contains(&col.as_str())
                {
                    out.get_mut(t).unwrap().push(col);
                }
            } else if let Some(rest) = line.strip_prefix("ALTER TABLE ") {
                let mut words = rest.split_whitespace();
                let t = words.next().unwrap().to_owned();
                if words.next() == Some("ADD") {
                    let mut col = words.next().unwrap();
                    if col == "COLUMN" {
                        col = words.next().unwrap();
                    }
                    out.entry(t).or_default().push(col.to_owned());
                }
            }
        }
    }
    out
}

#[test]
fn sqlite_and_postgres_migrations_match() {
    let sqlite = columns(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"));
    let postgres = columns(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"));
    assert!(sqlite.len() >= 8, "{sqlite:?}");
    assert_eq!(sqlite, postgres);
    let names = |d: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")),
        names(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
    );
}
