//! The Google Ads Query Language, as far as the sandbox serves it: `SELECT` fields of one
//! resource `FROM` it, an optional `WHERE` of `=`, `!=` and `IN` conditions joined by `AND`,
//! and an optional `LIMIT`. Fields are judged by the `google-ads` types (`schema.rs`);
//! anything else is refused with the `QueryError` Google would give, never guessed at.

use std::iter::Peekable;
use std::str::Chars;

use super::schema;

/// A refusal: the `QueryError` code (`UNRECOGNIZED_FIELD`) and what it was about.
#[derive(Debug, PartialEq)]
pub struct QueryError {
    pub code: &'static str,
    pub at: String,
}

fn fail<T>(code: &'static str, at: impl Into<String>) -> Result<T, QueryError> {
    Err(QueryError {
        code,
        at: at.into(),
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Num(String),
    Comma,
    Open,
    Close,
    Eq,
    Ne,
}

fn string(chars: &mut Peekable<Chars>, quote: char) -> Result<Tok, QueryError> {
    let mut s = String::new();
    loop {
        match chars.next() {
            None => return fail("STRING_NOT_TERMINATED", s),
            Some('\\') => match chars.next() {
                Some(c) => s.push(c),
                None => return fail("BAD_ESCAPE_SEQUENCE", s),
            },
            Some('\n') => return fail("PROHIBITED_NEWLINE_IN_STRING", s),
            Some(c) if c == quote => return Ok(Tok::Str(s)),
            Some(c) => s.push(c),
        }
    }
}

fn tokens(query: &str) -> Result<Vec<Tok>, QueryError> {
    let mut out = Vec::new();
    let mut chars = query.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            ',' | '(' | ')' | '=' => {
                chars.next();
                out.push(match c {
                    ',' => Tok::Comma,
                    '(' => Tok::Open,
                    ')' => Tok::Close,
                    _ => Tok::Eq,
                });
            }
            '!' => {
                chars.next();
                if chars.next() != Some('=') {
                    return fail("BAD_OPERATOR", "!");
                }
                out.push(Tok::Ne);
            }
            '\'' | '"' => {
                chars.next();
                out.push(string(&mut chars, c)?);
            }
            c if c.is_ascii_digit() || c == '-' => {
                let mut n = String::new();
                while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit() || **d == '-') {
                    n.push(d);
                    chars.next();
                }
                out.push(Tok::Num(n));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut w = String::new();
                while let Some(&d) = chars
                    .peek()
                    .filter(|d| d.is_ascii_alphanumeric() || **d == '_' || **d == '.')
                {
                    w.push(d);
                    chars.next();
                }
                out.push(Tok::Word(w));
            }
            other => return fail("BAD_SYMBOL", other.to_string()),
        }
    }
    Ok(out)
}

/// A condition: `field = v`, `field != v` or `field IN (v, …)`.
#[derive(Debug, PartialEq)]
pub struct Condition {
    pub field: String,
    pub negated: bool,
    pub values: Vec<String>,
}

/// A parsed query: fields are `resource.field` names.
#[derive(Debug, PartialEq)]
pub struct Query {
    pub resource: String,
    pub fields: Vec<String>,
    pub conditions: Vec<Condition>,
    pub limit: Option<usize>,
}

impl Condition {
    pub fn holds(&self, value: &str) -> bool {
        self.values.iter().any(|v| v == value) != self.negated
    }
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn keyword(&self, k: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(k))
    }

    fn word(&mut self, missing: &'static str) -> Result<String, QueryError> {
        match self.next() {
            Some(Tok::Word(w)) => Ok(w),
            Some(other) => fail("UNEXPECTED_INPUT", format!("{other:?}")),
            None => fail(missing, ""),
        }
    }

    fn value(&mut self) -> Result<String, QueryError> {
        match self.next() {
            Some(Tok::Str(s) | Tok::Num(s)) => Ok(s),
            // Enum constants and booleans are written bare.
            Some(Tok::Word(w)) => Ok(w),
            Some(other) => fail("BAD_VALUE", format!("{other:?}")),
            None => fail("UNEXPECTED_END_OF_QUERY", ""),
        }
    }

    fn condition(&mut self) -> Result<Condition, QueryError> {
        let field = self.word("UNEXPECTED_END_OF_QUERY")?;
        let (negated, values) = match self.next() {
            Some(Tok::Eq) => (false, vec![self.value()?]),
            Some(Tok::Ne) => (true, vec![self.value()?]),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("IN") => {
                if self.next() != Some(Tok::Open) {
                    return fail("EXPECTED_LIST", field);
                }
                let mut values = vec![self.value()?];
                loop {
                    match self.next() {
                        Some(Tok::Comma) => values.push(self.value()?),
                        Some(Tok::Close) => break,
                        _ => return fail("EXPECTED_LIST", field),
                    }
                }
                (false, values)
            }
            Some(other) => return fail("BAD_OPERATOR", format!("{other:?}")),
            None => return fail("UNEXPECTED_END_OF_QUERY", field),
        };
        Ok(Condition {
            field,
            negated,
            values,
        })
    }
}

