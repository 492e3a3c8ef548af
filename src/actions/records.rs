//! Grants recorded by hand (access that exists outside Latchkey) and their CSV import, so a
//! client's whole access picture is in one place before a migration.

use super::{Actor, Ctx, audit};
use crate::domain::access::{self, AccessLevel, AssetKind, GrantMode};
use crate::domain::{EmailAddress, GrantStatus};
use crate::error::{AppError, AppResult};
use crate::store::{agencies, clients, grants};

/// A row's line number, with the row or why it was refused.
type Numbered<T> = (usize, T);

/// Most rows one CSV file may hold.
const MAX_ROWS: usize = 10_000;

/// One record as typed (form fields or CSV columns).
#[derive(Debug, Default, Clone)]
pub struct Typed {
    pub kind: String,
    pub asset_id: String,
    pub asset_name: String,
    pub mode: String,
    pub person: String,
}

/// A hand-recorded grant, validated.
#[derive(Debug)]
pub struct Record {
    kind: AssetKind,
    asset_id: String,
    asset_name: String,
    mode: GrantMode,
    grantee: String,
}

/// Parses one record; the error says which field is wrong.
pub fn parse_record(
    kind: &str,
    asset_id: &str,
    asset_name: &str,
    mode: &str,
    person: &str,
    portfolio: Option<&str>,
) -> Result<Record, String> {
    let kind = AssetKind::parse(kind.trim())
        .ok_or("kind must be page, ad_account, instagram, catalog or pixel")?;
    let asset_id = asset_id.trim();
    let ok_id = !asset_id.is_empty()
        && asset_id.len() <= 40
        && asset_id
            .trim_start_matches("act_")
            .bytes()
            .all(|b| b.is_ascii_digit());
    if !ok_id {
        return Err("asset id must be Meta's numeric id (ad accounts may start with act_)".into());
    }
    // Line breaks inside a quoted CSV name fold into spaces, as a spreadsheet shows them.
    let asset_name = asset_name.split_whitespace().collect::<Vec<_>>().join(" ");
    if asset_name.is_empty()
        || asset_name.chars().count() > 200
        || asset_name.chars().any(char::is_control)
    {
        return Err("asset name is required (at most 200 characters)".into());
    }
    let mode = GrantMode::parse(mode.trim()).ok_or("mode must be partner or user")?;
    let grantee = match mode {
        GrantMode::Partner => portfolio
            .ok_or("partner access needs your agency's business portfolio ID in Settings")?
            .to_owned(),
        GrantMode::User => EmailAddress::parse(person)
            .map_err(|e| format!("person: {e}"))?
            .as_str()
            .to_owned(),
    };
    Ok(Record {
        kind,
        asset_id: asset_id.to_owned(),
        asset_name: asset_name.to_owned(),
        mode,
        grantee,
    })
}

