//! The grants dashboard: filters, totals, keyset pages in each order, CSV export, tenancy.

use latchkey::domain::GrantStatus;
use latchkey::domain::access::{AssetKind, GrantMode};
use latchkey::store::grants::{GrantRecord, upsert};

use crate::helpers::{PASSWORD, TestApp, spawn_app, spawn_client_of};

async fn seed(app: &TestApp, agency_id: i64, client_id: i64, n: usize) {
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    for i in 0..n {
        let asset = format!("11000000{i:05}");
        let name = format!("Page {i:03}");
        let (mode, grantee) = if i % 3 == 0 {
            (GrantMode::User, "ava@agency.example")
        } else {
            (GrantMode::Partner, "1000000001")
        };
        let status = if i % 5 == 0 {
            GrantStatus::Pending
        } else {
            GrantStatus::Active
        };
        upsert(
            &mut conn,
            &GrantRecord {
                agency_id,
                client_id,
                request_id: None,
                kind: if i % 2 == 0 {
                    AssetKind::Page
                } else {
                    AssetKind::AdAccount
                },
                asset_id: &asset,
                asset_name: &name,
                owner_portfolio_id: Some("2000000003"),
                mode,
                grantee,
                tasks: "ANALYZE",
                status,
                status_reason: "seeded",
                approved_by_name: "Casey, \"the\" client",
                approved_by_id: "9100000000000001",
                verified: true,
                existing: false,
                platform_ref: "",
            },
            app.clock.now() + i as i64,
        )
        .await
        .unwrap();
    }
}

async fn ready(app: &TestApp, n: usize) -> i64 {
    app.setup_and_login().await;
    let client = app.create_client("Messy Co", "casey@messy.example").await;
    // Grants need a request row to point at (foreign key): one placeholder request.
    sqlx::query(
        "INSERT INTO access_requests (id, agency_id, client_id, token_hash, token_prefix, mode, asks, user_people, message, single_use, expires_at, created_at)
         VALUES (0, 1, $1, 'seed', 'lkr_seed…', 'partner', 'page:view', '', '', 1, 0, 0)",
    )
    .bind(client)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    seed(app, 1, client, n).await;
    client
}

#[tokio::test]
async fn filters_totals_and_keyset_pages_in_each_order() {
    let app = spawn_app().await;
    let client = ready(&app, 120).await;
    let first = app.get("/grants").await;
    assert!(
        first.body.contains("Partner: 80") && first.body.contains("User-based: 40"),
        "totals"
    );
    assert!(first.body.contains("Page 119"), "newest first");
    assert!(first.body.contains("rel=\"next\""));
    // Walk every order to the end: each grant exactly once.
    for sort in ["newest", "asset", "due"] {
        let mut seen = std::collections::BTreeSet::new();
        let mut url = format!("/grants?sort={sort}");
        for _ in 0..10 {
            let page = app.get(&url).await;
            assert_eq!(page.status, 200);
            for part in page.body.split("<strong>Page ").skip(1) {
                assert!(
                    seen.insert(part[..3].to_owned()),
                    "{sort}: repeated {}",
                    &part[..3]
                );
            }
            match page
                .body
                .split("href=\"/grants?")
                .nth(1)
                .filter(|_| page.body.contains("rel=\"next\""))
            {
                Some(rest) => {
                    url = format!(
                        "/grants?{}",
                        rest.split('"')
                            .next()
                            .unwrap()
                            .replace("&amp;", "&")
                            .replace("&#38;", "&")
                    )
                }
                None => break,
            }
        }
        assert_eq!(seen.len(), 120, "{sort}");
    }
    let asset_first = app.get("/grants?sort=asset").await;
    let p0 = asset_first.body.find("Page 000").unwrap();
    let p1 = asset_first.body.find("Page 001").unwrap();
    assert!(p0 < p1);

    let users = app
        .get(&format!("/grants?client={client}&mode=user&status=pending"))
        .await;
    // i % 3 == 0 and i % 5 == 0: 0, 15, 30, … 105 → 8 grants.
    assert_eq!(users.body.matches("<strong>Page ").count(), 8);
    assert!(!users.body.contains("Partner — survives migration</span>"));
    let ads = app
        .get("/grants?kind=ad_account&status=bogus&mode=sideways")
        .await;
    assert!(
        ads.body.contains("Page 119</strong>") && !ads.body.contains("Page 118</strong>"),
        "kind filter applies; unknown values are ignored"
    );
    let none = app.get("/grants?due_before=2000-01-01").await;
    assert!(none.body.contains("No grants match"));
}

