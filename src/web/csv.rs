//! CSV downloads: one row at a time through the `csv` crate, with formula injection
//! neutralised so a spreadsheet never runs a cell.

/// One CSV row, line end included. A cell starting with `= + - @` gets a leading `'`, so a
/// spreadsheet shows it as text instead of running it as a formula; line breaks in a
/// cell become spaces, so every row is one line.
pub fn row<S: AsRef<str>>(fields: &[S]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let cells = fields.iter().map(|f| {
        let mut v = f.as_ref().replace(['\r', '\n'], " ");
        if v.starts_with(['=', '+', '-', '@']) {
            v.insert(0, '\'');
        }
        v
    });
    // Writing to a Vec cannot fail.
    let _ = w.write_record(cells);
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::row;

    fn one(v: &str) -> String {
        String::from_utf8(row(&[v]))
            .unwrap()
            .trim_end_matches('\n')
            .to_owned()
    }

    #[test]
    fn cells_are_quoted_and_never_formulas() {
        assert_eq!(one("plain"), "plain");
        assert_eq!(one("a,b"), "\"a,b\"");
        assert_eq!(one("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(one("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(one("two\nlines"), "two lines");
        assert_eq!(String::from_utf8(row(&["a", "b"])).unwrap(), "a,b\n");
    }
}