/// The fields `resource` has, if the sandbox serves it.
fn resource_fields(resource: &str) -> Option<&'static [&'static str]> {
    schema::ADS_RESOURCES
        .iter()
        .find(|(r, _)| *r == resource)
        .map(|(_, f)| *f)
}

/// `resource.field` of the FROM resource, or why not.
fn judge(resource: &str, field: &str) -> Result<(), QueryError> {
    let Some((owner, name)) = field.split_once('.') else {
        return fail("UNRECOGNIZED_FIELD", field);
    };
    if owner != resource {
        // Google allows a few attributed resources; the sandbox serves only the FROM one.
        return match resource_fields(owner) {
            Some(_) => fail("PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE", field),
            None => fail("UNRECOGNIZED_FIELD", field),
        };
    }
    match resource_fields(owner) {
        Some(fields) if fields.contains(&name) => Ok(()),
        _ => fail("UNRECOGNIZED_FIELD", field),
    }
}

pub fn parse(query: &str) -> Result<Query, QueryError> {
    let mut p = Parser {
        toks: tokens(query)?,
        at: 0,
    };
    if !p.keyword("SELECT") {
        return fail("EXPECTED_SELECT", "");
    }
    p.next();
    let mut fields = vec![p.word("UNEXPECTED_END_OF_QUERY")?];
    while p.peek() == Some(&Tok::Comma) {
        p.next();
        fields.push(p.word("UNEXPECTED_END_OF_QUERY")?);
    }
    if !p.keyword("FROM") {
        return fail("EXPECTED_FROM", "");
    }
    p.next();
    let resource = p.word("UNEXPECTED_END_OF_QUERY")?;
    if resource_fields(&resource).is_none() {
        return fail("BAD_RESOURCE_TYPE_IN_FROM_CLAUSE", resource);
    }
    for f in &fields {
        judge(&resource, f)?;
    }
    let mut conditions = Vec::new();
    if p.keyword("WHERE") {
        p.next();
        conditions.push(p.condition()?);
        while p.keyword("AND") {
            p.next();
            conditions.push(p.condition()?);
        }
        for c in &conditions {
            judge(&resource, &c.field)?;
        }
    }
    let mut limit = None;
    if p.keyword("LIMIT") {
        p.next();
        match p.next() {
            Some(Tok::Num(n)) => match n.parse::<usize>() {
                Ok(n) if n > 0 => limit = Some(n),
                _ => return fail("BAD_LIMIT_VALUE", n),
            },
            _ => return fail("BAD_LIMIT_VALUE", ""),
        }
    }
    if let Some(t) = p.peek() {
        return fail("UNEXPECTED_INPUT", format!("{t:?}"));
    }
    Ok(Query {
        resource,
        fields,
        conditions,
        limit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queries_latchkey_needs_parse_and_others_are_refused_in_google_s_codes() {
        let q = parse(
            "SELECT customer_client_link.client_customer, customer_client_link.status \
             FROM customer_client_link WHERE customer_client_link.client_customer = 'customers/5550000001' \
             AND customer_client_link.status IN ('PENDING', 'ACTIVE') LIMIT 10",
        )
        .unwrap();
        assert_eq!(q.resource, "customer_client_link");
        assert_eq!(q.fields.len(), 2);
        assert_eq!(q.conditions[1].values, ["PENDING", "ACTIVE"]);
        assert!(q.conditions[1].holds("ACTIVE") && !q.conditions[1].holds("INACTIVE"));
        assert_eq!(q.limit, Some(10));
        let code = |s: &str| parse(s).unwrap_err().code;
        assert_eq!(code("customer.id FROM customer"), "EXPECTED_SELECT");
        assert_eq!(code("SELECT customer.id"), "EXPECTED_FROM");
        assert_eq!(
            code("SELECT customer.id FROM campaign"),
            "BAD_RESOURCE_TYPE_IN_FROM_CLAUSE"
        );
        assert_eq!(
            code("SELECT customer.nickname FROM customer"),
            "UNRECOGNIZED_FIELD"
        );
        assert_eq!(
            code("SELECT customer_manager_link.status FROM customer"),
            "PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE"
        );
        assert_eq!(
            code("SELECT customer.id FROM customer WHERE customer.id = '1"),
            "STRING_NOT_TERMINATED"
        );
        assert_eq!(
            code("SELECT customer.id FROM customer LIMIT 0"),
            "BAD_LIMIT_VALUE"
        );
        assert_eq!(
            code("SELECT customer.id FROM customer ORDER BY customer.id"),
            "UNEXPECTED_INPUT"
        );
        assert_eq!(
            code("SELECT customer.id FROM customer WHERE customer.id > 1"),
            "BAD_SYMBOL"
        );
    }
}
