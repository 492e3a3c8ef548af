"""Drives the standalone sandbox with Meta's official Python SDK. See scripts/sdk-check."""
import sys
import urllib.parse

import requests
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adspixel import AdsPixel
from facebook_business.adobjects.business import Business
from facebook_business.adobjects.page import Page
from facebook_business.adobjects.productcatalog import ProductCatalog
from facebook_business.adobjects.user import User
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError

BASE = sys.argv[1]
APP_ID, APP_SECRET = "100000000000001", "sandbox-app-secret-not-for-production"
AGENCY, MESSY, NORTHWIND = "1000000001", "2000000003", "2000000002"
CASEY = "9100000000000001"
AVA = "9100000000000003"  # an admin of the agency's portfolio
REDIRECT = "http://127.0.0.1:9/callback"  # loopback: allowed like a development-mode app
SCOPES = ["business_management", "pages_show_list", "pages_manage_metadata", "ads_management",
          "instagram_basic", "catalog_management"]
checks = 0


def check(what, ok):
    global checks
    checks += 1
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        sys.exit(1)


def login(person):
    """Facebook Login as a web app does it: the dialog, then the code exchange."""
    form = [("client_id", APP_ID), ("redirect_uri", REDIRECT), ("state", "s"),
            ("scope", ",".join(SCOPES)), ("person", person), ("action", "continue")]
    form += [("grant", s) for s in SCOPES]
    r = requests.post(f"{BASE}/sandbox/www/dialog/oauth/confirm", data=form, allow_redirects=False)
    code = urllib.parse.parse_qs(urllib.parse.urlparse(r.headers["location"]).query)["code"][0]
    r = requests.get(f"{BASE}/sandbox/graph/v27.0/oauth/access_token", params={
        "client_id": APP_ID, "client_secret": APP_SECRET, "redirect_uri": REDIRECT, "code": code})
    return r.json()["access_token"]


def api(token):
    a = FacebookAdsApi.init(APP_ID, APP_SECRET, token, api_version="v27.0", crash_log=False)
    a._session.GRAPH = f"{BASE}/sandbox/graph"  # the session's documented Graph URL attribute
    return a


user_api = api(login(CASEY))
me = User(fbid="me", api=user_api).api_get(fields=[User.Field.id, User.Field.name])
check("GET /me", me[User.Field.name] == "Casey Client")
businesses = User(fbid="me", api=user_api).get_businesses(
    fields=[Business.Field.id, Business.Field.name, Business.Field.verification_status])
check("GET /me/businesses", {b["id"] for b in businesses} >= {MESSY, NORTHWIND})

messy = Business(MESSY, api=user_api)
ads = messy.get_owned_ad_accounts(fields=[AdAccount.Field.id, AdAccount.Field.account_id,
                                          AdAccount.Field.account_status, AdAccount.Field.user_tasks])
check("owned_ad_accounts with user_tasks", any("MANAGE" in a.get("user_tasks", []) for a in ads))
check("owned_pages", len(messy.get_owned_pages(fields=[Page.Field.id, Page.Field.name, Page.Field.category])) >= 1)
check("owned_instagram_assets", len(messy.get_owned_instagram_assets(fields=["id", "ig_username", "ig_user_id"])) == 1)
check("owned_product_catalogs", len(messy.get_owned_product_catalogs(fields=[ProductCatalog.Field.id, ProductCatalog.Field.name])) == 1)
check("owned_pixels", len(messy.get_owned_pixels(fields=[AdsPixel.Field.id, AdsPixel.Field.name])) == 1)
people = messy.get_business_users(fields=["id", "name", "email", "role", "invited_user_type"])
check("business_users with invited_user_type", all(p.get("invited_user_type") in (["FB"], ["MWA"]) for p in people))

northwind = list(Business(NORTHWIND, api=user_api).get_owned_pages(fields=["id", "name"], params={"limit": 25}))
check("SDK cursor pages through all 120 Northwind Pages", len(northwind) == 120 and len({p["id"] for p in northwind}) == 120)

