//! The command line: database errors, creating an owner from it, and its help.

use super::*;

#[tokio::test]
async fn an_unreachable_database_fails_fast_with_a_clear_message() {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .arg("migrate")
        .env(
            "LATCHKEY_DATABASE_URL",
            "postgres://latchkey:secret@127.0.0.1:1/latchkey",
        )
        .env("LATCHKEY_DB_CONNECT_TIMEOUT", "2")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot reach the database"), "{err}");
    assert!(!err.contains("secret"), "password redacted: {err}");
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[tokio::test]
async fn a_database_newer_than_the_binary_is_refused() {
    let s = test_settings().await;
    let app = latchkey::Application::build(s.clone(), latchkey::Clock::system())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)
         VALUES (99990101, 'from the future', CURRENT_TIMESTAMP, TRUE, $1, 0)",
    )
    .bind(vec![0u8; 48])
    .execute(&app.ctx().db.pool)
    .await
    .unwrap();
    let err = match latchkey::Application::build(s, latchkey::Clock::system()).await {
        Ok(_) => panic!("started against a newer schema"),
        Err(e) => format!("{e:#}"),
    };
    assert!(err.contains("does not know"), "{err}");
}

#[tokio::test]
async fn create_owner_bootstraps_an_agency_from_the_command_line() {
    use std::io::Write;
    let s = test_settings().await;
    let run = |email: &str, password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_latchkey"))
            .args([
                "create-owner",
                "--agency",
                "Scripted Agency",
                "--email",
                email,
                "--name",
                "Sam Script",
            ])
            .env("LATCHKEY_DATA_DIR", &s.data_dir)
            .env("LATCHKEY_DATABASE_URL", s.database_url())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = run("sam@scripted.test", "password1234");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("most common passwords"));
    let ok = run("sam@scripted.test", PASSWORD);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let again = run("sam@scripted.test", PASSWORD);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let app = crate::helpers::spawn_with(s).await;
    assert_eq!(app.get("/setup").await.status, 404, "an agency exists now");
    assert_eq!(app.login("sam@scripted.test", PASSWORD).await.status, 303);
    assert!(app.get("/").await.body.contains("Scripted Agency"));
}

#[test]
fn help_explains_every_subcommand_and_setting() {
    let out = Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for word in [
        "serve",
        "migrate",
        "create-owner",
        "LATCHKEY_BIND",
        "LATCHKEY_DATA_DIR",
        "LATCHKEY_DATABASE_URL",
        "LATCHKEY_BASE_URL",
        "LATCHKEY_SMTP_URL",
    ] {
        assert!(help.contains(word), "--help lacks {word}:\n{help}");
    }
}
