//! A person leaves the agency and nothing of theirs stays behind.

use super::*;

#[tokio::test]
async fn a_person_leaves_and_nothing_of_theirs_stays_behind() {
    let Some(driver) = driver_url() else {
        return;
    };
    let (base, state, sandbox) = spawn().await;
    // Olivia owns the agency; Ava, a person in its Meta portfolio, is an admin there.
    let o = Browser::open(&driver, "owner", 1280, 900).await;
    o.goto(&base).await;
    o.find("setup", "form[action='/setup']").await;
    o.fill("setup", "#agency_name", "Demo Agency").await;
    o.fill("setup", "#name", "Olivia Owner").await;
    o.fill("setup", "#email", "olivia@agency.example").await;
    o.fill("setup", "#password", PASSWORD).await;
    o.fill("setup", "#confirm", PASSWORD).await;
    o.click("setup", "form[action='/setup'] button[type=submit]")
        .await;
    o.expect_text("setup", "Welcome to Latchkey.").await;
    o.goto(&format!("{base}/settings")).await;
    o.click("connect", "form[action='/settings/meta/sandbox'] button")
        .await;
    o.expect_text("connect", "Connected since").await;
    o.goto(&format!("{base}/team")).await;
    o.fill("invite", "#invite-email", "ava@agency.example")
        .await;
    o.script("document.querySelector('#invite-role').value = 'admin'; true")
        .await;
    o.click("invite", "form[action='/team/invite'] button[type=submit]")
        .await;
    o.expect_text("invite", "ava@agency.example").await;

    let a = Browser::open(&driver, "leaver", 1280, 900).await;
    // Account mail is never in the sandbox mailbox for others: the invitation's link is
    // read from the outbox, as the invited person's mail client would show it.
    let sealed: String =
        sqlx::query_scalar("SELECT text_body FROM outbox WHERE kind = 'staff_invite'")
            .fetch_one(&state.db.pool)
            .await
            .unwrap();
    let text = state.secrets.open(&sealed).unwrap();
    let invite = text
        .split_whitespace()
        .find(|w| w.contains("/invite/"))
        .unwrap()
        .to_owned();
    a.goto(&invite).await;
    a.fill("join", "#name", "Ava Agency").await;
    a.fill("join", "#password", PASSWORD).await;
    a.fill("join", "#confirm", PASSWORD).await;
    a.click("join", "form button[type=submit]").await;
    a.expect_text("join", "Ava Agency · Demo Agency").await;
    // Ava makes a key and a webhook.
    a.goto(&format!("{base}/settings/api-keys")).await;
    a.fill("key", "#name", "Ava's CRM sync").await;
    a.click("key", "input[name=scope][value=write]").await;
    a.click(
        "key",
        "form[action='/settings/api-keys'] button[type=submit]",
    )
    .await;
    a.expect_text("key", "This is the only time the key is shown")
        .await;
    a.goto(&format!("{base}/settings/webhooks")).await;
    a.fill("hook", "#url", "https://hooks.example.com/ava")
        .await;
    a.click(
        "hook",
        "form[action='/settings/webhooks'] button[type=submit]",
    )
    .await;
    a.expect_text("hook", "hooks.example.com/ava").await;

    // A client shares its Page with the agency; Latchkey assigns Ava to it.
    o.goto(&format!("{base}/clients/new")).await;
    o.fill("client", "#name", "Messy Co").await;
    o.fill("client", "#contact_email", "casey@bloom.example")
        .await;
    o.click("client", "form[action='/clients'] button[type=submit]")
        .await;
    o.expect_text("client", "Client added.").await;
    o.click("request", "a[href^='/requests/new?client_id=']")
        .await;
    o.click("request", "input[name=person][value='ava@agency.example']")
        .await;
    o.click("request", "form[action='/requests'] button[type=submit]")
        .await;
    o.expect_text("request", "This is the only time the link is shown")
        .await;
    let c = Browser::open(&driver, "client-of-leaver", 1280, 900).await;
    let link = link_from_mailbox(&c, &base, "Demo Agency asks for access", "mailbox").await;
    c.goto(&link).await;
    sandbox_login(&c, "input[name=person][value='9100000000000001']", "login").await;
    c.click("picker", "input[name=asset][value='1100000000000031']")
        .await;
    c.click("picker", "form[action='/approve'] button[type=submit]")
        .await;
    c.find("done", "main").await;
    c.shot("done").await;
    // The approval finishes (shares, assigns Ava, records) before the page says so.
    let deadline = std::time::Instant::now() + WAIT;
    while count(
        &state,
        "SELECT COUNT(*) FROM grants WHERE asset_id = '1100000000000031' AND mode = 'partner' AND status = 'active'",
    )
    .await
        == 0
    {
        assert!(std::time::Instant::now() < deadline, "the Page was not shared");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Olivia removes Ava: first everything tied to her, then the result per asset.
    let ava_id = count(
        &state,
        "SELECT id FROM users WHERE email = 'ava@agency.example'",
    )
    .await;
    o.goto(&format!("{base}/team/{ava_id}/remove")).await;
    for text in [
        "API keys they made — revoked at once",
        "Ava's CRM sync",
        "Webhooks they made — kept",
        "https://hooks.example.com/ava",
        "Client assets at Meta they are assigned to",
        "Messy Co (Facebook Page)",
    ] {
        o.expect_text("blast-radius", text).await;
    }
    o.shot("blast-radius").await;
    o.click("remove", "form[action$='/remove'] button.danger")
        .await;
    o.expect_text("removed", "Ava Agency was removed").await;
    o.expect_text("removed", "1 API key revoked").await;
    o.expect_text("removed", "Their assignments on client assets at Meta")
        .await;
    holds(
        &o,
        "removed",
        "return document.querySelectorAll('.results li.ok').length === 1 && !document.body.innerText.includes('Not removed');",
        "one asset, removed",
    )
    .await;
    o.shot("removed").await;
    // A reload repeats nothing and shows the result no more.
    o.client.refresh().await.unwrap();
    o.find("reload", "main").await;
    holds(
        &o,
        "reload",
        "return !document.body.innerText.includes('was removed');",
        "the result is shown once",
    )
    .await;
    // Her browser is signed out; her key stopped; Meta no longer lists her on the Page.
    a.goto(&format!("{base}/clients")).await;
    a.find("signed-out", "form[action='/login']").await;
    assert_eq!(
        count(
            &state,
            "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL"
        )
        .await,
        0
    );
    let sandbox = sandbox.as_ref().unwrap();
    let world = sandbox.world();
    let ava_here = world
        .members
        .iter()
        .find(|m| {
            m.person_id == "9100000000000003"
                && m.business_id == meta_sandbox::world::AGENCY_PORTFOLIO
        })
        .map(|m| m.bsuid.clone());
    assert!(
        !world
            .assignments
            .iter()
            .any(|x| x.asset_id == "1100000000000031" && Some(&x.bsuid) == ava_here.as_ref()),
        "Ava unassigned at Meta"
    );
    for b in [o, a, c] {
        b.valid_html();
        b.client.close().await.ok();
    }
}
