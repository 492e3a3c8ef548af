"""Google's official clients against the Google sandbox (see scripts/google-check)."""
import sys
import urllib.parse

import requests
from google.api_core import exceptions
from google.analytics.admin_v1alpha import AnalyticsAdminServiceClient
from google.analytics.admin_v1alpha.types import AccessBinding
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

BASE = sys.argv[1].rstrip("/") + "/sandbox/google"
CLIENT_ID = "100000000001-sandbox.apps.googleusercontent.com"
CLIENT_SECRET = "sandbox-google-secret-not-for-production"
REDIRECT = "http://127.0.0.1:1/callback"
SCOPES = [
    "https://www.googleapis.com/auth/analytics.readonly",
    "https://www.googleapis.com/auth/analytics.manage.users",
]
checks = 0


def ok(what, cond):
    global checks
    if not cond:
        sys.exit(f"FAILED: {what}")
    checks += 1
    print(f"ok {checks:2} {what}")


def sign_in(email, scopes, incremental="true"):
    """The consent screen over HTTP, then the code exchanged at the token endpoint."""
    query = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": " ".join(["email"] + scopes),
        "state": "s1",
        "include_granted_scopes": incremental,
    }
    page = requests.get(f"{BASE}/accounts/o/oauth2/v2/auth", params=query)
    ok(f"consent screen for {email}", page.status_code == 200 and email in page.text)
    form = {**query, "person": email, "action": "allow"}
    body = list(form.items()) + [("grant", s) for s in scopes]
    back = requests.post(f"{BASE}/accounts/consent", data=body, allow_redirects=False)
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(back.headers["location"]).query))
    ok("consent redirects back with the state and a code", params.get("state") == "s1" and params.get("code"))
    token = requests.post(f"{BASE}/oauth2/token", data={
        "grant_type": "authorization_code", "code": params["code"], "redirect_uri": REDIRECT,
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
    }).json()
    ok("token endpoint answers as Google does", token["token_type"] == "Bearer" and token["expires_in"] == 3599)
    again = requests.post(f"{BASE}/oauth2/token", data={
        "grant_type": "authorization_code", "code": params["code"], "redirect_uri": REDIRECT,
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
    })
    ok("a code is single use (invalid_grant)", again.status_code == 400 and again.json()["error"] == "invalid_grant")
    return Credentials(token["access_token"])


def with_admin_client(creds):
    client = AnalyticsAdminServiceClient(
        credentials=creds,
        transport="rest",
        client_options={"api_endpoint": f"{BASE}/analyticsadmin"},
    )
    summaries = list(client.list_account_summaries())
    props = {p.property: p.display_name for s in summaries for p in s.property_summaries}
    ok("google-analytics-admin lists account summaries", props.get("properties/4001") == "Messy Web (GA4)")
    made = client.create_access_binding(
        parent="properties/4001",
        access_binding=AccessBinding(user="check@agency.example", roles=["predefinedRoles/analyst"]),
    )
    ok("creates an access binding", made.name.startswith("properties/4001/accessBindings/") and list(made.roles) == ["predefinedRoles/analyst"])
    listed = [b.name for b in client.list_access_bindings(parent="properties/4001")]
    ok("lists it back", made.name in listed)
    got = client.get_access_binding(name=made.name)
    ok("reads it by name", got.user == "check@agency.example")
    try:
        client.create_access_binding(
            parent="properties/4001",
            access_binding=AccessBinding(user="check@agency.example", roles=["predefinedRoles/viewer"]),
        )
        ok("a second binding for the same user is refused", False)
    except exceptions.Conflict as e:
        ok("a second binding for the same user is refused (409 ALREADY_EXISTS)", "already exists" in str(e))
    try:
        client.create_access_binding(
            parent="properties/4001",
            access_binding=AccessBinding(user="x@agency.example", roles=["predefinedRoles/owner"]),
        )
        ok("an unknown role is refused", False)
    except exceptions.BadRequest as e:
        ok("an unknown role is refused (InvalidArgument)", "predefinedRoles/owner" in str(e))
    client.delete_access_binding(name=made.name)
    listed = [b.name for b in client.list_access_bindings(parent="properties/4001")]
    ok("deletes it", made.name not in listed)


def with_discovery_client(creds):
    admin = build(
        "analyticsadmin", "v1alpha", credentials=creds, static_discovery=True,
        client_options={"api_endpoint": f"{BASE}/analyticsadmin/"},
    )
    summaries = admin.accountSummaries().list().execute()
    ok("google-api-python-client lists account summaries", summaries["accountSummaries"][0]["account"] == "accounts/3001")
    bindings = admin.properties().accessBindings()
    made = bindings.create(parent="properties/4002", body={"user": "d@agency.example", "roles": ["predefinedRoles/viewer"]}).execute()
    ok("creates through the discovery document", made["user"] == "d@agency.example")
    try:
        bindings.create(parent="properties/4002", body={"user": "e@agency.example", "roles": ["predefinedRoles/viewer"], "colour": "red"}).execute()
        ok("an unknown field is refused", False)
    except HttpError as e:
        ok("an unknown field is refused in Google's words", e.resp.status == 400 and 'Unknown name "colour"' in str(e))
    bindings.delete(name=made["name"]).execute()
    after = bindings.list(parent="properties/4002").execute().get("accessBindings", [])
    ok("deletes through the discovery document", all(b["name"] != made["name"] for b in after))


