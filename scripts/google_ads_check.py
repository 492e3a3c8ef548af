"""Google Ads against Google's own types (the pinned `google-ads` wheel, API v26), two ways
(see scripts/google-check):

1. The whole manager-link cycle sent to the standalone Google sandbox as Google's generated
   request types serialise it (proto-plus `to_json`, REST's JSON): invite, read back by
   GAQL, accept, end; a refusal's `GoogleAdsFailure` parsed by Google's own failure type.
2. Every Google Ads request Latchkey itself sent in the API tests (saved by the sandbox,
   `target/google-ads-requests/`), parsed field by field by its request type with unknown
   fields refused, and every GAQL field checked against `GoogleAdsRow`'s resources.

Usage: google_ads_check.py BASE_URL REQUESTS_DIR
"""
import glob
import json
import os
import re
import sys
import urllib.parse

import requests
from google.ads.googleads.v26.enums.types.manager_link_status import ManagerLinkStatusEnum
from google.ads.googleads.v26.errors.types.errors import GoogleAdsFailure
from google.ads.googleads.v26.resources.types.customer_client_link import CustomerClientLink
from google.ads.googleads.v26.resources.types.customer_manager_link import CustomerManagerLink
from google.ads.googleads.v26.services.types import customer_client_link_service as ccl
from google.ads.googleads.v26.services.types import customer_manager_link_service as cml
from google.ads.googleads.v26.services.types.google_ads_service import GoogleAdsRow, SearchGoogleAdsRequest
from google.protobuf import field_mask_pb2

BASE = sys.argv[1].rstrip("/") + "/sandbox/google"
ADS = f"{BASE}/googleads/v26"
SAVED = sys.argv[2]
CLIENT_ID = "100000000001-sandbox.apps.googleusercontent.com"
CLIENT_SECRET = "sandbox-google-secret-not-for-production"
REDIRECT = "http://127.0.0.1:1/callback"
ADWORDS = "https://www.googleapis.com/auth/adwords"
MCC = "1234567890"
CLIENT = "5550000001"
Status = ManagerLinkStatusEnum.ManagerLinkStatus
checks = 0


def ok(what, cond):
    global checks
    if not cond:
        sys.exit(f"FAILED: {what}")
    checks += 1
    print(f"ok {checks:2} {what}")