/// Saves records by hand, numbered as the person sees them (form: 1; CSV: line). A record
/// never overwrites a grant approved through Latchkey, nor one of another client: those
/// come back as errors for their line, and nothing else is loctx.
async fn save(
    ctx: &Ctx,
    actor: &Actor,
    client_id: i64,
    records: &[(usize, Record)],
) -> AppResult<Vec<(usize, String)>> {
    let now = ctx.clock.now();
    let mut refused = Vec::new();
    let mut saved = 0usize;
    let mut tx = ctx.db.begin().await?;
    for (n, r) in records {
        let holder = grants::holder(
            &mut tx,
            actor.agency_id,
            &r.asset_id,
            r.mode.as_str(),
            &r.grantee,
        )
        .await?;
        match holder {
            Some((_, Some(_))) => {
                refused.push((
                    *n,
                    format!(
                        "{} is already recorded from a client's approval through Latchkey; that record is kept",
                        r.asset_id
                    ),
                ));
                continue;
            }
            Some((other, None)) if other != client_id => {
                refused.push((
                    *n,
                    format!(
                        "{} is already recorded for another client; record it there or remove it first",
                        r.asset_id
                    ),
                ));
                continue;
            }
            _ => {}
        }
        let tasks = access::tasks(r.kind, AccessLevel::View).join(",");
        grants::upsert(
            &mut tx,
            &grants::GrantRecord {
                agency_id: actor.agency_id,
                client_id,
                request_id: None,
                kind: r.kind,
                asset_id: &r.asset_id,
                asset_name: &r.asset_name,
                owner_portfolio_id: None,
                mode: r.mode,
                grantee: &r.grantee,
                tasks: &tasks,
                status: GrantStatus::Active,
                status_reason: "Recorded by hand: exists outside Latchkey.",
                approved_by_name: &actor.name,
                approved_by_id: "",
                verified: false,
                existing: false,
                platform_ref: "",
            },
            now,
        )
        .await?;
        saved += 1;
    }
    if saved > 0 {
        let target = format!("{saved} grants for client {client_id}");
        audit(&mut tx, actor, "grants.recorded", &target, now).await?;
    }
    tx.commit().await?;
    Ok(refused)
}

/// The agency's portfolio id (partner records name it as grantee); 404 for a foreign client.
async fn portfolio(ctx: &Ctx, actor: &Actor, client_id: i64) -> AppResult<Option<String>> {
    clients::get(&ctx.db.pool, actor.agency_id, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(agencies::get(&ctx.db.pool, actor.agency_id)
        .await?
        .ok_or(AppError::NotFound)?
        .portfolio_id)
}

/// Records one grant typed into the form. `Err(errors)` says what to correct.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, client = client_id))]
pub async fn record(
    ctx: &Ctx,
    actor: &Actor,
    client_id: i64,
    t: &Typed,
) -> AppResult<Result<(), Vec<String>>> {
    let portfolio = portfolio(ctx, actor, client_id).await?;
    let r = match parse_record(
        &t.kind,
        &t.asset_id,
        &t.asset_name,
        &t.mode,
        &t.person,
        portfolio.as_deref(),
    ) {
        Ok(r) => r,
        Err(e) => return Ok(Err(vec![e])),
    };
    let refused = save(ctx, actor, client_id, &[(1, r)]).await?;
    if refused.is_empty() {
        Ok(Ok(()))
    } else {
        Ok(Err(refused.into_iter().map(|(_, e)| e).collect()))
    }
}

/// What an import did: how many rows were saved, and each refused row (by line) with why.
#[derive(Debug, Default)]
pub struct Imported {
    pub imported: usize,
    pub refused: Vec<(usize, String)>,
}

/// CSV import: `kind,asset_id,asset_name,mode,person`, a header row optional; quoted
/// fields may hold commas, quotes and line breaks; a UTF-8 BOM and CRLF line ends are fine.
/// Good rows are imported; each bad row is reported with its line number and reason.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, client = client_id))]
pub async fn import(ctx: &Ctx, actor: &Actor, client_id: i64, data: &[u8]) -> AppResult<Imported> {
    let portfolio = portfolio(ctx, actor, client_id).await?;
    let (good, mut refused) = read_file(data, portfolio.as_deref())?;
    let mut imported = good.len();
    if !good.is_empty() {
        let not_saved = save(ctx, actor, client_id, &good).await?;
        imported -= not_saved.len();
        refused.extend(not_saved);
        refused.sort_by_key(|(n, _)| *n);
    }
    Ok(Imported { imported, refused })
}

/// A whole uploaded file: UTF-8 (a byte-order mark is fine), then its rows.
fn read_file(data: &[u8], portfolio: Option<&str>) -> AppResult<Rows> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    if std::str::from_utf8(data).is_err() {
        return Err(AppError::BadRequest(
            "The file must be a UTF-8 CSV file.".into(),
        ));
    }
    Ok(read_csv(data, portfolio))
}

