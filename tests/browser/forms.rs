//! Every client form submitted by Chromium, and no reload or back button repeats a side effect.

use super::*;

#[tokio::test]
async fn every_client_form_in_chromium_and_no_reload_repeats_a_side_effect() {
    let Some(driver) = driver_url() else {
        return;
    };
    let (base, state, _) = spawn().await;
    let a = Browser::open(&driver, "forms-agency", 1280, 900).await;
    set_up_agency(&a, &base).await;
    add_client(&a, &base, "Messy Co", "casey@bloom.example").await;

    // A request in Spanish, e-mailed. The link page is reached by a redirect: reloading it
    // and going back make no second request and send no second e-mail.
    a.click("request", "a[href^='/requests/new?client_id=']")
        .await;
    a.find("request", "#language")
        .await
        .select_by_value("es")
        .await
        .unwrap();
    a.click("request", "form[action='/requests'] button[type=submit]")
        .await;
    a.expect_text("request", "This is the only time the link is shown")
        .await;
    a.shot("request-link").await;
    reload_repeats_nothing(&a, &state, "request-link", &[REQUESTS, MAIL]).await;
    a.expect_text("request-link", "The link was shown once")
        .await;
    a.client.back().await.expect("back");
    a.find("request-back", "form[action='/requests']").await;
    if count(&state, REQUESTS).await != 1 {
        a.fail("request-back", "the back button made another request")
            .await;
    }
    let first = link_from_mailbox(&a, &base, "Demo Agency", "first-mail").await;

    // A reminder replaces the link; reloading the page after it sends nothing more.
    a.goto(&format!("{base}/requests/1")).await;
    a.click("remind", "form[action='/requests/1/remind'] button")
        .await;
    a.expect_text("remind", "Reminder sent").await;
    reload_repeats_nothing(&a, &state, "remind", &[REQUESTS, MAIL]).await;

    // A fresh link, shown once.
    a.goto(&format!("{base}/requests/1/regenerate")).await;
    a.click("regenerate", "form[action='/requests/1/regenerate'] button")
        .await;
    a.expect_text("regenerate", "This is the only time the link is shown")
        .await;
    let current = a
        .find("regenerate", "input[value*='/r/lkr_']")
        .await
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    a.shot("regenerate").await;
    reload_repeats_nothing(
        &a,
        &state,
        "regenerate",
        &[REQUESTS, MAIL, "SELECT COUNT(*) FROM replaced_links"],
    )
    .await;

    // An API key, a webhook endpoint and an invitation: each shown or sent once.
    a.goto(&format!("{base}/settings/api-keys")).await;
    a.fill("api-key", "#name", "CRM sync").await;
    a.click(
        "api-key",
        "form[action='/settings/api-keys'] button[type=submit]",
    )
    .await;
    a.find("api-key", "input[value^='lk_key_']").await;
    a.shot("api-key").await;
    reload_repeats_nothing(&a, &state, "api-key", &["SELECT COUNT(*) FROM api_keys"]).await;
    holds(
        &a,
        "api-key",
        "return document.querySelector(\"input[value^='lk_key_']\") === null;",
        "the key is shown again after a reload",
    )
    .await;
    a.goto(&format!("{base}/settings/webhooks")).await;
    a.fill("webhook", "#url", "http://127.0.0.1:9/hook").await;
    a.click(
        "webhook",
        "form[action='/settings/webhooks'] button[type=submit]",
    )
    .await;
    a.find("webhook", "input[value^='whsec_']").await;
    a.shot("webhook").await;
    reload_repeats_nothing(
        &a,
        &state,
        "webhook",
        &["SELECT COUNT(*) FROM webhook_endpoints"],
    )
    .await;
    holds(
        &a,
        "webhook",
        "return document.querySelector(\"input[value^='whsec_']\") === null;",
        "the secret is shown again after a reload",
    )
    .await;
    a.goto(&format!("{base}/team")).await;
    a.fill("invite", "#invite-email", "mia@agency.example")
        .await;
    a.click("invite", "form[action='/team/invite'] button[type=submit]")
        .await;
    a.expect_text("invite", "mia@agency.example").await;
    reload_repeats_nothing(&a, &state, "invite", &[MAIL]).await;

    // The client, on a phone, in Spanish. The first e-mail's link was replaced: the
    // agency's page says so, in Spanish, with no way into the staff's side.
    let p = Browser::open(&driver, "forms-phone", 375, 812).await;
    p.goto(&first).await;
    p.expect_text("replaced", "Este enlace fue sustituido")
        .await;
    p.expect_text("replaced", "Busca el último correo de Demo Agency")
        .await;
    fits_phone(&p, "replaced").await;
    holds(
        &p,
        "replaced",
        "return document.documentElement.lang === 'es' && document.querySelector('a[href=\"/\"], a[href=\"/login\"]') === null;",
        "the replaced link's page is not the agency's Spanish page",
    )
    .await;
    p.shot("replaced").await;

    // The current link: the main button on the first screen.
    p.goto(&current).await;
    p.expect_text("landing", "Demo Agency solicita acceso")
        .await;
    holds(
        &p,
        "landing",
        "var r = document.querySelector('.cta .button').getBoundingClientRect(); \
         return r.top >= 0 && r.bottom <= window.innerHeight;",
        "the main button is below the first screen",
    )
    .await;
    fits_phone(&p, "landing").await;
    p.shot("landing").await;
    // The reader's language switch, and back.
    p.click("switch", "a[hreflang='fr']").await;
    p.expect_text("switch", "Demo Agency demande").await;
    p.shot("switch-fr").await;
    p.click("switch", "a[hreflang='es']").await;
    p.expect_text("switch", "Demo Agency solicita acceso").await;

    // Decline, in Chromium (its own form, under no-referrer): recorded once; the answer's
    // page reloads without a second e-mail to the agency.
    p.click("decline", "a[href$='/decline']").await;
    p.click("decline", "input[name=reason][value=not_now]")
        .await;
    p.fill("decline", "textarea[name=note]", "En marzo").await;
    fits_phone(&p, "decline").await;
    p.shot("decline").await;
    p.click("decline", "form[action$='/decline'] button[type=submit]")
        .await;
    p.expect_text("declined", "No se ha compartido nada").await;
    p.shot("declined").await;
    if count(
        &state,
        "SELECT COUNT(*) FROM access_requests WHERE declined_at IS NOT NULL",
    )
    .await
        != 1
    {
        p.fail("declined", "the decline was not recorded").await;
    }
    reload_repeats_nothing(&p, &state, "declined", &[MAIL]).await;
    p.goto(&current).await;
    p.expect_text("declined-link", "Rechazaste esta solicitud")
        .await;
    p.shot("declined-link").await;

    // The same forms on a desktop: the language switch and a decline of a second request.
    a.goto(&format!("{base}/requests/new?client_id=1")).await;
    a.click("desktop", "input[name=delivery][value=link]").await;
    a.click("desktop", "form[action='/requests'] button[type=submit]")
        .await;
    let second = a
        .find("desktop", "input[value*='/r/lkr_']")
        .await
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    let d = Browser::open(&driver, "forms-desktop", 1280, 900).await;
    d.goto(&second).await;
    d.expect_text("desktop-landing", "Demo Agency solicita acceso")
        .await;
    d.click("desktop-switch", "a[hreflang='de']").await;
    d.expect_text("desktop-switch", "Demo Agency bittet um Zugriff")
        .await;
    d.shot("desktop-switch").await;
    d.click("desktop-decline", "a[href$='/decline']").await;
    d.click("desktop-decline", "input[name=reason][value=not_for_me]")
        .await;
    d.click(
        "desktop-decline",
        "form[action$='/decline'] button[type=submit]",
    )
    .await;
    d.expect_text("desktop-declined", "Es wurde nichts geteilt")
        .await;
    d.shot("desktop-declined").await;
    reload_repeats_nothing(&d, &state, "desktop-declined", &[MAIL]).await;

    // A withdrawn link and an expired one, each saying which, in Spanish.
    for (label, form_fill) in [("revoked", true), ("expired", false)] {
        a.goto(&format!("{base}/requests/new?client_id=1")).await;
        a.click(label, "input[name=delivery][value=link]").await;
        if !form_fill {
            a.fill(label, "#expiry_days", "1").await;
        }
        a.click(label, "form[action='/requests'] button[type=submit]")
            .await;
        let link = a
            .find(label, "input[value*='/r/lkr_']")
            .await
            .attr("value")
            .await
            .unwrap()
            .unwrap();
        let id = count(&state, "SELECT MAX(id) FROM access_requests").await;
        if form_fill {
            a.goto(&format!("{base}/requests/{id}/revoke")).await;
            a.click(
                label,
                &format!("form[action='/requests/{id}/revoke'] button"),
            )
            .await;
            a.expect_text(label, "The link was revoked").await;
            p.goto(&link).await;
            p.expect_text(label, "Este enlace fue retirado").await;
        } else {
            state.clock.advance(2 * 86_400);
            p.goto(&link).await;
            p.expect_text(label, "Este enlace ha caducado").await;
        }
        holds(
            &p,
            label,
            "return document.documentElement.lang === 'es' && document.querySelector('a[href=\"/\"], a[href=\"/login\"]') === null;",
            "a closed link's page is not the agency's Spanish page",
        )
        .await;
        p.shot(label).await;
    }

    for b in [a, p, d] {
        b.valid_html();
        b.client.close().await.ok();
    }
}