#[tokio::test]
async fn csv_export_parses_back() {
    let app = spawn_app().await;
    ready(&app, 30).await;
    let r = app.get("/grants.csv?mode=partner").await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    assert!(
        r.header("content-disposition")
            .unwrap()
            .contains("attachment")
    );
    let mut lines = r.body.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "id");
    assert_eq!(header[2], "platform");
    assert_eq!(header.len(), 17);
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 20, "30 grants, 10 of them user-based");
    // The quoted approver name survives a round trip.
    let row = rows[0];
    assert!(row.contains("\"Casey, \"\"the\"\" client\""), "{row}");
    let mut fields = Vec::new();
    let (mut cur, mut quoted, mut chars) = (String::new(), false, row.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    fields.push(cur);
    assert_eq!(fields.len(), 17);
    assert_eq!(fields[2], "meta");
    assert_eq!(fields[7], "partner");
    assert_eq!(fields[12], "Casey, \"the\" client");
}

#[tokio::test]
async fn another_agency_sees_none_of_it() {
    let app = spawn_app().await;
    let client = ready(&app, 10).await;
    app.create_agency("Beta Agency", "boss@beta.test").await;
    let beta = spawn_client_of(&app);
    beta.login("boss@beta.test", PASSWORD).await;
    // Another agency's client id is the same 404 as every foreign id, on the page and
    // in the export.
    let page = beta.get(&format!("/grants?client={client}")).await;
    assert_eq!(page.status, 404);
    assert!(!page.body.contains("Bloom"));
    let csv = beta.get(&format!("/grants.csv?client={client}")).await;
    assert_eq!(csv.status, 404);
    assert!(beta.get("/grants").await.body.contains("No grants"));
    let csv = beta.get("/grants.csv").await;
    assert_eq!(csv.body.lines().count(), 1, "header only");
}

#[tokio::test]
async fn the_kept_counts_match_the_grants_through_every_change() {
    let app = spawn_app().await;
    ready(&app, 40).await;
    let pool = &app.state.db.pool;
    let counted = || async {
        let kept: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
            "SELECT agency_id, kind, mode, status, n FROM grant_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let direct: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
            "SELECT agency_id, kind, mode, status, COUNT(*) FROM grants GROUP BY agency_id, kind, mode, status ORDER BY 1, 2, 3, 4",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        assert_eq!(kept, direct);
        kept
    };
    assert!(!counted().await.is_empty());
    // Status changes, a change that keeps the status, and deletions.
    sqlx::query("UPDATE grants SET status = 'lost' WHERE id % 3 = 0")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("UPDATE grants SET status_reason = 'checked' WHERE id % 2 = 0")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("UPDATE grants SET mode = 'user', status = 'needs_reauth' WHERE id % 5 = 0")
        .execute(pool)
        .await
        .unwrap();
    counted().await;
    sqlx::query(
        "DELETE FROM grant_events WHERE grant_id IN (SELECT id FROM grants WHERE id % 7 = 0)",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("DELETE FROM grants WHERE id % 7 = 0")
        .execute(pool)
        .await
        .unwrap();
    counted().await;
    // The dashboard's totals read them.
    let page = app.get("/grants?mode=user").await;
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM grants WHERE mode = 'user'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(
        page.body.contains(&format!("User-based: {users}")),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn an_unknown_status_in_the_database_is_an_error_never_a_guess() {
    let app = spawn_app().await;
    let client = ready(&app, 3).await;
    let ok = app.get(&format!("/clients/{client}")).await;
    assert_eq!(ok.status, 200);
    // A value no version of Latchkey writes: reading it must fail, not pass as "active".
    sqlx::query("UPDATE grants SET status = 'granted' WHERE id = (SELECT MIN(id) FROM grants)")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let err = latchkey::store::grants::for_client(&app.state.db.pool, 1, client)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, sqlx::Error::ColumnDecode { index, .. } if index.contains("status")),
        "{err}"
    );
    let page = app.get(&format!("/clients/{client}")).await;
    assert_eq!(page.status, 500);
    assert!(!page.body.contains("granted"), "internals are not shown");
}