admin = sign_in("casey@messyco.example", SCOPES)
with_admin_client(admin)
with_discovery_client(admin)

viewer = sign_in("vic@messyco.example", SCOPES)
client = AnalyticsAdminServiceClient(credentials=viewer, transport="rest", client_options={"api_endpoint": f"{BASE}/analyticsadmin"})
try:
    client.list_access_bindings(parent="properties/4001")
    ok("a viewer cannot list bindings", False)
except exceptions.Forbidden:
    ok("a viewer cannot list bindings (403 PERMISSION_DENIED)", True)

# Incremental consent adds what Casey granted before; without it, only what is ticked now.
wider = sign_in("casey@messyco.example", [SCOPES[0]])
info = requests.get(f"{BASE}/oauth2/tokeninfo", params={"access_token": wider.token}).json()
ok("incremental consent keeps the scopes granted before", SCOPES[1] in info["scope"].split())
narrow = sign_in("casey@messyco.example", [SCOPES[0]], incremental="false")
client = AnalyticsAdminServiceClient(credentials=narrow, transport="rest", client_options={"api_endpoint": f"{BASE}/analyticsadmin"})
try:
    client.create_access_binding(parent="properties/4001", access_binding=AccessBinding(user="z@agency.example", roles=["predefinedRoles/viewer"]))
    ok("a token without manage.users cannot create", False)
except exceptions.Forbidden as e:
    ok("a token without manage.users is refused (insufficient scopes)", "insufficient authentication scopes" in str(e))

# Tag Manager v2, built from the discovery document google-api-python-client ships.
TM_SCOPES = [
    "https://www.googleapis.com/auth/tagmanager.readonly",
    "https://www.googleapis.com/auth/tagmanager.manage.users",
]
tm_calls = 0


def tm(request):
    """Executes one Tag Manager call, counting it against the project's quota."""
    global tm_calls
    tm_calls += 1
    return request.execute()


def tag_manager(creds):
    return build("tagmanager", "v2", credentials=creds, static_discovery=True,
                 client_options={"api_endpoint": f"{BASE}/tagmanager/"})


casey = tag_manager(sign_in("casey@messyco.example", TM_SCOPES))
accounts = tm(casey.accounts().list()).get("account", [])
ok("tagmanager v2 lists accounts", [a["accountId"] for a in accounts] == ["6001"])
containers = tm(casey.accounts().containers().list(parent="accounts/6001"))["container"]
ok("lists containers with their public ids", {c["publicId"] for c in containers} >= {"GTM-MESSY01", "GTM-MESSY02"})
perms = casey.accounts().user_permissions()
made = tm(perms.create(parent="accounts/6001", body={
    "emailAddress": "tm@agency.example", "accountAccess": {"permission": "user"},
    "containerAccess": [{"containerId": "7001", "permission": "read"}]}))
ok("creates a user permission", made["path"].startswith("accounts/6001/user_permissions/") and made["containerAccess"][0]["permission"] == "read")
listed = tm(perms.list(parent="accounts/6001"))["userPermission"]
ok("lists it back", any(p["path"] == made["path"] for p in listed))
ok("reads it by path", tm(perms.get(path=made["path"]))["emailAddress"] == "tm@agency.example")
changed = tm(perms.update(path=made["path"], body={
    "emailAddress": "tm@agency.example", "accountAccess": {"permission": "user"},
    "containerAccess": [{"containerId": "7001", "permission": "edit"}, {"containerId": "7002", "permission": "publish"}]}))
ok("updates it", [c["permission"] for c in changed["containerAccess"]] == ["edit", "publish"])
try:
    tm(perms.create(parent="accounts/6001", body={
        "emailAddress": "x@agency.example", "accountAccess": {"permission": "owner"}}))
    ok("an unknown account permission is refused", False)
except HttpError as e:
    ok("an unknown account permission is refused in Google's words", e.resp.status == 400 and '"owner"' in str(e))
try:
    tm(perms.create(parent="accounts/6001", body={
        "emailAddress": "y@agency.example", "accountAccess": {"permission": "user"}, "colour": "red"}))
    ok("an unknown field is refused", False)
except HttpError as e:
    ok("an unknown field is refused (Unknown name)", e.resp.status == 400 and 'Unknown name "colour"' in str(e))
vic = tag_manager(sign_in("vic@messyco.example", TM_SCOPES))
try:
    tm(vic.accounts().user_permissions().list(parent="accounts/6001"))
    ok("a user who is not an administrator cannot list permissions", False)
except HttpError as e:
    ok("a user who is not an administrator cannot list permissions (403)", e.resp.status == 403)
tm(perms.delete(path=made["path"]))
after = tm(perms.list(parent="accounts/6001"))["userPermission"]
ok("deletes it", all(p["path"] != made["path"] for p in after))

# The project's quota: 25 calls in any 100 seconds, the 26th refused 403 as Google documents.
refused = None
while tm_calls < 40 and refused is None:
    try:
        tm(casey.accounts().list())
    except HttpError as e:
        refused = e
ok("the 26th Tag Manager call in 100 s is refused 403 RATE_LIMIT_EXCEEDED",
   refused is not None and tm_calls == 26 and refused.resp.status == 403 and "RATE_LIMIT_EXCEEDED" in refused.content.decode())

print(f"{checks} checks passed: google-analytics-admin and google-api-python-client (Analytics Admin, Tag Manager) against the Google sandbox")
