//! A Spanish client with a large portfolio approves on a phone.

use super::*;

#[tokio::test]
async fn a_spanish_client_with_a_large_portfolio_on_a_phone() {
    let Some(driver) = driver_url() else {
        return;
    };
    let (base, state, sandbox) = spawn().await;
    let a = Browser::open(&driver, "es-agency", 1280, 900).await;
    set_up_agency(&a, &base).await;
    add_client(&a, &base, "Northwind Retail", "casey@bloom.example").await;

    // A template for Spanish-speaking clients: Pages and ad accounts, in Spanish.
    a.goto(&format!("{base}/requests/templates")).await;
    a.expect_text("templates", "No templates yet").await;
    a.fill("templates", "#name", "Pages and ads, Spanish").await;
    a.find("templates", "#language")
        .await
        .select_by_value("es")
        .await
        .unwrap();
    a.click(
        "templates",
        "form[action='/requests/templates'] button[type=submit]",
    )
    .await;
    a.expect_text("templates", "Template saved.").await;
    a.shot("templates").await;
    // Forms are centred on a desktop.
    holds(
        &a,
        "templates",
        "var r = document.querySelector('section.card.narrow').getBoundingClientRect(); \
         return Math.abs(r.left - (window.innerWidth - r.right)) < 24;",
        "the form is not centred",
    )
    .await;

    // The request starts from the template, and the link is shown rather than e-mailed.
    a.goto(&format!("{base}/requests/new")).await;
    a.click("request", "a.chip").await;
    a.find("request", "#language option[value='es'][selected]")
        .await;
    a.find("request", "#client_id")
        .await
        .select_by_label("Northwind Retail")
        .await
        .unwrap();
    let link = send_as_link(&a).await;
    a.shot("request-link").await;

    // The client, on a phone, in Spanish.
    let p = Browser::open(&driver, "es-phone", 375, 812).await;
    p.goto(&link).await;
    p.expect_text("landing", "Demo Agency solicita acceso")
        .await;
    holds(
        &p,
        "landing",
        "return document.documentElement.lang === 'es';",
        "the page does not say it is Spanish",
    )
    .await;
    p.shot("landing").await;
    sandbox_login(&p, "input[name=person][value='9100000000000001']", "login").await;
    p.expect_text("picker", "Elige qué compartir con Demo Agency")
        .await;
    p.shot("picker").await;
    // 185 assets in a few screens: the long kinds start closed.
    holds(
        &p,
        "picker",
        "return document.querySelectorAll('input[name=asset]').length > 180 && \
         document.documentElement.scrollHeight < 5 * window.innerHeight;",
        "the large portfolio does not fit in a few screens",
    )
    .await;
    // Tick the first asset: the share button is in reach at once, far from the bottom.
    p.click("picker-tick", "input[name=asset]").await;
    p.expect_text("picker-tick", "1 activo seleccionado").await;
    holds(
        &p,
        "picker-tick",
        "var r = document.querySelector('.action-bar button').getBoundingClientRect(); \
         return r.top >= 0 && r.bottom <= window.innerHeight && \
         window.scrollY + window.innerHeight < document.documentElement.scrollHeight - 400;",
        "the share button is not in reach before the bottom of the page",
    )
    .await;
    p.shot("picker-tick").await;
    // Search: only the matching Page (and its section) stays on screen.
    p.fill("picker-search", "#filter", "Store #042").await;
    holds(
        &p,
        "picker-search",
        "var shown = Array.from(document.querySelectorAll('li[data-name]')).filter(function (li) { return li.offsetParent !== null; }); \
         var groups = Array.from(document.querySelectorAll('[data-group]')).filter(function (g) { return g.offsetParent !== null; }); \
         return shown.length === 1 && shown[0].dataset.name === 'Northwind Store #042' && groups.length === 1;",
        "the search does not narrow the list to the one Page",
    )
    .await;
    // A name nothing matches: said so, in Spanish, not an empty page.
    p.fill("picker-none", "#filter", "zzz-nada").await;
    p.expect_text("picker-none", "Ningún activo coincide con ese nombre")
        .await;
    p.shot("picker-none").await;
    p.fill("picker-search", "#filter", "Store #042").await;
    holds(
        &p,
        "picker-search",
        "return document.querySelector('[data-filter-none]').hidden;",
        "the no-match note stays once something matches",
    )
    .await;
    p.click(
        "picker-search",
        "input[name=asset][value='1200000000000042']",
    )
    .await;
    p.expect_text("picker-search", "2 activos seleccionados")
        .await;
    p.shot("picker-search").await;

    // Meta is down: nothing is shared, and the page says so (in Spanish).
    let sandbox = sandbox.as_ref().unwrap();
    sandbox.set_faults(meta_sandbox::Faults {
        transient_percent: 100,
        ..Default::default()
    });
    p.find("share", ".action-bar button")
        .await
        .click()
        .await
        .unwrap();
    p.expect_text("nothing-shared", "Todavía no se ha compartido nada")
        .await;
    p.expect_text("nothing-shared", "No compartido").await;
    holds(
        &p,
        "nothing-shared",
        "return !document.body.innerText.includes('Esto es lo que se ha compartido');",
        "a 0-of-N result claims something was shared",
    )
    .await;
    p.shot("nothing-shared").await;
    // Meta is back: the retry shares it.
    sandbox.set_faults(Default::default());
    p.click("retry", "form[action='/approve/again'] button")
        .await;
    p.expect_text("done", "¡Listo, gracias!").await;
    p.expect_text("done", "Northwind Store #042").await;
    p.shot("done").await;

    // Staff on a phone: the menu stays one line, wide tables scroll inside their card.
    let s = Browser::open(&driver, "es-staff-phone", 375, 812).await;
    s.goto(&format!("{base}/login")).await;
    s.fill("staff-login", "#email", "ava@agency.example").await;
    s.fill("staff-login", "#password", PASSWORD).await;
    s.click("staff-login", "form[action='/login'] button[type=submit]")
        .await;
    s.expect_text("staff-login", "Ava Agency · Demo Agency")
        .await;
    s.goto(&format!("{base}/grants")).await;
    s.expect_text("staff-grants", "Northwind Store #042").await;
    holds(
        &s,
        "staff-grants",
        "var nav = document.querySelector('.nav'); var first = nav.querySelector('a'); \
         return nav.getBoundingClientRect().height < 2 * first.getBoundingClientRect().height + 8;",
        "the menu wraps onto several lines",
    )
    .await;
    holds(
        &s,
        "staff-grants",
        "return document.documentElement.scrollWidth <= window.innerWidth;",
        "the page is wider than the phone",
    )
    .await;
    s.shot("staff-grants").await;
    // Every staff page fits the phone (wide tables scroll inside their card).
    for path in [
        "/",
        "/clients",
        "/clients/1",
        "/clients/new",
        "/requests",
        "/requests/1",
        "/requests/new",
        "/requests/templates",
        "/reauth",
        "/team",
        "/settings",
        "/settings/api-keys",
        "/settings/webhooks",
        "/emails",
        "/audit",
        "/account/notifications",
    ] {
        let label = format!("phone{}", path.replace('/', "-"));
        s.goto(&format!("{base}{path}")).await;
        s.find(&label, "main").await;
        fits_phone(&s, &label).await;
    }
    // The client's e-mail, as a phone's mail app shows it: no sideways scrolling.
    let email = latchkey::mail::templates::access_link(
        latchkey::i18n::Tr::new(latchkey::i18n::Lang::Es),
        &latchkey::mail::templates::Brand {
            agency_name: "Demo Agency".into(),
            accent_color: "#2f5bea".into(),
        },
        "casey@bloom.example",
        &latchkey::mail::templates::AccessAsk {
            client_name: "Northwind Retail".into(),
            sender_name: Some("Ava Agency".into()),
            asks: vec![latchkey::i18n::Text::msg("ask-page-manage")],
            message: Some("Hola Casey, esto nos permite llevar tu campaña de primavera.".into()),
            link: format!("{base}/r/lkr_{}", "A".repeat(43)),
            expires_at: state.clock.now() + 14 * 86_400,
            reauth: false,
        },
    )
    .unwrap();
    let file = std::env::temp_dir().join(format!(
        "latchkey-mail-{}.html",
        latchkey::domain::token::random_hex(4)
    ));
    std::fs::write(&file, &email.html).unwrap();
    p.goto(&format!("file://{}", file.display())).await;
    p.find("mail-phone", "table").await;
    // Against the phone's 375 px, not the page's own idea of its width (without a
    // viewport tag a phone lays a page out 980 px wide and shrinks it).
    holds(
        &p,
        "mail-phone",
        "return window.innerWidth === 375 && document.documentElement.scrollWidth <= 375;",
        "the e-mail is wider than the phone",
    )
    .await;
    // A screenshot only: an HTML e-mail keeps the table attributes mail apps need, which
    // the Nu checker calls obsolete for web pages, and has no landmarks to give axe.
    std::fs::write(
        p.shots.join("es-phone-mail.png"),
        p.client.screenshot().await.unwrap(),
    )
    .unwrap();

    // Every other staff page, and the client's error pages, pass the same checks.
    let request_path = sqlx::query_scalar::<_, i64>("SELECT MIN(id) FROM access_requests")
        .fetch_one(&state.db.pool)
        .await
        .map(|id| format!("/requests/{id}"))
        .unwrap();
    for (path, text) in [
        ("/", "To do"),
        ("/clients", "Northwind Retail"),
        ("/requests", "Northwind Retail"),
        (request_path.as_str(), "Request for Northwind Retail"),
        (&format!("{request_path}/preview"), "Preview:"),
        ("/grants", "Northwind Store #042"),
        ("/reauth", "Nothing to re-authorise"),
        ("/team", "Ava Agency"),
        ("/settings", "Settings"),
        ("/emails", "E-mail"),
        ("/audit", "Audit log"),
        ("/account/notifications", "Notifications"),
        ("/account/password", "password"),
        ("/requests/templates", "Pages and ads, Spanish"),
        ("/settings/api-keys", "No API keys yet"),
        ("/settings/webhooks", "No endpoints yet"),
        ("/no-such-page", "Page not found"),
    ] {
        let label = format!("page{}", path.replace('/', "-"));
        a.goto(&format!("{base}{path}")).await;
        a.expect_text(&label, text).await;
        a.shot(&label).await;
    }
    p.goto(&format!("{base}/r/lkr_not-a-real-link?lang=de"))
        .await;
    p.expect_text("client-404", "Seite nicht gefunden").await;
    p.shot("client-404").await;

    for b in [a, p, s] {
        b.valid_html();
        b.client.close().await.ok();
    }
}