accounts = User(fbid="me", api=user_api).get_accounts(fields=["id", "name", "access_token", "tasks", "category"])
page = next(p for p in accounts if p["id"] == "1100000000000031")
check("/me/accounts gives Page tokens and tasks", "MANAGE" in page["tasks"] and page["access_token"])

# Partner shares, each with the token Meta requires (the Page's own for a Page).
AdAccount("act_2200000031", api=user_api).create_agency(
    params={"business": AGENCY, "permitted_tasks": ["ADVERTISE", "ANALYZE"]})
partners = AdAccount("act_2200000031", api=user_api).get_agencies(
    fields=["id", "name", "permitted_tasks", "access_status", "access_requested_time"])
check("ad account shared and read back", any(p["id"] == AGENCY and p["access_status"] == "CONFIRMED" for p in partners))
page_api = api(page["access_token"])
Page("1100000000000031", api=page_api).create_agency(
    params={"business": AGENCY, "permitted_tasks": ["MANAGE", "ADVERTISE", "ANALYZE"]})
check("Page shared with its Page token", any(p["id"] == AGENCY for p in Page("1100000000000031", api=page_api).get_agencies()))
ProductCatalog("1800000000000031", api=user_api).create_agency(params={"business": AGENCY, "permitted_tasks": ["ADVERTISE"]})
AdsPixel("1900000000000031", api=user_api).create_agency(params={"business": AGENCY, "permitted_tasks": ["ADVERTISE", "ANALYZE"]})
check("catalog and pixel shared", True)
assigned = AdAccount("act_2200000031", api=user_api).get_assigned_users(
    params={"business": MESSY}, fields=["id", "name", "user_type", "tasks"])
check("assigned_users read with business=", len(assigned) >= 1)
# A Page's people: with the Page token (and pages_manage_metadata) only, as Meta's reference says.
Page("1100000000000031", api=page_api).get_assigned_users(params={"business": MESSY}, fields=["id", "name", "tasks"])
check("a Page's assigned_users read with its Page token", True)
try:
    Page("1100000000000031", api=user_api).get_assigned_users(params={"business": MESSY})
    check("a Page's assigned_users with a user token is refused", False)
except FacebookRequestError as e:
    check("a Page's assigned_users with a user token is refused", e.api_error_code() == 210)

# Refusals in Meta's words.
try:
    Page("1100000000000031", api=user_api).api_get(fields=["id", "user_tasks"])
    check("a field Page does not have is refused", False)
except FacebookRequestError as e:
    check("a field Page does not have is refused", e.api_error_code() == 100 and
          e.api_error_message() == "(#100) Tried accessing nonexisting field (user_tasks) on node type (Page)")
try:
    Page("1100000000000031", api=user_api).create_agency(params={"business": AGENCY, "permitted_tasks": ["ANALYZE"]})
    check("a Page share with a user token is refused", False)
except FacebookRequestError as e:
    check("a Page share with a user token is refused", e.api_error_code() == 210)

# The agency's side, as its admin: its client businesses, then ending one relationship
# (`DELETE /{business}/clients`), which takes every asset of that client shared with it.
agency = Business(AGENCY, api=api(login(AVA)))
clients = agency.get_clients(fields=[Business.Field.id, Business.Field.name])
check("GET /{business}/clients lists the client", any(c["id"] == MESSY for c in clients))
# The SDK parses Meta's `{"success": true}` into an empty object: answering without an
# error is the call's success, and the listings below are its proof.
agency.delete_clients(params={"business": MESSY})
check("DELETE /{business}/clients answers without an error", True)
check("the client is gone from /{business}/clients",
      not any(c["id"] == MESSY for c in agency.get_clients(fields=[Business.Field.id])))
check("and so are its assets shared with the agency",
      not any(p["id"] == AGENCY for p in Page("1100000000000031", api=page_api).get_agencies()))

print(f"{checks} checks passed: facebook-business SDK against the sandbox")
