//! Endpoints managed in Settings, and a delivery claimed by one worker only.

use super::*;

#[tokio::test]
async fn staff_manage_endpoints_and_read_the_delivery_log_in_settings() {
    let app = spawn_app().await;
    let client_id = agency(&app).await;
    let empty = app.get("/settings/webhooks").await;
    assert!(empty.body.contains("No endpoints yet"));
    // Bad input: explained, nothing saved, what was typed comes back.
    let bad = app
        .post(
            "/settings/webhooks",
            &[
                ("url", "https://169.254.169.254/latest"),
                ("event", "grant.created"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("not on the public internet"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("value=\"grant.created\" checked"));
    let addr = free_port();
    let r = new_receiver();
    let _server = receiver_on(addr, r.clone()).await;
    let url = format!("http://{addr}/hook");
    let (shown_at, made) = app
        .post_shown_at(
            "/settings/webhooks",
            &[
                ("url", url.as_str()),
                ("description", "CRM"),
                ("event", "migration.recorded"),
            ],
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let at = made
        .body
        .find("value=\"whsec_")
        .expect("the secret, shown once")
        + 7;
    let secret = made.body[at..].split('"').next().unwrap().to_owned();
    let list = app.get("/settings/webhooks").await;
    assert!(list.body.contains(&url) && !list.body.contains(&secret));
    // The secret was shown once: the page it was shown on, reloaded, shows it no more.
    let reload = app.get(&shown_at).await;
    assert_eq!(reload.status, 200);
    assert!(!reload.body.contains(&secret));
    let id: i64 = sqlx::query_scalar("SELECT id FROM webhook_endpoints")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let r2 = app
        .post(
            &format!("/clients/{client_id}/migration"),
            &[
                ("status", "invited"),
                ("date", ""),
                ("people_deadline", ""),
                ("deadline_source", "staff"),
                ("activated_on", ""),
                ("activated_source", "staff"),
            ],
        )
        .await;
    assert!(r2.status == 303 || r2.status == 200, "{}", r2.body);
    deliver(&app).await;
    assert!(verifies(&secret, &r.got.lock().unwrap()[0]));
    let page = app.get(&format!("/settings/webhooks/{id}")).await;
    assert!(page.body.contains("migration.recorded"), "{}", page.body);
    assert!(page.body.contains("<td>204</td>"), "the answer is logged");
    assert!(page.body.contains(" ms</td>"), "and how long it took");
    let delivery: i64 = sqlx::query_scalar("SELECT id FROM webhook_deliveries")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let again = app
        .post(
            &format!("/settings/webhooks/{id}/deliveries/{delivery}/redeliver"),
            &[],
        )
        .await;
    assert_eq!(
        again.location().unwrap(),
        format!("/settings/webhooks/{id}?notice=redelivery_queued")
    );
    deliver(&app).await;
    assert_eq!(r.got.lock().unwrap().len(), 2);
    let off = app
        .post(&format!("/settings/webhooks/{id}/toggle"), &[("on", "0")])
        .await;
    assert_eq!(off.status, 303);
    assert!(
        app.get(&format!("/settings/webhooks/{id}"))
            .await
            .body
            .contains("Turned off by staff.")
    );
    let rotated = app
        .post_shown(&format!("/settings/webhooks/{id}/rotate"), &[])
        .await;
    assert!(rotated.body.contains("value=\"whsec_") && !rotated.body.contains(&secret));
    let confirm = app.get(&format!("/settings/webhooks/{id}/delete")).await;
    assert!(confirm.body.contains("Delete this webhook endpoint?"));
    let gone = app
        .post(&format!("/settings/webhooks/{id}/delete"), &[])
        .await;
    assert_eq!(
        gone.location(),
        Some("/settings/webhooks?notice=webhook_deleted")
    );
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn a_delivery_sent_and_rescheduled_by_one_worker_is_not_claimed_by_another() {
    let app = spawn_app().await;
    let (client_id, api_key) = agency_with_key(&app, "write").await;
    let api = Api::new(&app, &api_key).await;
    // Nothing listens: the first attempt fails and is rescheduled 5 s later.
    let (_, _) = endpoint(&api, &format!("http://{}/hook", free_port()), json!([])).await;
    set_move(&api, client_id, json!({"status": "invited"})).await;
    deliver(&app).await;
    let (id, attempts): (i64, i64) = sqlx::query_as("SELECT id, attempts FROM webhook_deliveries")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(attempts, 1);
    // A second worker that listed the row before the first one sent it now tries to claim
    // it: it is no longer due, so it is not sent twice.
    let late = latchkey::store::webhooks::claim_one(&app.state.db.pool, id, app.clock.now(), 60)
        .await
        .unwrap();
    assert!(late.is_none(), "a rescheduled delivery was claimed again");
    app.clock.advance(6);
    let due = latchkey::store::webhooks::claim_one(&app.state.db.pool, id, app.clock.now(), 60)
        .await
        .unwrap();
    assert!(due.is_some(), "once due again it can be claimed");
}

#[tokio::test]
async fn a_sender_takes_one_endpoint_s_deliveries_in_a_batch_and_each_arrives_once() {
    use latchkey::store::webhooks as store;
    let app = spawn_app().await;
    let (_, api_key) = agency_with_key(&app, "write").await;
    let api = Api::new(&app, &api_key).await;
    let (a_addr, b_addr) = (free_port(), free_port());
    let (a, b) = (new_receiver(), new_receiver());
    let _servers = (
        receiver_on(a_addr, a.clone()).await,
        receiver_on(b_addr, b.clone()).await,
    );
    let (ea, _) = endpoint(&api, &format!("http://{a_addr}/hook"), json!([])).await;
    let (eb, _) = endpoint(&api, &format!("http://{b_addr}/hook"), json!([])).await;
    // Due in 100 s, so the app's own senders leave them alone until the test moves the clock.
    let later = app.clock.now() + 100;
    let pool = &app.state.db.pool;
    for n in 0..13 {
        let (e, id) = if n < 10 { (ea, n) } else { (eb, n) };
        store::insert_delivery(
            pool,
            e,
            1,
            &format!("msg_batch_{id}"),
            "request.opened",
            "{}",
            later,
        )
        .await
        .unwrap();
    }
    let first = store::claim_next(&app.state.db, later, 60, 16)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.endpoint_id, ea, "the oldest due first");
    let more = store::claim_more(&app.state.db, ea, later, 60, 7)
        .await
        .unwrap();
    assert_eq!(more.len(), 7, "up to seven more of the same endpoint");
    assert!(
        more.iter().all(|d| d.endpoint_id == ea),
        "never another endpoint's"
    );
    assert!(
        store::claim_more(&app.state.db, ea, later, 60, 7)
            .await
            .unwrap()
            .len()
            == 2,
        "what is claimed is not claimed twice"
    );
    // Past the leases every delivery is sent, in batches, and arrives exactly once.
    app.clock.advance(100 + 61);
    deliver(&app).await;
    for (r, n) in [(&a, 10), (&b, 3)] {
        let mut ids: Vec<String> = r.got.lock().unwrap().iter().map(|g| g.id.clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "{ids:?}");
        assert_eq!(r.got.lock().unwrap().len(), n, "each once");
    }
    let delivered: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(delivered, 13);
}

#[tokio::test]
async fn a_claim_behind_a_long_backlog_at_its_limit_finds_the_other_agency_s_delivery() {
    use crate::json_api::other_agency_key;
    use latchkey::store::webhooks as store;
    let app = spawn_app().await;
    let (_, a_key) = agency_with_key(&app, "write").await;
    let b_key = other_agency_key(&app).await;
    let (a_api, b_api) = (Api::new(&app, &a_key).await, Api::new(&app, &b_key).await);
    let (ea, _) = endpoint(&a_api, &format!("http://{}/hook", free_port()), json!([])).await;
    let (eb, _) = endpoint(&b_api, &format!("http://{}/hook", free_port()), json!([])).await;
    let pool = &app.state.db.pool;
    let agency_of = |e: i64| async move {
        sqlx::query_scalar::<_, i64>("SELECT agency_id FROM webhook_endpoints WHERE id = $1")
            .bind(e)
            .fetch_one(pool)
            .await
            .unwrap()
    };
    let (a, b) = (agency_of(ea).await, agency_of(eb).await);
    // Agency A: a backlog of 100, all older than agency B's one delivery; due in 100 s, so
    // the app's own senders leave them alone.
    let later = app.clock.now() + 100;
    for n in 0..100 {
        let id = format!("msg_backlog_{n}");
        store::insert_delivery(pool, ea, a, &id, "request.opened", "{}", later - 1)
            .await
            .unwrap();
    }
    store::insert_delivery(pool, eb, b, "msg_other", "request.opened", "{}", later)
        .await
        .unwrap();
    // A takes its limit of 16 in flight; 84 of its deliveries are still due, more than a
    // claim looks through before it looks agency by agency.
    let held = store::claim_more(&app.state.db, ea, later, 60, 16)
        .await
        .unwrap();
    assert_eq!(held.len(), 16);
    let next = store::claim_next(&app.state.db, later, 60, 16)
        .await
        .unwrap()
        .expect("B's delivery, behind A's backlog");
    assert_eq!(
        (next.endpoint_id, next.message_id.as_str()),
        (eb, "msg_other")
    );
    // Nothing else may go: A is at its limit, B has nothing more due.
    assert!(
        store::claim_next(&app.state.db, later, 60, 16)
            .await
            .unwrap()
            .is_none()
    );
    // A below its limit again (one of its deliveries past its lease): A's oldest goes next.
    let after = store::claim_next(&app.state.db, later + 61, 60, 16)
        .await
        .unwrap()
        .expect("A's oldest");
    assert_eq!(after.endpoint_id, ea);
}