def token(email):
    """Consent on the sandbox's screen over HTTP, the code exchanged for a token."""
    query = {"client_id": CLIENT_ID, "redirect_uri": REDIRECT, "response_type": "code",
             "scope": f"email {ADWORDS}", "state": "s", "include_granted_scopes": "true"}
    form = list({**query, "person": email, "action": "allow"}.items()) + [("grant", ADWORDS)]
    back = requests.post(f"{BASE}/accounts/consent", data=form, allow_redirects=False)
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(back.headers["location"]).query))["code"]
    return requests.post(f"{BASE}/oauth2/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}).json()["access_token"]


def as_json(message):
    """What a REST client sends for a generated request: its JSON, enums by name."""
    return json.loads(type(message).to_json(message, use_integers_for_enums=False))


def post(path, tok, message, login=None):
    headers = {"authorization": f"Bearer {tok}"}
    if login:
        headers["login-customer-id"] = login
    return requests.post(f"{ADS}/{path}", headers=headers, json=as_json(message))


def failure(resp):
    """The answer's GoogleAdsFailure, parsed by Google's own type."""
    detail = dict(resp.json()["error"]["details"][0])
    kind = detail.pop("@type")
    ok(f"the failure is a {kind.rsplit('.', 1)[-1]} of v26", kind.endswith("v26.errors.GoogleAdsFailure"))
    return GoogleAdsFailure.from_json(json.dumps(detail), ignore_unknown_fields=False)


# --- 1. The cycle, as Google's types serialise it -------------------------------------------
agency, casey = token("analytics@agency.example"), token("casey@messyco.example")
listed = requests.get(f"{ADS}/customers:listAccessibleCustomers", headers={"authorization": f"Bearer {casey}"}).json()
ok("listAccessibleCustomers names the client's account", f"customers/{CLIENT}" in listed["resourceNames"])

def invite(status):
    return ccl.MutateCustomerClientLinkRequest(customer_id=MCC, operation=ccl.CustomerClientLinkOperation(
        create=CustomerClientLink(client_customer=f"customers/{CLIENT}", status=status)))

refused = post(f"customers/{MCC}/customerClientLinks:mutate", agency, invite(Status.ACTIVE), MCC)
f = failure(refused)
ok("creating an ACTIVE link is refused CREATING_ENABLED_LINK_NOT_ALLOWED",
   refused.status_code == 400 and f.errors[0].error_code.manager_link_error.name == "CREATING_ENABLED_LINK_NOT_ALLOWED")
made = post(f"customers/{MCC}/customerClientLinks:mutate", agency, invite(Status.PENDING), MCC)
result = ccl.MutateCustomerClientLinkResponse.from_json(made.text, ignore_unknown_fields=False)
ok("the manager's PENDING invitation is answered as MutateCustomerClientLinkResponse",
   made.status_code == 200 and result.result.resource_name.startswith(f"customers/{MCC}/customerClientLinks/{CLIENT}~"))

query = ("SELECT customer_client_link.client_customer, customer_client_link.manager_link_id, "
         f"customer_client_link.status FROM customer_client_link WHERE customer_client_link.client_customer = 'customers/{CLIENT}'")
found = post(f"customers/{MCC}/googleAds:search", agency, SearchGoogleAdsRequest(customer_id=MCC, query=query), MCC)
rows = [GoogleAdsRow.from_json(json.dumps(r), ignore_unknown_fields=False) for r in found.json()["results"]]
link = rows[0].customer_client_link
ok("GAQL rows parse as GoogleAdsRow and show the link PENDING", link.status == Status.PENDING and link.manager_link_id > 0)

def set_status(status, tok, login=None):
    op = cml.CustomerManagerLinkOperation(
        update=CustomerManagerLink(resource_name=f"customers/{CLIENT}/customerManagerLinks/{MCC}~{link.manager_link_id}", status=status),
        update_mask=field_mask_pb2.FieldMask(paths=["status"]))
    return post(f"customers/{CLIENT}/customerManagerLinks:mutate", tok,
                cml.MutateCustomerManagerLinkRequest(customer_id=CLIENT, operations=[op]), login)

accepted = set_status(Status.ACTIVE, casey)
ok("the client's administrator accepts (MutateCustomerManagerLinkResponse)", accepted.status_code == 200 and
   cml.MutateCustomerManagerLinkResponse.from_json(accepted.text, ignore_unknown_fields=False).results[0].resource_name)
again = set_status(Status.ACTIVE, casey)
ok("accepting twice is refused NO_PENDING_INVITE",
   failure(again).errors[0].error_code.customer_manager_link_error.name == "NO_PENDING_INVITE")
ended = set_status(Status.INACTIVE, agency, MCC)
ok("the manager ends the link through itself", ended.status_code == 200)
bad = requests.post(f"{ADS}/customers/{MCC}/googleAds:search", headers={"authorization": f"Bearer {agency}", "login-customer-id": MCC},
                    json={"query": "SELECT customer.nickname FROM customer"})
ok("an unknown GAQL field is refused UNRECOGNIZED_FIELD",
   failure(bad).errors[0].error_code.query_error.name == "UNRECOGNIZED_FIELD")

# --- 2. Latchkey's own requests, judged by Google's types ----------------------------------
TYPES = {"search": SearchGoogleAdsRequest, "mutateCustomerClientLink": ccl.MutateCustomerClientLinkRequest,
         "mutateCustomerManagerLink": cml.MutateCustomerManagerLinkRequest}
ROW = set(GoogleAdsRow.meta.fields)
seen, resources = {}, set()
for path in sorted(glob.glob(os.path.join(SAVED, "*.json"))):
    for method, body in json.load(open(path)):
        request = TYPES[method].from_json(body, ignore_unknown_fields=False)
        seen[method] = seen.get(method, 0) + 1
        if method != "search":
            continue
        select = re.match(r"SELECT (.*?) FROM (\w+)", request.query, re.S)
        if not select or select.group(2) not in ROW:
            sys.exit(f"FAILED: not a GoogleAdsRow resource: {request.query}")
        resources.add(select.group(2))
        resource = type(getattr(GoogleAdsRow(), select.group(2)))
        for field in (f.strip() for f in select.group(1).split(",")):
            owner, name = field.split(".", 1)
            if name not in resource.meta.fields:
                sys.exit(f"FAILED: {field} is not a field of {owner}")
ok(f"Latchkey's GAQL selects only fields of {sorted(resources)}", len(resources) >= 3)
ok(f"every Google Ads request Latchkey sent parses as Google's request type: {seen}",
   all(seen.get(m, 0) > 0 for m in TYPES))
print(f"{checks} checks passed: Google Ads requests against the google-ads v26 types")
