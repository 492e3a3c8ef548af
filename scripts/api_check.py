"""Latchkey's JSON API, driven by a client generated from its OpenAPI document by an
independent generator (openapi-python-client), and its webhooks verified by the official
Standard Webhooks library (`standardwebhooks`). Run by scripts/api-check, which generates the
client and starts Latchkey; this script fails (non-zero) on the first surprise.

    python api_check.py BASE_URL API_KEY
"""

import http.server
import json
import sys
import threading
import time
import uuid
from urllib.parse import parse_qs, urlparse

from latchkey_client import AuthenticatedClient
from latchkey_client.api.clients import create_client
from latchkey_client.api.grants import list_grants
from latchkey_client.api.requests import create_request, list_requests
from latchkey_client.api.webhooks import create_webhook
from latchkey_client.models import (
    AskIo,
    AskIoKind,
    AskIoLevel,
    ClientIn,
    Problem,
    RequestIn,
    RequestInDelivery,
    RequestInMode,
    WebhookIn,
)
from standardwebhooks.webhooks import Webhook

base, key = sys.argv[1], sys.argv[2]
api = AuthenticatedClient(base_url=base, token=key, raise_on_unexpected_status=True)
checks = 0


def check(what, ok, detail=""):
    global checks
    if not ok:
        sys.exit(f"FAILED: {what} {detail}")
    checks += 1
    print(f"ok {checks:2} {what}")


# A webhook receiver on loopback: every delivery is kept with its headers.
got = []


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        got.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


receiver = http.server.HTTPServer(("127.0.0.1", 0), Hook)
threading.Thread(target=receiver.serve_forever, daemon=True).start()
hook_url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"

made = create_webhook.sync(client=api, body=WebhookIn(url=hook_url, description="api-check"))
check("a webhook endpoint is created, its secret shown once", made.secret.startswith("whsec_"))
secret = made.secret

# A client; bad input is a problem naming what is wrong.
bloom = create_client.sync(
    client=api, body=ClientIn(name="Bloom Bakery", contact_email="casey@bloom.example")
)
check("a client is created", bloom.id > 0 and bloom.name == "Bloom Bakery")
bad = create_client.sync(client=api, body=ClientIn(name="", contact_email="not an address"))
check(
    "a bad client is a validation problem listing each rule",
    isinstance(bad, Problem) and bad.status == 422 and len(bad.errors) >= 2,
    repr(bad),
)


def ask(kind, level):
    return AskIo(kind=AskIoKind(kind), level=AskIoLevel(level))


def request_body(**more):
    return RequestIn(
        client_id=bloom.id,
        asks=[ask("page", "manage"), ask("ad_account", "advertise")],
        # User access for the owner: the agency made by `create-owner` has no Meta
        # portfolio id yet, which partner access needs.
        mode=RequestInMode.USER,
        people=["ada@northwind.example"],
        delivery=RequestInDelivery.LINK,
        **more,
    )


# A request with an Idempotency-Key, sent twice: one request, the same answer.
idem = str(uuid.uuid4())
first = create_request.sync_detailed(client=api, body=request_body(), idempotency_key=idem)
again = create_request.sync_detailed(client=api, body=request_body(), idempotency_key=idem)
check("a request is created with an Idempotency-Key", first.status_code == 201, first.content)
check(
    "its retry replays the first answer",
    again.status_code == 201
    and again.parsed.request.id == first.parsed.request.id
    and again.headers.get("idempotent-replayed") == "true",
)
check("the link is returned once", "/r/lkr_" in (first.parsed.link or ""))
stranger = create_request.sync(
    client=api, body=request_body(sender_email="nobody@elsewhere.example")
)
check(
    "a sender who is not on the team is refused, naming the field",
    isinstance(stranger, Problem) and stranger.errors[0].field == "sender_email",
    repr(stranger),
)

# Two more, then page through them two at a time by following `next`.
for _ in range(2):
    create_request.sync(client=api, body=request_body())
seen, cursor, pages = [], None, 0
while True:
    page = list_requests.sync(client=api, limit=2, **({"cursor": cursor} if cursor else {}))
    pages += 1
    seen += [r.id for r in page.data]
    if not page.next_:
        break
    cursor = parse_qs(urlparse(page.next_).query)["cursor"][0]
check("paging with next visits every request once", len(seen) == 3 == len(set(seen)) and pages == 2, seen)

grants = list_grants.sync(client=api)
check("grants list (nothing approved yet)", grants.data == [])

# Every delivery verifies with the official library.
deadline = time.time() + 20
while time.time() < deadline and len(got) < 3:
    time.sleep(0.2)
check("request.created reached the receiver for each request", len(got) >= 3, len(got))
wh = Webhook(secret)
for headers, body in got:
    event = wh.verify(body, headers)
    check(f"delivery {headers['webhook-id']} verifies ({event['type']})", event["type"].startswith("request."))
print(f"{checks} passed, 0 failed")
