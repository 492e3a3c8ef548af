use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::Sandbox;
use crate::world::*;

async fn call(
    sb: &Sandbox,
    path: &str,
    token: &str,
    login: Option<&str>,
    body: Value,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(if body.is_null() { "GET" } else { "POST" })
        .uri(format!("/sandbox/google/googleads/v26/{path}"))
        .header("authorization", format!("Bearer {token}"));
    if let Some(l) = login {
        req = req.header("login-customer-id", l);
    }
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    let resp = sb
        .router()
        .oneshot(req.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or_default())
}

fn code(v: &Value) -> String {
    v["error"]["details"][0]["errors"][0]["errorCode"]
        .as_object()
        .and_then(|m| m.values().next())
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn accept(link: &str, status: &str) -> Value {
    json!({"operations": [{"update": {"resourceName": link, "status": status}, "updateMask": "status"}]})
}

#[tokio::test]
async fn a_manager_invites_the_client_s_administrator_accepts_and_either_side_ends_it() {
    let sb = Sandbox::for_tests();
    let agency = sb.issue_token(AGENCY_EMAIL, &[SCOPE_ADWORDS]);
    let mcc = Some(AGENCY_MCC);
    let invite = |status: &str| json!({"operation": {"create": {"clientCustomer": "customers/5550000001", "status": status}}});
    let links = format!("customers/{AGENCY_MCC}/customerClientLinks:mutate");
    let (s, v) = call(&sb, &links, &agency, mcc, invite("ACTIVE")).await;
    assert_eq!(
        (s, code(&v).as_str()),
        (StatusCode::BAD_REQUEST, "CREATING_ENABLED_LINK_NOT_ALLOWED")
    );
    let (s, v) = call(&sb, &links, &agency, mcc, invite("SOON")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ManagerLinkStatus"),
        "{v}"
    );
    let mut unknown = invite("PENDING");
    unknown["operation"]["create"]["role"] = json!("ADMIN");
    let (s, v) = call(&sb, &links, &agency, mcc, unknown).await;
    assert!(
        s == StatusCode::BAD_REQUEST && v.to_string().contains("Unknown name \\\"role\\\""),
        "{v}"
    );
    let (s, v) = call(&sb, &links, &agency, mcc, invite("PENDING")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let name = v["result"]["resourceName"].as_str().unwrap().to_owned();
    let (_, v) = call(&sb, &links, &agency, mcc, invite("PENDING")).await;
    assert_eq!(code(&v), "ALREADY_INVITED_BY_THIS_MANAGER");
    accepted_then_ended(&sb, &name).await;
}

/// The invitation `name` read back by the manager, accepted by the client's administrator
/// (not by a read-only colleague), then ended from the manager's side.
async fn accepted_then_ended(sb: &Sandbox, name: &str) {
    let sb = sb.clone();
    let agency = sb.issue_token(AGENCY_EMAIL, &[SCOPE_ADWORDS]);
    let casey = sb.issue_token(CLIENT_EMAIL, &[SCOPE_ADWORDS]);
    let vic = sb.issue_token(VIEWER_EMAIL, &[SCOPE_ADWORDS]);
    let mcc = Some(AGENCY_MCC);
    let links = format!("customers/{AGENCY_MCC}/customerClientLinks:mutate");
    let invite = |status: &str| json!({"operation": {"create": {"clientCustomer": "customers/5550000001", "status": status}}});
    // The manager reads its side by GAQL; the client sees the invitation on theirs.
    let query = |q: &str| json!({ "query": q });
    let (s, v) = call(&sb, &format!("customers/{AGENCY_MCC}/googleAds:search"), &agency, mcc,
        query("SELECT customer_client_link.manager_link_id, customer_client_link.status FROM customer_client_link WHERE customer_client_link.client_customer = 'customers/5550000001'")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let row = &v["results"][0]["customerClientLink"];
    assert_eq!(row["status"], "PENDING");
    let link_id = row["managerLinkId"].as_str().unwrap().to_owned();
    assert!(name.ends_with(&format!("5550000001~{link_id}")));
    let manager_link = format!("customers/5550000001/customerManagerLinks/{AGENCY_MCC}~{link_id}");
    let client_links = "customers/5550000001/customerManagerLinks:mutate";
    let (_, v) = call(
        &sb,
        client_links,
        &vic,
        None,
        accept(&manager_link, "ACTIVE"),
    )
    .await;
    assert_eq!(
        code(&v),
        "NON_OWNER_USER_CANNOT_MODIFY_LINK",
        "a read-only user cannot accept"
    );
    let (s, v) = call(
        &sb,
        client_links,
        &casey,
        None,
        accept(&manager_link, "ACTIVE"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["results"][0]["resourceName"], manager_link.as_str());
    let (_, v) = call(
        &sb,
        client_links,
        &casey,
        None,
        accept(&manager_link, "ACTIVE"),
    )
    .await;
    assert_eq!(code(&v), "NO_PENDING_INVITE");
    let (_, v) = call(&sb, &links, &agency, mcc, invite("PENDING")).await;
    assert_eq!(code(&v), "ALREADY_MANAGED_BY_THIS_MANAGER");

    ended_by_the_manager(&sb, &link_id, &manager_link).await;
}

/// The manager reaches the accepted client through itself, and ends the link from there.
async fn ended_by_the_manager(sb: &Sandbox, link_id: &str, manager_link: &str) {
    let agency = sb.issue_token(AGENCY_EMAIL, &[SCOPE_ADWORDS]);
    let mcc = Some(AGENCY_MCC);
    let client_links = "customers/5550000001/customerManagerLinks:mutate";
    let query = |q: &str| json!({ "query": q });
    let (s, v) = call(
        sb,
        "customers/5550000001/googleAds:search",
        &agency,
        mcc,
        query("SELECT customer.descriptive_name FROM customer"),
    )
    .await;
    assert_eq!(
        (s, v["results"][0]["customer"]["descriptiveName"].as_str()),
        (StatusCode::OK, Some("Messy Co Ads"))
    );
    let (s, _) = call(
        sb,
        "customers/5550000001/googleAds:search",
        &agency,
        None,
        query("SELECT customer.descriptive_name FROM customer"),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "not without login-customer-id");
    let (s, v) = call(
        sb,
        client_links,
        &agency,
        mcc,
        accept(manager_link, "INACTIVE"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        sb.world()
            .ads_links
            .iter()
            .find(|l| l.link_id == link_id)
            .unwrap()
            .status,
        "INACTIVE"
    );
    let (s, _) = call(
        sb,
        "customers/5550000001/googleAds:search",
        &agency,
        mcc,
        query("SELECT customer.descriptive_name FROM customer"),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "ended: no longer reachable");
}

#[tokio::test]
async fn two_step_verification_too_many_managers_and_bad_queries_are_refused_in_google_s_codes() {
    let sb = Sandbox::for_tests();
    let agency = sb.issue_token(AGENCY_EMAIL, &[SCOPE_ADWORDS]);
    let noel = sb.issue_token(NO_2SV_EMAIL, &[SCOPE_ADWORDS]);
    let morgan = sb.issue_token(BIG_CLIENT_EMAIL, &[SCOPE_ADWORDS]);
    let (s, v) = call(
        &sb,
        "customers:listAccessibleCustomers",
        &morgan,
        None,
        Value::Null,
    )
    .await;
    assert_eq!(
        (s, v["resourceNames"].as_array().unwrap().len()),
        (StatusCode::OK, 40)
    );
    let (s, v) = call(
        &sb,
        "customers/5550000002/googleAds:search",
        &noel,
        None,
        json!({"query": "SELECT customer.id FROM customer"}),
    )
    .await;
    assert_eq!(
        (s, code(&v).as_str()),
        (
            StatusCode::UNAUTHORIZED,
            "TWO_STEP_VERIFICATION_NOT_ENROLLED"
        )
    );
    let (s, v) = call(
        &sb,
        "customers/5551000001/googleAds:search",
        &morgan,
        None,
        json!({"query": "SELECT customer.nickname FROM customer"}),
    )
    .await;
    assert_eq!(
        (s, code(&v).as_str()),
        (StatusCode::BAD_REQUEST, "UNRECOGNIZED_FIELD")
    );
    let (s, v) = call(&sb, "customers/5551000001/googleAds:search", &morgan, None,
        json!({"query": "SELECT customer_manager_link.manager_customer, customer_manager_link.status FROM customer_manager_link"})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v["results"][0]["customerManagerLink"]["managerCustomer"],
        format!("customers/{OTHER_MCC}")
    );
    sb.change(|w| {
        for m in 0..4 {
            let id = format!("88800000{m:02}");
            w.ads_customers.push(AdsCustomer {
                id: id.clone(),
                name: id.clone(),
                manager: true,
                requires_two_step: false,
            });
            w.ads_link(&id, "5551000001", "ACTIVE");
        }
    });
    let (_, v) = call(&sb, &format!("customers/{AGENCY_MCC}/customerClientLinks:mutate"), &agency, Some(AGENCY_MCC),
        json!({"operation": {"create": {"clientCustomer": "customers/5551000001", "status": "PENDING"}}})).await;
    assert_eq!(code(&v), "TOO_MANY_MANAGERS");
    let (s, v) = call(
        &sb,
        &format!("customers/{AGENCY_MCC}/googleAds:search"),
        &agency,
        Some("123-456-7890"),
        json!({"query": "SELECT customer.id FROM customer"}),
    )
    .await;
    assert_eq!(
        (s, code(&v).as_str()),
        (StatusCode::BAD_REQUEST, "INVALID_CUSTOMER_ID")
    );
}
