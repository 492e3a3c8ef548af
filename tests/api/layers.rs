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

/// `src` with comments, strings and character literals blanked (line breaks kept), so
/// that braces are counted only where they are code.
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    // Keeps only the line breaks of `b[from..to]`.
    let blank = |out: &mut String, from: usize, to: usize| {
        out.extend(
            b[from..to.min(b.len())]
                .iter()
                .filter(|c| **c == b'\n')
                .map(|_| '\n'),
        );
    };
    while i < b.len() {
        let rest = &src[i..];
        let ident_before = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            let end = i + rest.find("*/").map_or(rest.len(), |e| e + 2);
            blank(&mut out, i, end);
            i = end;
        } else if !ident_before && (rest.starts_with("r\"") || rest.starts_with("r#")) {
            let hashes = rest[1..].chars().take_while(|c| *c == '#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let body = 2 + hashes;
            let end = i
                + body
                + rest[body..]
                    .find(&close)
                    .map_or(rest.len(), |e| e + close.len());
            blank(&mut out, i, end);
            i = end;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            blank(&mut out, i, j + 1);
            i = j + 1;
        } else if b[i] == b'\'' && char_literal_len(rest).is_some() {
            i += char_literal_len(rest).unwrap_or(1);
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The length of a character literal at the start of `s` (`'{'`, `'\n'`), if it is one
/// rather than a lifetime.
fn char_literal_len(s: &str) -> Option<usize> {
    let mut chars = s.char_indices().skip(1);
    let (_, c) = chars.next()?;
    if c == '\\' {
        return s[2..].find('\'').map(|e| e + 3);
    }
    let (at, next) = chars.next()?;
    (next == '\'').then_some(at + 1)
}

/// Every function of `text` longer than `limit` lines, as (name, first line, lines).
fn long_functions(text: &str, limit: usize) -> Vec<(String, usize, usize)> {
    let code = code_only(text);
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(name) = fn_name(lines[i]) else {
            i += 1;
            continue;
        };
        let (mut depth, mut opened, mut j) = (0i32, false, i);
        while j < lines.len() {
            for c in lines[j].chars() {
                match c {
                    '{' => (depth, opened) = (depth + 1, true),
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if (opened && depth == 0) || (!opened && lines[j].trim_end().ends_with(';')) {
                break;
            }
            j += 1;
        }
        if j - i + 1 > limit {
            found.push((name, i + 1, j - i + 1));
        }
        i = if opened { j + 1 } else { i + 1 };
    }
    found
}

/// The name of the function a line starts, if it starts one.
fn fn_name(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "fn")?;
    let before_ok = words[..at]
        .iter()
        .all(|w| w.starts_with("pub") || matches!(*w, "async" | "const" | "unsafe"));
    let name: String = words
        .get(at + 1)?
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (before_ok && !name.is_empty()).then_some(name)
}

#[test]
fn the_size_checker_counts_code_not_strings_or_comments() {
    let src = "fn a() {\n    let s = \"{{{\";\n    let c = '{';\n    // {\n    let r = r#\"}\"#;\n}\nfn b<'x>(v: &'x str) -> &'x str {\n    v\n}\n";
    assert!(long_functions(src, 6).is_empty());
    let long = long_functions(src, 5);
    assert_eq!(long, vec![("a".to_owned(), 1, 6)]);
}

/// Product code (the product and its emulators) stays readable: no file over 600 lines
/// and no function over 80 (issue 26). Test files are held to the 600 lines too; a test
/// function is a journey read top to bottom and may be longer.
#[test]
fn no_file_over_600_lines_and_no_product_function_over_80() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    for krate in std::fs::read_dir(root.join("crates")).unwrap() {
        rust_files(&krate.unwrap().path().join("src"), &mut files);
    }
    let mut tests = Vec::new();
    rust_files(&root.join("tests"), &mut tests);
    rust_files(&root.join("benches"), &mut tests);
    let mut over = Vec::new();
    for file in tests {
        let lines = std::fs::read_to_string(&file).unwrap().lines().count();
        if lines > 600 {
            over.push(format!("{}: {lines} lines", file.display()));
        }
    }
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.strip_prefix(root).unwrap().display().to_string();
        let lines = text.lines().count();
        if lines > 600 {
            over.push(format!("{name}: {lines} lines"));
        }
        for (f, at, n) in long_functions(&text, 80) {
            over.push(format!("{name}:{at}: fn {f} is {n} lines"));
        }
    }
    assert!(over.is_empty(), "too long:\n{}", over.join("\n"));
}
