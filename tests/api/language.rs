//! The client's language: the agency's choice for a request, the reader's switch on the
//! page, the browser's `Accept-Language`, and the e-mails that follow them.

use crate::approve::{CASEY, MESSY_ASSETS, agency, approve, request};
use crate::helpers::{ALL_SCOPES as ALL, facebook_login, spawn_app, spawn_client_of};

#[tokio::test]
async fn a_spanish_client_reads_the_link_the_approval_and_the_receipt_in_spanish() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[("language", "es")]).await;

    // No Accept-Language at all: the agency's choice decides.
    let client = spawn_client_of(&app);
    let landing = client.get(&link).await;
    assert_eq!(landing.status, 200);
    for words in [
        "<html lang=\"es\">",
        "Demo Agency solicita acceso",
        "Administrar tus páginas de Facebook",
        "Este enlace caduca el ",
        "Continuar con Facebook",
        "Rechazar esta solicitud",
    ] {
        assert!(landing.body.contains(words), "{words}: {}", landing.body);
    }
    assert!(!landing.body.contains("Continue with Facebook"));
    // Opening the landing leaves no cookie; only a switch does.
    assert!(landing.header("set-cookie").is_none());

    let cb = facebook_login(&client, &link, CASEY, &ALL, "continue").await;
    assert_eq!(cb.location(), Some("/approve"), "{}", cb.body);
    let picker = client.get("/approve").await;
    assert!(
        picker.body.contains("Elige qué compartir con Demo Agency"),
        "{}",
        picker.body
    );
    assert!(picker.body.contains("Cuentas publicitarias"));
    // A reason the page gives is in Spanish too (recorded as a message, not as English).
    assert!(
        picker
            .body
            .contains("No eres administrador de esta cuenta publicitaria")
    );
    // Ticking nothing is refused in Spanish.
    let none = approve(&client, &[]).await;
    assert_eq!(none.status, 422);
    assert!(
        none.body.contains("Marca al menos un activo"),
        "{}",
        none.body
    );

    let r = approve(&client, &MESSY_ASSETS[..2]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let done = client.get("/approve/done").await;
    assert!(done.body.contains("¡Listo, gracias!"), "{}", done.body);
    assert!(done.body.contains("Usuarios → Socios"));
    let receipt = app.wait_for_emails("casey@bloom.example", 1).await;
    assert!(
        receipt[0]
            .subject
            .contains("Has compartido acceso con Demo Agency"),
        "{}",
        receipt[0].subject
    );
    assert!(
        receipt[0].text.contains("compartido"),
        "{}",
        receipt[0].text
    );

    // The client's language is remembered for the next request.
    let form = app
        .get(&format!("/requests/new?client_id={client_id}"))
        .await;
    assert!(
        form.body
            .contains("<option value=\"es\" lang=\"es\" selected>Español</option>"),
        "{}",
        form.body
    );
}

#[tokio::test]
async fn the_reader_s_switch_beats_the_agency_s_choice_and_is_remembered() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[("language", "es")]).await;
    let client = spawn_client_of(&app);
    let switched = client.get(&format!("{link}?lang=fr")).await;
    assert!(switched.body.contains("<html lang=\"fr\">"));
    assert!(switched.body.contains("Demo Agency demande un accès"));
    assert!(
        switched
            .header("set-cookie")
            .is_some_and(|c| c.starts_with("lk_lang=fr")),
        "{:?}",
        switched.header("set-cookie")
    );
    // The cookie carries it to the next page, and to the error pages.
    let again = client.get(&link).await;
    assert!(again.body.contains("Demo Agency demande un accès"));
    let missing = client.get("/r/lkr_not-a-real-token").await;
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("Page introuvable"),
        "{}",
        missing.body
    );
    // An unknown language in the switch changes nothing.
    let odd = spawn_client_of(&app).get(&format!("{link}?lang=xx")).await;
    assert!(odd.body.contains("Demo Agency solicita acceso"));
    assert!(odd.header("set-cookie").is_none());
}

