//! E-mail: real SMTP to a loopback server, the outbox's retries, leases and dead letters,
//! preferences, and the sandbox mailbox.

use std::time::Duration;

use latchkey::config::MailTransportKind;
use latchkey::mail::OutgoingEmail;
use latchkey::mail::sink::SmtpSink;
use latchkey::mail::worker::{self, LEASE_SECS, MAX_ATTEMPTS};
use latchkey::store::outbox;

use crate::helpers::{TestApp, spawn_with, test_settings};

/// An app that sends through SMTP to `smtp_url`, with no background sender: the test
/// drives delivery by hand.
async fn app_with_smtp(smtp_url: &str) -> TestApp {
    let mut s = test_settings().await;
    s.mail_transport = MailTransportKind::Smtp;
    s.smtp_url = Some(smtp_url.to_owned());
    s.mail_from = "Acme via Latchkey <noreply@latchkey.test>".into();
    s.mail_reply_to = Some("help@acme.test".into());
    s.workers = false;
    spawn_with(s).await
}

fn message(to: &str, n: usize) -> OutgoingEmail {
    OutgoingEmail {
        kind: "test",
        to: to.to_owned(),
        subject: format!("Message {n}"),
        text: format!("Plain text {n}"),
        html: format!("<p>HTML {n}</p>"),
        from_name: None,
        reply_to: None,
    }
}

