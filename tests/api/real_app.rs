//! Latchkey as operators run it against real Meta: `latchkey serve` in its own process,
//! configured with an app id and secret, talking to a standalone sandbox over HTTP, with
//! the agency connected by a system user's token pasted into Settings.

use meta_sandbox::world::{AGENCY_PORTFOLIO, SYSTEM_USER};

use crate::crash::{Browser, agency_with_link, facebook_login, meta, serve, wait_for};
use crate::helpers::{csrf_in, test_settings};

#[tokio::test]
async fn offboarding_removes_pages_shared_at_advertise_level() {
    let (sandbox, meta_base) = meta().await;
    let s = test_settings().await;
    std::fs::create_dir_all(&s.data_dir).unwrap();
    let latchkey = serve(&s.database_url(), &s.data_dir, &meta_base);
    let base = latchkey.base.clone();

    // Advertise: the agency never gets a Page's MANAGE task, so never a Page token that
    // could change the Page's partners from the owner's side.
    let staff = Browser::new();
    let (client_id, link) = agency_with_link(&staff, &base, "advertise").await;
    let client = Browser::new();
    facebook_login(&client, &base, &meta_base, &link).await;
    let picker = client.get(&format!("{base}/approve")).await;
    let token = csrf_in(&picker.body).unwrap();
    let chosen: Vec<String> = picker
        .body
        .split("name=\"asset\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .filter(|id| id.starts_with("120000000000"))
        .take(12)
        .collect();
    assert_eq!(chosen.len(), 12);
    let mut form: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
    form.extend(chosen.iter().map(|id| ("asset", id.as_str())));
    let r = client.post(&format!("{base}/approve"), &form).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let shared = || {
        sandbox
            .world()
            .shares
            .iter()
            .filter(|s| s.business_id == AGENCY_PORTFOLIO && chosen.contains(&s.asset_id))
            .inspect(|s| assert!(!s.tasks.iter().any(|t| t == "MANAGE"), "{:?}", s.tasks))
            .count()
    };
    wait_for("the 12 Pages shared at Meta", 60, async || shared() == 12).await;

    // The agency connects its Admin system user's token, as README's set-up says.
    let system_token = sandbox.issue_token(
        SYSTEM_USER,
        &[
            "business_management",
            "pages_show_list",
            "pages_manage_metadata",
        ],
        86_400,
    );
    let token = csrf_in(&staff.get(&format!("{base}/settings")).await.body).unwrap();
    let r = staff
        .post(
            &format!("{base}/settings/meta"),
            &[("token", system_token.as_str()), ("csrf", &token)],
        )
        .await;
    assert_eq!(r.location, "/settings?notice=saved", "{}", r.body);
    let offboard = format!("{base}/clients/{client_id}/offboard");
    wait_for("the grants recorded", 30, async || {
        staff
            .get(&offboard)
            .await
            .body
            .contains("Partner access to remove (12)")
    })
    .await;
    let token = csrf_in(&staff.get(&offboard).await.body).unwrap();
    let r = staff
        .post(
            &offboard,
            &[("confirm_name", "Northwind Retail"), ("csrf", &token)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let result = staff.get(&format!("{base}{}", r.location)).await.body;
    assert!(!result.contains("Not removed"), "{result}");
    assert_eq!(
        result.matches("<li class=\"ok\">").count(),
        13,
        "12 Pages and the client relationship: {result}"
    );
    assert_eq!(shared(), 0, "every Page gone at Meta");
    let owner = sandbox
        .world()
        .asset(&chosen[0])
        .unwrap()
        .owner
        .clone()
        .unwrap();
    assert!(
        !sandbox
            .world()
            .partnerships
            .contains(&(AGENCY_PORTFOLIO.to_owned(), owner)),
        "the relationship ended at Meta"
    );
}

#[tokio::test]
async fn webhooks_never_go_through_a_proxy_from_the_environment() {
    // A proxy an operator's machine may have set: it would CONNECT to any name, past the
    // address checks. It records every connection it gets.
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    proxy.set_nonblocking(true).unwrap();
    let (meta_sandbox, meta_base) = meta().await;
    let _ = meta_sandbox;
    let s = test_settings().await;
    std::fs::create_dir_all(&s.data_dir).unwrap();
    let latchkey = crate::crash::serve_with(
        &s.database_url(),
        &s.data_dir,
        &meta_base,
        &[
            ("HTTPS_PROXY", proxy_url.as_str()),
            ("https_proxy", proxy_url.as_str()),
            ("ALL_PROXY", proxy_url.as_str()),
            // Latchkey's own Meta calls go to the loopback sandbox; keep them direct.
            ("NO_PROXY", "127.0.0.1"),
        ],
    );
    let base = latchkey.base.clone();
    let staff = Browser::new();
    let (client_id, _) = agency_with_link(&staff, &base, "view").await;
    // An endpoint whose name only an internal DNS (or the proxy) would know.
    let token = csrf_in(&staff.get(&format!("{base}/settings/webhooks")).await.body).unwrap();
    let r = staff
        .post(
            &format!("{base}/settings/webhooks"),
            &[
                ("url", "https://metadata.internal.invalid/hook"),
                ("description", ""),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let token = csrf_in(&staff.get(&format!("{base}/requests/new")).await.body).unwrap();
    let r = staff
        .post(
            &format!("{base}/requests"),
            &[
                ("client_id", client_id.as_str()),
                ("kind", "page"),
                ("level_page", "view"),
                ("mode", "partner"),
                ("expiry_days", "14"),
                ("single_use", "1"),
                ("message", ""),
                ("delivery", "link"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(&s.database_url()).await.unwrap();
    let mut error = String::new();
    wait_for("a delivery attempt", 30, async || {
        error = sqlx::query_scalar(
            "SELECT last_error FROM webhook_deliveries WHERE attempts > 0 ORDER BY id LIMIT 1",
        )
        .fetch_optional(&db)
        .await
        .unwrap()
        .unwrap_or_default();
        !error.is_empty()
    })
    .await;
    assert_eq!(
        error,
        format!("Could not connect: {}", latchkey::webhooks::NOT_PUBLIC)
    );
    assert!(proxy.accept().is_err(), "the proxy was never reached");
}
