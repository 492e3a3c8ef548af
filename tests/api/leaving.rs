//! A person who leaves the agency, or is demoted, takes their power with them: their
//! keys act with no more than their current role, or not at all.

use reqwest::Method;
use serde_json::json;

use crate::approve::agency;
use crate::helpers::{PASSWORD, TestApp, link_in, path_of, spawn_client_of};
use crate::json_api::{Api, key};

/// Invites `email` as `role`; returns their signed-in browser and their user id.
async fn join(app: &TestApp, email: &str, role: &str) -> (TestApp, i64) {
    let r = app
        .post("/team/invite", &[("email", email), ("role", role)])
        .await;
    assert_eq!(r.location(), Some("/team?notice=invited"), "{}", r.body);
    let mail = app.wait_for_emails(email, 1).await;
    let path = path_of(&link_in(&mail[0].text, "/invite/"));
    let person = spawn_client_of(app);
    let r = person
        .post(
            &path,
            &[
                ("name", "Ada Admin"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    (person, id)
}

#[tokio::test]
async fn a_key_acts_with_its_maker_s_role_now() {
    let app = crate::helpers::spawn_app().await;
    agency(&app).await;
    let (ada, ada_id) = join(&app, "ada@agency.example", "admin").await;
    let k = key(&ada, "Ada's sync", "write").await;
    let api = Api::new(&app, &k).await;
    let made = api
        .post(
            "/api/v1/webhooks",
            json!({"url": "https://hooks.example.com/ada"}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);

    // Demoted to member: the same key may no longer manage webhooks, at once, with no
    // sweep — but may still do what a member may.
    let r = app
        .post(&format!("/team/{ada_id}/role"), &[("role", "member")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let refused = api
        .post(
            "/api/v1/webhooks",
            json!({"url": "https://hooks.example.com/again"}),
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(api.get("/api/v1/clients").await.status, 200);
    let keys = app.get("/settings/api-keys").await.body;
    assert!(keys.contains("by Ada Admin (now member)"), "{keys}");

    // Back to admin: the key follows again.
    app.post(&format!("/team/{ada_id}/role"), &[("role", "admin")])
        .await;
    let again = api
        .post(
            "/api/v1/webhooks",
            json!({"url": "https://hooks.example.com/back"}),
        )
        .await;
    assert_eq!(again.status, 201, "{}", again.text);
}

#[tokio::test]
async fn removing_someone_shows_what_is_theirs_then_takes_their_power() {
    let app = crate::helpers::spawn_app().await;
    let client_id = agency(&app).await;
    let (ada, ada_id) = join(&app, "ada@agency.example", "admin").await;
    let k = key(&ada, "Ada's sync", "write").await;
    let api = Api::new(&app, &k).await;
    let hook = api
        .post(
            "/api/v1/webhooks",
            json!({"url": "https://hooks.example.com/ada"}),
        )
        .await;
    assert_eq!(hook.status, 201, "{}", hook.text);
    let sent = api
        .call(
            Method::POST,
            "/api/v1/requests",
            Some(
                json!({"client_id": client_id, "asks": [{"kind": "page", "level": "view"}],
                        "mode": "partner", "delivery": "link",
                        "sender_email": "ada@agency.example"}),
            ),
            None,
        )
        .await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    let request_id = sent.body["request"]["id"].as_i64().unwrap();

    // Ada invited Carl, who has not joined yet.
    let r = ada
        .post(
            "/team/invite",
            &[("email", "carl@agency.example"), ("role", "member")],
        )
        .await;
    assert_eq!(r.location(), Some("/team?notice=invited"));
    let invite = path_of(&link_in(
        &app.wait_for_emails("carl@agency.example", 1).await[0].text,
        "/invite/",
    ));
    assert_eq!(app.get(&invite).await.status, 200);

    // The blast radius, before confirming.
    let confirm = app.get(&format!("/team/{ada_id}/remove")).await.body;
    for expected in [
        "Invitations they sent that are still open",
        "carl@agency.example",
        "API keys they made — revoked at once",
        "Ada&#39;s sync",
        "last used",
        "Webhooks they made — kept",
        "https://hooks.example.com/ada",
        "Open requests they sent — handed to you",
        "Request for Messy Co",
    ] {
        assert!(confirm.contains(expected), "{expected}: {confirm}");
    }
    // Nothing happened yet.
    assert_eq!(api.get("/api/v1/clients").await.status, 200);

    let r = app.post(&format!("/team/{ada_id}/remove"), &[]).await;
    let result = app.get(r.location().unwrap()).await.body;
    assert!(
        result.contains("Ada Admin was removed")
            && result.contains(
                "1 API key revoked; 1 open request handed to you; 1 invitation they sent withdrawn"
            ),
        "{result}"
    );
    // Her invitation was withdrawn with her (nobody kept it).
    assert_eq!(spawn_client_of(&app).get(&invite).await.status, 410);
    // The key is refused at once, and says why.
    let gone = api.get("/api/v1/clients").await;
    assert_eq!(gone.status, 401, "{}", gone.text);
    let revoked: Option<i64> = sqlx::query_scalar("SELECT revoked_at FROM api_keys")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(revoked.is_some());
    // Her sessions ended.
    assert_eq!(ada.get("/clients").await.status, 303);
    // The open request is now the remover's: replies reach someone still here.
    let (owner_id, sender): (i64, Option<i64>) = sqlx::query_as(
        "SELECT (SELECT id FROM users WHERE email = 'ava@agency.example'), created_by
         FROM access_requests WHERE id = $1",
    )
    .bind(request_id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(sender, Some(owner_id));
    // The webhook stays, marked.
    let hooks = app.get("/settings/webhooks").await.body;
    assert!(
        hooks.contains("Made by Ada Admin, who has left the agency"),
        "{hooks}"
    );
    let audit: String =
        sqlx::query_scalar("SELECT target FROM audit_log WHERE action = 'team.removed'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert!(
        audit.contains("1 API keys revoked, 1 open requests handed over, 1 invitations withdrawn"),
        "{audit}"
    );
}

#[tokio::test]
async fn a_key_whose_maker_left_or_that_expired_is_refused_with_the_reason() {
    let app = crate::helpers::spawn_app().await;
    agency(&app).await;
    let (ada, ada_id) = join(&app, "ada@agency.example", "admin").await;
    let k = key(&ada, "Old key", "read").await;
    let api = Api::new(&app, &k).await;
    // A maker gone without the revocation (as for a key made before removals revoked
    // keys): checked on every call, refused.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(ada_id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(ada_id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let r = api.get("/api/v1/clients").await;
    assert_eq!(r.status, 401);
    assert!(r.text.contains("has left the agency"), "{}", r.text);
    assert!(
        app.get("/settings/api-keys")
            .await
            .body
            .contains("Stopped: its maker left")
    );

    // A key made for 30 days works on day 29 and not on day 30.
    let bad = app
        .post(
            "/settings/api-keys",
            &[("name", "Short"), ("scope", "read"), ("expires", "7")],
        )
        .await;
    assert_eq!(bad.status, 422, "an expiry not offered is explained");
    assert!(
        bad.body.contains("Choose when the key expires"),
        "{}",
        bad.body
    );
    let r = app
        .post_shown(
            "/settings/api-keys",
            &[("name", "Short"), ("scope", "read"), ("expires", "30")],
        )
        .await;
    let at = r.body.find("value=\"lk_key_").unwrap() + 7;
    let short = r.body[at..].split('"').next().unwrap().to_owned();
    let api = Api::new(&app, &short).await;
    app.clock.advance(29 * 86_400);
    assert_eq!(api.get("/api/v1/clients").await.status, 200);
    app.clock.advance(86_400);
    let r = api.get("/api/v1/clients").await;
    assert_eq!(r.status, 401);
    assert!(r.text.contains("The key has expired"), "{}", r.text);
}

#[tokio::test]
async fn leaving_removes_their_assignments_at_meta_and_reads_each_back() {
    use meta_sandbox::world::AGENCY_PORTFOLIO;
    let app = crate::helpers::spawn_app().await;
    // The owner is Olivia; Ava (a person in the agency's Meta portfolio) works there.
    app.setup_demo_agency_as("Olivia Owner", "olivia@agency.example")
        .await;
    let (_ava, ava_id) = join(&app, "ava@agency.example", "member").await;
    app.post("/settings/meta/sandbox", &[]).await;
    let client = app.create_client("Messy Co", "casey@bloom.example").await;
    // A partner request naming Ava: Latchkey assigns her to each shared asset.
    let link = crate::approve::request(&app, client, &[("person", "ava@agency.example")]).await;
    let shared = ["1100000000000031", "act_2200000031"];
    crate::helpers::approve_as(&app, &link, crate::approve::CASEY, &shared).await;
    let sandbox = app.sandbox.as_ref().unwrap().clone();
    let ava_bsuid = sandbox
        .world()
        .members
        .iter()
        .find(|m| m.business_id == AGENCY_PORTFOLIO && m.person_id == "9100000000000003")
        .unwrap()
        .bsuid
        .clone();
    let assigned = |w: &meta_sandbox::world::World| {
        w.assignments
            .iter()
            .filter(|a| a.bsuid == ava_bsuid && shared.contains(&a.asset_id.as_str()))
            .count()
    };
    assert_eq!(assigned(&sandbox.world()), 2, "assigned at approval");

    // The blast radius, read from Meta now.
    let confirm = app.get(&format!("/team/{ava_id}/remove")).await.body;
    assert!(
        confirm.contains("Client assets at Meta they are assigned to")
            && confirm.contains("Messy Co (Facebook Page)")
            && confirm.contains("Messy Main Ads (Ad account)"),
        "{confirm}"
    );
    assert_eq!(assigned(&sandbox.world()), 2, "nothing changed yet");

    let r = app.post(&format!("/team/{ava_id}/remove"), &[]).await;
    assert_eq!(r.status, 303);
    let result = app.get(r.location().unwrap()).await.body;
    assert!(
        result.contains("Their assignments on client assets at Meta"),
        "{result}"
    );
    assert_eq!(result.matches("<li class=\"ok\">").count(), 2, "{result}");
    assert!(!result.contains("Not removed"), "{result}");
    assert_eq!(assigned(&sandbox.world()), 0, "gone at Meta");
    // A reload shows nothing again and removes nothing more.
    let again = app.get(r.location().unwrap()).await.body;
    assert!(!again.contains("Their assignments on client assets"));
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'team.meta_unassigned' AND target LIKE '%: Removed'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(audited, 2);
}

/// A sensitive form: where it posts, its fields, and the page it is on.
type Attempt<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);

#[tokio::test]
async fn keys_webhooks_roles_removals_and_the_meta_connection_need_a_fresh_confirmation() {
    let app = crate::helpers::spawn_app().await;
    agency(&app).await;
    let (_ada, ada_id) = join(&app, "ada@agency.example", "member").await;
    // Signed in 16 minutes ago: proof enough to read, not to hand over access.
    app.clock.advance(16 * 60);
    assert_eq!(app.get("/settings/api-keys").await.status, 200);
    let role = format!("/team/{ada_id}/role");
    let remove = format!("/team/{ada_id}/remove");
    // (where the form posts, the form, the page it is on)
    let attempts: Vec<Attempt> = vec![
        (
            "/settings/api-keys",
            vec![("name", "Late key"), ("scope", "read"), ("expires", "90")],
            "/settings/api-keys",
        ),
        (
            "/settings/webhooks",
            vec![("url", "https://hooks.example.com/late")],
            "/settings/webhooks",
        ),
        ("/settings/meta/sandbox", vec![], "/settings"),
        (&role, vec![("role", "admin")], "/team"),
        (&remove, vec![], &remove),
    ];
    for (path, form, back) in &attempts {
        let r = app.post(path, form).await;
        let expected = format!(
            "/account/confirm?next={}",
            url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
        );
        assert_eq!(r.location(), Some(expected.as_str()), "{path}");
    }
    let made: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM api_keys) + (SELECT COUNT(*) FROM webhook_endpoints)",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(made, 0, "nothing made");
    // A wrong password is refused; the right one confirms and sends back to the form.
    let page = app.get("/account/confirm?next=/settings/api-keys").await;
    assert!(page.body.contains("Confirm it is you"));
    let r = app
        .post(
            "/account/confirm",
            &[
                ("password", "not my password"),
                ("next", "/settings/api-keys"),
            ],
        )
        .await;
    assert_eq!(r.status, 401);
    let r = app
        .post(
            "/account/confirm",
            &[("password", PASSWORD), ("next", "/settings/api-keys")],
        )
        .await;
    assert_eq!(r.location(), Some("/settings/api-keys?notice=confirmed"));
    for (path, form, _) in &attempts[..2] {
        let r = app.post(path, form).await;
        assert_eq!(r.status, 303, "{path}: {}", r.body);
        assert!(
            !r.location().unwrap().starts_with("/account/confirm"),
            "{path}"
        );
    }
    // Fifteen minutes later, again.
    app.clock.advance(15 * 60 + 1);
    let r = app.post(attempts[3].0, &attempts[3].1).await;
    assert!(r.location().unwrap().starts_with("/account/confirm"));
}

#[tokio::test]
async fn a_key_s_maker_is_told_a_week_before_it_expires_once() {
    let app = crate::helpers::spawn_app().await;
    agency(&app).await;
    let (ada, _) = join(&app, "ada@agency.example", "admin").await;
    let r = ada
        .post_shown(
            "/settings/api-keys",
            &[
                ("name", "Monthly sync"),
                ("scope", "read"),
                ("expires", "30"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    // Eight days before: nothing yet.
    app.clock.advance(22 * 86_400);
    assert_eq!(
        latchkey::actions::api_keys::warn_expiring(&app.state)
            .await
            .unwrap(),
        0
    );
    // Seven days before: Ada is told, once.
    app.clock.advance(86_400);
    assert_eq!(
        latchkey::actions::api_keys::warn_expiring(&app.state)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        latchkey::actions::api_keys::warn_expiring(&app.state)
            .await
            .unwrap(),
        0
    );
    let mail = app.wait_for_emails("ada@agency.example", 2).await;
    let warned = mail
        .iter()
        .find(|m| m.subject.contains("“Monthly sync” expires on"))
        .expect("the warning");
    assert!(
        warned.text.contains("Settings → API keys"),
        "{}",
        warned.text
    );
    assert!(
        app.emails_to("ava@agency.example")
            .iter()
            .all(|m| !m.subject.contains("Monthly sync")),
        "only its maker"
    );
}

#[tokio::test]
async fn the_access_review_lists_who_holds_what_and_records_each_review() {
    let app = crate::helpers::spawn_app().await;
    app.setup_demo_agency_as("Olivia Owner", "olivia@agency.example")
        .await;
    let (ava, _) = join(&app, "ava@agency.example", "admin").await;
    // Join names everyone "Ada Admin"; Ava's Meta name is what the portfolio shows.
    let k = key(&ava, "Ava's sync", "read").await;
    app.post("/settings/meta/sandbox", &[]).await;
    let client = app.create_client("Messy Co", "casey@bloom.example").await;
    let link = crate::approve::request(&app, client, &[("person", "ava@agency.example")]).await;
    crate::helpers::approve_as(&app, &link, crate::approve::CASEY, &["1100000000000031"]).await;

    let page = app.get("/team/access-review").await.body;
    for expected in [
        "Olivia Owner",
        "ava@agency.example",
        "Ava&#39;s sync",
        "Messy Co — Messy Co (Facebook Page): Manage",
        "Who at your agency can use it",
        "No review confirmed yet.",
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    // The system user Latchkey assigns is listed too, as not in Latchkey.
    assert!(
        page.contains("In your Meta portfolio, not in Latchkey"),
        "{page}"
    );
    let csv = app.get("/team/access-review.csv").await;
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(
        csv.body.lines().any(|l| l.contains("ava@agency.example")
            && l.contains("Client asset")
            && l.contains("Messy Co (Facebook Page)")),
        "{}",
        csv.body
    );
    // Over the API, for a key whose maker is an admin.
    let api = Api::new(&app, &k).await;
    let r = api.get("/api/v1/access-review").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ava_row = r.body["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["email"] == "ava@agency.example")
        .unwrap()
        .clone();
    assert_eq!(ava_row["role"], "admin");
    assert_eq!(ava_row["keys"][0]["name"], "Ava's sync");
    assert_eq!(ava_row["assets"][0]["client"], "Messy Co");
    assert!(r.body["last_review"].is_null());

    // Confirmed: who and when, in the page, the API and the audit log.
    let r = app.post("/team/access-review/confirm", &[]).await;
    assert_eq!(
        r.location(),
        Some("/team/access-review?notice=review_confirmed")
    );
    let page = app.get("/team/access-review").await.body;
    assert!(
        page.contains("Olivia Owner &#60;olivia@agency.example&#62;"),
        "{page}"
    );
    assert_eq!(
        api.get("/api/v1/access-review").await.body["last_review"]["by"],
        "Olivia Owner"
    );
    // Owners require one every 30 days: the managers are e-mailed when it is due, once.
    let bad = app
        .post("/team/access-review/schedule", &[("every_days", "2")])
        .await;
    assert_eq!(bad.status, 400);
    app.post("/team/access-review/schedule", &[("every_days", "30")])
        .await;
    assert_eq!(
        latchkey::actions::access_review::remind_due(&app.state)
            .await
            .unwrap(),
        0
    );
    app.clock.advance(30 * 86_400 + 1);
    assert_eq!(
        latchkey::actions::access_review::remind_due(&app.state)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        latchkey::actions::access_review::remind_due(&app.state)
            .await
            .unwrap(),
        0
    );
    let mail = app.wait_for_emails("olivia@agency.example", 1).await;
    assert!(
        mail.iter()
            .any(|m| m.subject == "Your access review is due")
    );
    // A demoted maker's key may no longer read it.
    let ava_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'ava@agency.example'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    // (A month on, Olivia signs in again.)
    assert_eq!(
        app.login("olivia@agency.example", PASSWORD).await.status,
        303
    );
    let r = app
        .post(&format!("/team/{ava_id}/role"), &[("role", "member")])
        .await;
    assert_eq!(
        r.location(),
        Some("/team?notice=role_changed"),
        "{}",
        r.body
    );
    assert_eq!(api.get("/api/v1/access-review").await.status, 403);
}

#[tokio::test]
async fn the_remover_may_keep_the_invitations_the_person_sent() {
    let app = crate::helpers::spawn_app().await;
    agency(&app).await;
    let (ada, ada_id) = join(&app, "ada@agency.example", "admin").await;
    ada.post(
        "/team/invite",
        &[("email", "dora@agency.example"), ("role", "member")],
    )
    .await;
    let invite = path_of(&link_in(
        &app.wait_for_emails("dora@agency.example", 1).await[0].text,
        "/invite/",
    ));
    let r = app
        .post(&format!("/team/{ada_id}/remove"), &[("keep_invites", "1")])
        .await;
    assert_eq!(r.status, 303);
    let page = spawn_client_of(&app).get(&invite).await;
    assert_eq!(page.status, 200, "kept: Dora can still join");
    assert!(page.body.contains("Join"));
}