/// Good rows and refused rows, each with its line.
type Rows = (Vec<Numbered<Record>>, Vec<Numbered<String>>);

/// Physical line numbers of byte offsets that only grow, counted once.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: usize,
}

impl LineCounter {
    fn at(&mut self, data: &[u8], byte: u64) -> usize {
        // A row's position is where reading it began: past the last row's `\r`, before
        // the rest of its line end and any blank lines; the row starts after those.
        let mut byte = (byte as usize).min(data.len());
        while data.get(byte).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            byte += 1;
        }
        if byte > self.offset {
            self.line += data[self.offset..byte]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.offset = byte;
        }
        self.line + 1
    }
}

/// Parses the rows of a CSV file into records and refusals, each with its line number.
fn read_csv(
    data: &[u8],
    portfolio: Option<&str>,
) -> (Vec<Numbered<Record>>, Vec<Numbered<String>>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    // The line a row starts on, as an editor numbers it (a quoted cell may span lines).
    let mut lines = LineCounter::default();
    for (i, row) in reader.records().enumerate() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let n = e.position().map_or(i + 1, |p| lines.at(data, p.byte()));
                bad.push((n, "this row is not valid CSV".to_owned()));
                continue;
            }
        };
        let n = row.position().map_or(i + 1, |p| lines.at(data, p.byte()));
        let blank = row.iter().all(|f| f.trim().is_empty());
        let header = i == 0
            && row
                .get(0)
                .is_some_and(|f| f.trim().eq_ignore_ascii_case("kind"));
        if blank || header {
            continue;
        }
        if row.len() != 5 {
            bad.push((n, format!("expected 5 columns, found {}", row.len())));
            continue;
        }
        match parse_record(&row[0], &row[1], &row[2], &row[3], &row[4], portfolio) {
            Ok(r) => good.push((n, r)),
            Err(e) => bad.push((n, e)),
        }
        if good.len() + bad.len() > MAX_ROWS {
            bad.push((n, "stopped: at most 10,000 rows per file".into()));
            break;
        }
    }
    (good, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_files_with_quotes_newlines_bom_and_crlf_import() {
        let file = "kind,asset_id,asset_name,mode,person\r\npage,1,\"Name, with comma\",user,a@b.test\r\npage,2,\"Two\r\nlines \"\"quoted\"\"\",user,a@b.test\r\n\r\npage,x,Bad,user,a@b.test\r\n";
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), file.as_bytes()].concat();
        let (good, bad) = read_file(&with_bom, None).unwrap();
        assert_eq!(good.len(), 2);
        assert_eq!(good[0].1.asset_name, "Name, with comma");
        assert_eq!(good[1].1.asset_name, "Two lines \"quoted\"");
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].0, 6, "the line the bad row starts on");
        assert!(bad[0].1.contains("asset id"));
        assert!(
            read_file(b"page,1,\xFF,user,a@b.test", None).is_err(),
            "not UTF-8"
        );
    }

    #[test]
    fn records_are_validated() {
        assert!(
            parse_record(
                "page",
                "123",
                "Old Page",
                "user",
                "ava@agency.example",
                None
            )
            .is_ok()
        );
        assert!(
            parse_record(
                "ad_account",
                "act_123",
                "Ads",
                "partner",
                "",
                Some("1000000001")
            )
            .is_ok()
        );
        assert!(
            parse_record("page", "12a", "x", "user", "a@b.test", None)
                .unwrap_err()
                .contains("asset id")
        );
        assert!(
            parse_record("spaceship", "1", "x", "user", "a@b.test", None)
                .unwrap_err()
                .contains("kind")
        );
        assert!(
            parse_record("page", "1", "x", "partner", "", None)
                .unwrap_err()
                .contains("portfolio")
        );
        assert!(
            parse_record("page", "1", "x", "user", "nope", None)
                .unwrap_err()
                .contains("person")
        );
    }
}
