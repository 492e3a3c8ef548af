//! Team: invitations, roles, removal, and what members may not do.

use crate::helpers::{PASSWORD, TestApp, link_in, path_of, spawn_app, spawn_client_of};

async fn invite_and_join(app: &TestApp, email: &str, role: &str) -> TestApp {
    let r = app
        .post("/team/invite", &[("email", email), ("role", role)])
        .await;
    assert_eq!(r.location(), Some("/team?notice=invited"), "{}", r.body);
    let mail = app.wait_for_emails(email, 1).await;
    let path = path_of(&link_in(&mail[0].text, "/invite/"));
    let member = spawn_client_of(app);
    assert!(member.get(&path).await.body.contains("Join Acme Agency"));
    let r = member
        .post(
            &path,
            &[
                ("name", "Mia Member"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    member
}

#[tokio::test]
async fn an_invitation_creates_an_account_once() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let member = invite_and_join(&app, "mia@acme.test", "member").await;
    assert!(member.get("/").await.body.contains("Mia Member"));
    let mail = app.emails_to("mia@acme.test");
    assert!(mail[0].subject.contains("invited you to Acme Agency"));
    assert!(mail[0].html.contains("Accept the invitation"));
    let path = path_of(&link_in(&mail[0].text, "/invite/"));
    let stranger = spawn_client_of(&app);
    assert_eq!(stranger.get(&path).await.status, 410, "single use");
    let team = app.get("/team").await;
    assert!(team.body.contains("mia@acme.test"));
    assert!(team.body.contains("No open invitations"));
}

#[tokio::test]
async fn invitations_expire_after_seven_days_and_can_be_withdrawn() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    app.post(
        "/team/invite",
        &[("email", "late@acme.test"), ("role", "admin")],
    )
    .await;
    app.post(
        "/team/invite",
        &[("email", "never@acme.test"), ("role", "member")],
    )
    .await;
    let late = path_of(&link_in(
        &app.wait_for_emails("late@acme.test", 1).await[0].text,
        "/invite/",
    ));
    let never = path_of(&link_in(
        &app.wait_for_emails("never@acme.test", 1).await[0].text,
        "/invite/",
    ));

    let team = app.get("/team").await;
    let marker = "name=\"token_hash\" value=\"";
    let hash_at = team.body.find(marker).unwrap() + marker.len();
    let hash = team.body[hash_at..].split('"').next().unwrap().to_owned();
    assert_eq!(
        app.post("/team/invites/revoke", &[("token_hash", &hash)])
            .await
            .status,
        303
    );
    let other = spawn_client_of(&app);
    let statuses = [
        other.get(&late).await.status,
        other.get(&never).await.status,
    ];
    let mut sorted = statuses;
    sorted.sort();
    assert_eq!(
        sorted,
        [200, 410],
        "exactly one invitation was withdrawn: {statuses:?}"
    );
    app.clock.advance(7 * 24 * 3600 + 1);
    assert_eq!(other.get(&late).await.status, 410);
    assert_eq!(other.get(&never).await.status, 410);
}

#[tokio::test]
async fn bad_invitations_are_explained() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let r = app
        .post(
            "/team/invite",
            &[
                ("email", "x@acme.test\r\nBcc: all@evil.test"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("cannot contain spaces or line breaks"));
    let r = app
        .post(
            "/team/invite",
            &[("email", "owner@acme.test"), ("role", "member")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("already has a Latchkey account"));
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn members_cannot_manage_team_or_settings() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let member = invite_and_join(&app, "mia@acme.test", "member").await;
    for path in ["/team", "/settings", "/audit"] {
        let r = member.get(path).await;
        assert_eq!(r.status, 403, "{path}");
        assert!(r.body.contains("owners and admins"));
    }
    assert_eq!(
        member
            .post(
                "/team/invite",
                &[("email", "x@acme.test"), ("role", "admin")]
            )
            .await
            .status,
        403
    );
    assert_eq!(
        member
            .post(
                "/settings",
                &[
                    ("name", "Hijacked"),
                    ("portfolio_id", ""),
                    ("accent_color", "#000000"),
                    ("reminder_days", "3")
                ]
            )
            .await
            .status,
        403
    );
    let home = member.get("/").await;
    assert!(
        !home.body.contains("href=\"/settings\""),
        "no settings link for members"
    );
    // Members do the client work.
    assert_eq!(member.get("/clients/new").await.status, 200);
}

#[tokio::test]
async fn removing_a_member_ends_their_sessions() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let member = invite_and_join(&app, "mia@acme.test", "admin").await;
    assert_eq!(member.get("/team").await.status, 200);
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'mia@acme.test'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let confirm = app.get(&format!("/team/{id}/remove")).await;
    assert!(confirm.body.contains("Remove Mia Member?"));
    let r = app.post(&format!("/team/{id}/remove"), &[]).await;
    assert!(
        r.location()
            .unwrap()
            .starts_with("/team?notice=member_removed&shown="),
        "{:?}",
        r.location()
    );
    assert_eq!(member.get("/clients").await.status, 303);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    assert_eq!(member.login("mia@acme.test", PASSWORD).await.status, 401);
}

#[tokio::test]
async fn roles_keep_at_least_one_owner_and_admins_cannot_touch_owners() {
    let app = spawn_app().await;
    app.setup_and_login().await;
    let admin = invite_and_join(&app, "ada@acme.test", "admin").await;
    let owner_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'owner@acme.test'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        admin
            .post(&format!("/team/{owner_id}/role"), &[("role", "member")])
            .await
            .status,
        403
    );
    assert_eq!(
        admin
            .post(&format!("/team/{owner_id}/remove"), &[])
            .await
            .status,
        403
    );
    assert_eq!(
        admin
            .post(
                "/team/invite",
                &[("email", "o2@acme.test"), ("role", "owner")]
            )
            .await
            .status,
        422
    );
    // The sole owner cannot demote themself through another owner-less path either.
    let r = app
        .post(&format!("/team/{owner_id}/role"), &[("role", "member")])
        .await;
    assert!(r.status == 400 || r.status == 403, "{}", r.status);
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(owner_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(role, "owner");
}