async fn enqueue(app: &TestApp, to: &str, n: usize) -> i64 {
    let mut tx = app.state.db.begin().await.unwrap();
    let id = app
        .state
        .queue_mail(&mut tx, None, &message(to, n), app.clock.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn deliver(app: &TestApp) -> bool {
    worker::deliver_one(
        &app.state.db,
        &app.state.mailer,
        &app.state.secrets,
        &app.clock,
    )
    .await
    .unwrap()
}

async fn row(app: &TestApp, id: i64) -> (String, i64, i64, Option<String>) {
    sqlx::query_as("SELECT status, attempts, next_attempt_at, last_error FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_message_arrives_over_smtp_with_headers_and_both_parts() {
    let sink = SmtpSink::start().await.unwrap();
    let app = app_with_smtp(&sink.url()).await;
    let id = enqueue(&app, "ana@bloom.test", 1).await;
    assert!(deliver(&app).await);
    let got = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.rcpt_to, vec!["ana@bloom.test".to_owned()]);
    assert_eq!(m.mail_from, "noreply@latchkey.test");
    assert!(m.header("From").unwrap().contains("noreply@latchkey.test"));
    assert_eq!(m.header("To").as_deref(), Some("ana@bloom.test"));
    assert_eq!(m.header("Subject").as_deref(), Some("Message 1"));
    assert_eq!(m.header("Reply-To").as_deref(), Some("help@acme.test"));
    let stored: String = sqlx::query_scalar("SELECT message_id FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(m.header("Message-ID").as_deref(), Some(stored.as_str()));
    assert!(
        m.header("Content-Type")
            .unwrap()
            .starts_with("multipart/alternative")
    );
    assert!(m.data.contains("text/plain") && m.data.contains("Plain text 1"));
    assert!(m.data.contains("text/html") && m.data.contains("<p>HTML 1</p>"));
    assert_eq!(row(&app, id).await.0, "sent");
    assert!(!deliver(&app).await, "nothing left");
}

#[tokio::test]
async fn server_down_keeps_the_row_queued_then_delivers_once_when_back() {
    let sink = SmtpSink::start().await.unwrap();
    let addr = sink.addr();
    let url = sink.url();
    sink.stop();
    let app = app_with_smtp(&url).await;
    let id = enqueue(&app, "ana@bloom.test", 1).await;
    assert!(deliver(&app).await);
    let (status, attempts, next, err) = row(&app, id).await;
    assert_eq!((status.as_str(), attempts), ("queued", 1));
    assert!(next > app.clock.now() + 30, "next attempt is in the future");
    assert!(err.is_some());
    assert!(!deliver(&app).await, "not due yet");

    let sink = SmtpSink::start_on(addr).await.unwrap();
    app.clock.advance(61);
    assert!(deliver(&app).await);
    assert_eq!(row(&app, id).await.0, "sent");
    assert!(!deliver(&app).await);
    assert_eq!(sink.wait_for(1, Duration::from_secs(5)).await.len(), 1);
    // Back-off doubles: a second failure would wait two minutes.
    assert_eq!(worker::RETRY.after_secs(2), Some(120));
}

#[tokio::test]
async fn a_crash_between_claim_and_send_is_recovered_after_the_lease() {
    let sink = SmtpSink::start().await.unwrap();
    let app = app_with_smtp(&sink.url()).await;
    let id = enqueue(&app, "ana@bloom.test", 1).await;
    // A worker claims the row and dies before sending.
    let now = app.clock.now();
    let claimed = outbox::claim_many(&app.state.db, now, now + LEASE_SECS, 1)
        .await
        .unwrap();
    assert_eq!(claimed.iter().map(|r| r.id).collect::<Vec<_>>(), vec![id]);
    assert!(!deliver(&app).await, "leased to the dead worker");
    app.clock.advance(LEASE_SECS + 1);
    assert!(deliver(&app).await);
    assert_eq!(sink.wait_for(1, Duration::from_secs(5)).await.len(), 1);
    assert_eq!(row(&app, id).await.0, "sent");
}

#[tokio::test]
async fn dead_after_max_attempts_and_retry_from_the_page() {
    let sink = SmtpSink::start().await.unwrap();
    let addr = sink.addr();
    let url = sink.url();
    sink.stop();
    let app = app_with_smtp(&url).await;
    app.setup_and_login().await;
    let agency_id: i64 = sqlx::query_scalar("SELECT id FROM agencies")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    let id = app
        .state
        .queue_mail(
            &mut tx,
            Some(agency_id),
            &message("ana@bloom.test", 1),
            app.clock.now(),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for _ in 0..MAX_ATTEMPTS {
        assert!(deliver(&app).await);
        app.clock.advance(7 * 3600);
    }
    let (status, attempts, _, _) = row(&app, id).await;
    assert_eq!((status.as_str(), attempts), ("dead", MAX_ATTEMPTS));
    assert!(
        !deliver(&app).await,
        "dead rows are not retried by themselves"
    );
    // Days have passed on the clock: the session expired.
    app.login("owner@acme.test", crate::helpers::PASSWORD).await;

    let page = app.get("/emails?status=dead").await;
    assert!(page.body.contains("undeliverable"));
    assert!(page.body.contains("a***@bloom.test"), "recipient masked");
    assert!(!page.body.contains("ana@bloom.test"));
    let r = app.post(&format!("/emails/{id}/retry"), &[]).await;
    assert_eq!(r.location(), Some("/emails?notice=email_requeued"));
    let sink = SmtpSink::start_on(addr).await.unwrap();
    assert!(deliver(&app).await);
    assert_eq!(row(&app, id).await.0, "sent");
    assert_eq!(sink.wait_for(1, Duration::from_secs(5)).await.len(), 1);
}

#[tokio::test]
async fn a_rolled_back_transaction_sends_nothing() {
    let sink = SmtpSink::start().await.unwrap();
    let app = app_with_smtp(&sink.url()).await;
    let mut tx = app.state.db.begin().await.unwrap();
    app.state
        .queue_mail(
            &mut tx,
            None,
            &message("ana@bloom.test", 1),
            app.clock.now(),
        )
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert!(!deliver(&app).await);
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn a_refused_recipient_fails_only_its_own_row() {
    let sink = SmtpSink::start().await.unwrap();
    sink.refuse("gone@bloom.test");
    let app = app_with_smtp(&sink.url()).await;
    let bad = enqueue(&app, "gone@bloom.test", 1).await;
    let good = enqueue(&app, "ana@bloom.test", 2).await;
    while deliver(&app).await {}
    let (status, _, _, err) = row(&app, bad).await;
    assert_eq!(status, "dead", "a 5xx is permanent");
    assert!(err.unwrap().contains("550"));
    assert_eq!(row(&app, good).await.0, "sent");
    let got = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].rcpt_to, vec!["ana@bloom.test".to_owned()]);
}

#[tokio::test]
async fn two_workers_never_send_the_same_row_twice() {
    let sink = SmtpSink::start().await.unwrap();
    let app = app_with_smtp(&sink.url()).await;
    for n in 0..60 {
        enqueue(&app, &format!("c{n}@bloom.test"), n).await;
    }
    let run = |st: std::sync::Arc<latchkey::actions::Ctx>, clock: latchkey::Clock| async move {
        let mut sent = 0;
        let mut idle = 0;
        // "No row" can mean a lost race: stop only after several empty claims in a row.
        while idle < 5 {
            if worker::deliver_one(&st.db, &st.mailer, &st.secrets, &clock)
                .await
                .unwrap()
            {
                sent += 1;
                idle = 0;
            } else {
                idle += 1;
                tokio::task::yield_now().await;
            }
        }
        sent
    };
    let a = tokio::spawn(run(app.state.clone(), app.clock.clone()));
    let b = tokio::spawn(run(app.state.clone(), app.clock.clone()));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    assert_eq!(a + b, 60, "each row claimed once: {a} + {b}");
    let got = sink.wait_for(60, Duration::from_secs(10)).await;
    let mut ids: Vec<String> = got
        .iter()
        .map(|m| m.header("Message-ID").unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!((got.len(), ids.len()), (60, 60));
}

#[tokio::test]
async fn the_background_worker_wakes_when_a_row_is_enqueued() {
    let sink = SmtpSink::start().await.unwrap();
    let mut s = test_settings().await;
    s.mail_transport = MailTransportKind::Smtp;
    s.smtp_url = Some(sink.url());
    let app = spawn_with(s).await;
    // Let the worker go idle (its idle sleep is 30 s), then enqueue and ring.
    tokio::task::yield_now().await;
    enqueue(&app, "ana@bloom.test", 1).await;
    app.state.mailer.wake();
    let got = sink.wait_for(1, Duration::from_secs(3)).await;
    assert_eq!(
        got.len(),
        1,
        "delivered well before the idle sleep would end"
    );
}

#[tokio::test]
async fn staff_choose_which_events_they_receive() {
    let app = crate::helpers::spawn_app().await;
    app.setup_and_login().await;
    let agency_id: i64 = sqlx::query_scalar("SELECT id FROM agencies")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let before = latchkey::store::prefs::recipients(&app.state.db.pool, agency_id, "access_lost")
        .await
        .unwrap();
    assert_eq!(before, vec!["owner@acme.test".to_owned()], "on by default");
    let page = app.get("/account/notifications").await;
    assert!(page.body.contains("checked"));
    let r = app
        .post(
            "/account/notifications",
            &[("on", "request_opened"), ("on", "access_approved")],
        )
        .await;
    assert_eq!(r.location(), Some("/account/notifications?notice=saved"));
    let lost = latchkey::store::prefs::recipients(&app.state.db.pool, agency_id, "access_lost")
        .await
        .unwrap();
    assert!(lost.is_empty());
    let opened =
        latchkey::store::prefs::recipients(&app.state.db.pool, agency_id, "request_opened")
            .await
            .unwrap();
    assert_eq!(opened.len(), 1);
}

#[tokio::test]
async fn the_sandbox_mailbox_is_absent_when_mail_is_not_written_to_files() {
    let app = crate::helpers::spawn_app().await;
    assert_eq!(app.get("/sandbox/mail").await.status, 404);
}

#[tokio::test]
async fn a_batch_is_claimed_together_and_concurrent_workers_send_each_message_once() {
    let sink = SmtpSink::start().await.unwrap();
    let app = app_with_smtp(&sink.url()).await;
    let mut ids = Vec::new();
    for i in 0..20 {
        ids.push(enqueue(&app, &format!("n{i}@bloom.test"), 1).await);
    }
    // Four workers at once, eight at a time each: every message once, none left.
    let st = &app.state;
    let runs = (0..4).map(|_| async {
        let mut n = 0;
        loop {
            let got = worker::deliver_batch(&st.db, &st.mailer, &st.secrets, &app.clock, 8)
                .await
                .unwrap();
            if got == 0 {
                return n;
            }
            assert!(got <= 8, "a batch is at most its size");
            n += got;
        }
    });
    let claimed: usize = futures_util::future::join_all(runs).await.into_iter().sum();
    assert_eq!(claimed, 20, "each message claimed once");
    let got = sink.wait_for(20, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 20, "each message delivered once");
    for id in ids {
        assert_eq!(row(&app, id).await.0, "sent");
    }
}