#[tokio::test]
async fn without_a_choice_the_browser_s_language_decides() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[]).await;
    let german = spawn_client_of(&app)
        .get_with(&link, &[("accept-language", "ja, de-DE;q=0.9, en;q=0.5")])
        .await;
    assert!(german.body.contains("<html lang=\"de\">"));
    assert!(
        german.body.contains("Demo Agency bittet um Zugriff"),
        "{}",
        german.body
    );
    assert!(german.body.contains("Weiter mit Facebook"));
    let unknown = spawn_client_of(&app)
        .get_with(&link, &[("accept-language", "ja, zh;q=0.8")])
        .await;
    assert!(unknown.body.contains("<html lang=\"en\">"));
    assert!(unknown.body.contains("Continue with Facebook"));
    // Staff pages stay English whatever the browser says.
    let staff = app
        .get_with("/requests", &[("accept-language", "de")])
        .await;
    assert!(staff.body.contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn the_access_e_mail_is_in_the_chosen_language_and_a_bad_choice_creates_nothing() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let cid = client_id.to_string();
    let form = |language: &'static str| {
        vec![
            ("client_id", cid.clone()),
            ("kind", "page".into()),
            ("level_page", "manage".into()),
            ("mode", "partner".into()),
            ("expiry_days", "14".into()),
            ("single_use", "1".into()),
            ("message", "".into()),
            ("delivery", "email".into()),
            ("language", language.into()),
        ]
    };
    let pairs = |f: &[(&'static str, String)]| -> Vec<(&'static str, String)> { f.to_vec() };
    let bad = pairs(&form("klingon"));
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post("/requests", &bad).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("Choose the client&#39;s language from the list"),
        "{}",
        r.body
    );
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);

    let good = pairs(&form("nl"));
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post_shown("/requests", &good).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mail = app.wait_for_emails("casey@bloom.example", 1).await;
    assert_eq!(
        mail[0].subject,
        "Demo Agency vraagt toegang tot je Facebook-bedrijfsassets"
    );
    assert!(
        mail[0].text.contains("Je Facebook-pagina's beheren"),
        "{}",
        mail[0].text
    );
    assert!(mail[0].text.contains("Bekijken en goedkeuren"));
    assert!(mail[0].text.contains("Latchkey, voor Demo Agency"));
}

#[tokio::test]
async fn staff_preview_the_client_s_page_in_its_language_without_the_link_or_an_open() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let link = request(&app, client_id, &[("language", "pt")]).await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM access_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let show = app.get(&format!("/requests/{id}")).await;
    assert!(
        show.body
            .contains(&format!("href=\"/requests/{id}/preview\""))
    );
    let preview = app
        .get_with(
            &format!("/requests/{id}/preview"),
            &[("accept-language", "de")],
        )
        .await;
    assert_eq!(preview.status, 200);
    assert!(
        preview.body.contains("<html lang=\"pt\">"),
        "{}",
        preview.body
    );
    assert!(preview.body.contains("Demo Agency pede acesso"));
    assert!(preview.body.contains("Preview:"));
    // The page carries no usable link: not the token, not a start or decline address.
    let token = link.trim_start_matches("/r/");
    assert!(!preview.body.contains(token));
    assert!(!preview.body.contains("/start\""));
    assert!(!preview.body.contains("/decline\""));
    // Staff can look at it in another language.
    let english = app.get(&format!("/requests/{id}/preview?lang=en")).await;
    assert!(english.body.contains("Demo Agency asks for access"));
    let opens: i64 = sqlx::query_scalar("SELECT open_count FROM access_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(opens, 0, "a preview is not an open");
    // Anonymous: to the login page, nothing shown.
    let anon = spawn_client_of(&app)
        .get(&format!("/requests/{id}/preview"))
        .await;
    assert_eq!(anon.status, 303);
}
