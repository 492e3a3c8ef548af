//! The whole agency and client journey in Chromium, from set-up to offboarding.

use super::*;

#[tokio::test]
async fn the_whole_agency_and_client_journey() {
    let Some(driver) = driver_url() else {
        return;
    };
    let (base, state, sandbox) = spawn().await;
    let a = Browser::open(&driver, "agency", 1280, 900).await;

    // Set-up creates the agency and logs in.
    a.goto(&base).await;
    a.find("setup", "form[action='/setup']").await;
    a.shot("setup").await;
    a.fill("setup", "#agency_name", "Demo Agency").await;
    a.fill("setup", "#name", "Ava Agency").await;
    a.fill("setup", "#email", "ava@agency.example").await;
    a.fill("setup", "#password", PASSWORD).await;
    a.fill("setup", "#confirm", PASSWORD).await;
    a.click("setup", "form[action='/setup'] button[type=submit]")
        .await;
    a.expect_text("dashboard", "Welcome to Latchkey.").await;
    a.shot("dashboard").await;
    // Log out and in again through the login form.
    a.click("logout", "form[action='/logout'] button").await;
    a.expect_text("logout", "You are logged out.").await;
    a.fill("login", "#email", "ava@agency.example").await;
    a.fill("login", "#password", PASSWORD).await;
    a.shot("login").await;
    a.click("login", "form[action='/login'] button[type=submit]")
        .await;
    a.expect_text("login", "Ava Agency · Demo Agency").await;
    a.shot("logged-in").await;

    // A client, with the user-based access that exists outside Latchkey recorded by hand.
    a.goto(&format!("{base}/clients/new")).await;
    a.fill("client", "#name", "Messy Co").await;
    a.fill("client", "#contact_email", "casey@bloom.example")
        .await;
    a.click("client", "form[action='/clients'] button[type=submit]")
        .await;
    a.expect_text("client", "Client added.").await;
    a.shot("client").await;
    let client_url = a.client.current_url().await.unwrap().to_string();
    let client_path = url::Url::parse(&client_url).unwrap().path().to_owned();
    a.goto(&format!("{base}{client_path}/grants/new")).await;
    a.fill("record", "#asset_id", "1100000000000031").await;
    a.fill("record", "#asset_name", "Messy Co").await;
    a.fill("record", "#person", "ava@agency.example").await;
    a.click("record", "form[action$='/grants'] button[type=submit]")
        .await;
    a.expect_text("record", "User-based — at risk").await;
    a.shot("record").await;

    // A request, e-mailed.
    a.click("request", "a[href^='/requests/new?client_id=']")
        .await;
    a.find("request", "form[action='/requests']").await;
    a.shot("request-form").await;
    a.click("request", "form[action='/requests'] button[type=submit]")
        .await;
    a.expect_text("request", "This is the only time the link is shown")
        .await;
    a.expect_text("request", "We e-mailed this link to casey@bloom.example")
        .await;
    a.shot("request-link").await;

    // The client, in another profile, follows the link from the e-mail.
    let c = Browser::open(&driver, "client", 1280, 900).await;
    let link = link_from_mailbox(&c, &base, "Demo Agency asks for access", "mailbox").await;
    c.goto(&link).await;
    c.expect_text("landing", "Demo Agency asks for access")
        .await;
    c.expect_text("landing", "Manage your Facebook Pages").await;
    c.shot("landing").await;
    sandbox_login(&c, "input[name=person][value='9100000000000001']", "login").await;
    c.expect_text("picker", "Bloom Bakery").await;
    c.expect_text("picker", "You are not an admin of this ad account")
        .await;
    c.shot("picker").await;
    // Assets across two portfolios.
    for id in ["1100000000000011", "act_2200000011", "act_2200000031"] {
        c.click("picker", &format!("input[name=asset][value='{id}']"))
            .await;
    }
    c.expect_text("picker", "3 assets selected").await;
    // Meta fails the first try: nothing is shared, and the retry form finishes it.
    let sandbox = sandbox.as_ref().unwrap();
    sandbox.set_faults(meta_sandbox::Faults {
        transient_percent: 100,
        ..Default::default()
    });
    c.click("picker", "form[action='/approve'] button[type=submit]")
        .await;
    c.expect_text("nothing-shared", "Nothing was shared yet")
        .await;
    c.shot("nothing-shared").await;
    sandbox.set_faults(Default::default());
    c.click("retry", "form[action='/approve/again'] button")
        .await;
    c.expect_text("done", "Done — thank you!").await;
    c.expect_text("done", "Messy Main Ads").await;
    c.shot("done").await;
    // The client's word on their move, from the done page, in Chromium; a reload of the
    // thank-you adds no second statement.
    c.click("move", "input[name=status][value=invited]").await;
    c.click(
        "move",
        "form[action='/approve/migration'] button[type=submit]",
    )
    .await;
    c.expect_text("move", "Thank you, Demo Agency has been told.")
        .await;
    reload_repeats_nothing(
        &c,
        &state,
        "move",
        &["SELECT COUNT(*) FROM client_statements"],
    )
    .await;
    if count(&state, "SELECT COUNT(*) FROM client_statements").await != 1 {
        c.fail("move", "the client's statement was not recorded once")
            .await;
    }

    // Back at the agency: the grants, with partner badges; the request completed.
    a.goto(&format!("{base}/grants")).await;
    a.expect_text("grants", "Partner — survives migration")
        .await;
    a.expect_text("grants", "Bloom Bakery Ads").await;
    a.shot("grants").await;
    a.goto(&format!("{base}/requests")).await;
    a.expect_text("requests", "Completed").await;
    a.shot("requests").await;

    // The client migrates: the user-based grant is flagged with its deadline. The form
    // is folded until it is needed.
    a.goto(&format!("{base}{client_path}")).await;
    a.click("migration", "details.fold > summary").await;
    a.find("migration", "#m-status")
        .await
        .select_by_value("migrating")
        .await
        .unwrap();
    let today = latchkey::clock::format_utc(state.clock.now())[..10].to_owned();
    a.script(&format!(
        "document.getElementById('m-date').value = '{today}';"
    ))
    .await;
    a.click(
        "migration",
        "form[action$='/migration'] button[type=submit]",
    )
    .await;
    // One user-based grant: "1 grant needs re-authorisation", with the estimate labelled.
    a.expect_text("migration", "grant needs re-authorisation")
        .await;
    a.expect_text("migration", "estimate").await;
    a.shot("migration").await;
    a.goto(&format!("{base}/reauth")).await;
    a.expect_text("queue", "Messy Co").await;
    a.expect_text("queue", "ava@agency.example").await;
    a.shot("queue").await;
    a.click("queue", "form[action$='/reauth'] button[type=submit]")
        .await;
    a.expect_text("reauth-sent", "Re-authorisation link e-mailed")
        .await;
    reload_repeats_nothing(&a, &state, "reauth-sent", &[REQUESTS, MAIL]).await;
    a.shot("reauth-sent").await;

    // The client approves the re-authorisation on a phone, with the keyboard only.
    let p = Browser::open(&driver, "phone", 375, 812).await;
    let link = link_from_mailbox(&p, &base, "reconnect your assets", "reauth-mail").await;
    p.goto(&link).await;
    p.expect_text(
        "phone-landing",
        "Keep Demo Agency's access working through your move",
    )
    .await;
    let width = p.script("return window.innerWidth;").await;
    if width != json!(375) {
        p.fail("phone-landing", &format!("viewport is {width}, not 375"))
            .await;
    }
    let overflow = p
        .script("return document.documentElement.scrollWidth > window.innerWidth;")
        .await;
    if overflow != json!(false) {
        p.fail("phone-landing", "the page is wider than the phone")
            .await;
    }
    p.shot("phone-landing").await;
    sandbox_login(
        &p,
        "input[name=person][value='9100000000000005']",
        "phone-login",
    )
    .await;
    p.expect_text("phone-picker", "Messy Co").await;
    p.shot("phone-picker").await;
    let offered = p
        .client
        .find_all(Locator::Css("input[name=asset]"))
        .await
        .unwrap();
    if offered.len() != 1 {
        p.fail(
            "phone-picker",
            &format!("expected exactly the flagged asset, got {}", offered.len()),
        )
        .await;
    }
    // Keyboard only: Tab to the checkbox, Space to tick it, Tab to the button, Enter.
    p.script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);")
        .await;
    let mut ticked = false;
    for _ in 0..30 {
        p.client
            .active_element()
            .await
            .unwrap()
            .send_keys("\u{e004}")
            .await
            .unwrap();
        let on_box = p
            .script("return document.activeElement.name === 'asset';")
            .await;
        if on_box == json!(true) {
            p.client
                .active_element()
                .await
                .unwrap()
                .send_keys(" ")
                .await
                .unwrap();
            ticked = true;
            break;
        }
    }
    if !ticked {
        p.fail("phone-keyboard", "could not reach the checkbox with Tab")
            .await;
    }
    let checked = p
        .script("return document.querySelector('input[name=asset]').checked;")
        .await;
    if checked != json!(true) {
        p.fail("phone-keyboard", "Space did not tick the checkbox")
            .await;
    }
    for _ in 0..10 {
        p.client
            .active_element()
            .await
            .unwrap()
            .send_keys("\u{e004}")
            .await
            .unwrap();
        let on_submit = p
            .script("return document.activeElement.type === 'submit';")
            .await;
        if on_submit == json!(true) {
            break;
        }
    }
    let button_fits = p.script("var r = document.activeElement.getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth;").await;
    if button_fits != json!(true) {
        p.fail("phone-keyboard", "the submit button is cut off")
            .await;
    }
    p.shot("phone-keyboard").await;
    p.client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{e007}")
        .await
        .unwrap();
    p.expect_text("phone-done", "Done — thank you!").await;
    p.shot("phone-done").await;
    // The migration answer on the phone too. "Migrating" without its day is explained
    // beside the date, the choice kept; with the day it is taken.
    p.click("phone-move", "input[name=status][value=migrating]")
        .await;
    p.click(
        "phone-move",
        "form[action='/approve/migration'] button[type=submit]",
    )
    .await;
    p.find("phone-move-error", "#date[aria-invalid='true']")
        .await;
    holds(
        &p,
        "phone-move-error",
        "return document.querySelector('input[name=status][value=migrating]').checked;",
        "the answer was lost",
    )
    .await;
    p.shot("phone-move-error").await;
    p.script(&format!(
        "document.getElementById('date').value = '{}';",
        &latchkey::clock::format_utc(state.clock.now())[..10]
    ))
    .await;
    p.click(
        "phone-move",
        "form[action='/approve/migration'] button[type=submit]",
    )
    .await;
    p.expect_text("phone-move", "Thank you, Demo Agency has been told.")
        .await;
    fits_phone(&p, "phone-move").await;
    p.shot("phone-move").await;

    // The flag is cleared: the user-based grant is replaced by partner access.
    a.goto(&format!("{base}/reauth")).await;
    a.expect_text("cleared", "Nothing to re-authorise").await;
    a.shot("cleared").await;
    a.goto(&format!("{base}{client_path}")).await;
    a.expect_text("replaced", "Replaced by partner access")
        .await;
    a.shot("replaced").await;

    for b in [a, c, p] {
        b.valid_html();
        b.client.close().await.ok();
    }
}
