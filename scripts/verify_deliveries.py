"""Checks every webhook delivery the Rust test suite received (saved as JSON files by its
receiver) with the official Standard Webhooks library: the library must agree with the
suite's own check on each one. Deliveries signed at a moved test clock are outside the
library's five-minute tolerance, so for those the library's own signer is compared with the
`webhook-signature` header (the same HMAC `verify` runs after its timestamp check).

    python verify_deliveries.py DIR
"""

import json
import pathlib
import sys
from datetime import datetime, timezone

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

folder = pathlib.Path(sys.argv[1])
files = sorted(folder.glob("*.json"))
if not files:
    sys.exit(f"FAILED: no deliveries saved in {folder}: did the webhook tests run?")
agreed = 0
for f in files:
    d = json.loads(f.read_text())
    wh = Webhook(d["secret"])
    headers = {
        "webhook-id": d["id"],
        "webhook-timestamp": d["timestamp"],
        "webhook-signature": d["signatures"],
    }
    try:
        wh.verify(d["body"], headers)
        library = True
    except WebhookVerificationError as e:
        if "timestamp" in str(e).lower():
            at = datetime.fromtimestamp(int(d["timestamp"]), tz=timezone.utc)
            expected = wh.sign(d["id"], at, d["body"])
            library = expected.split(",", 1)[1] in [
                s.split(",", 1)[1] for s in d["signatures"].split(" ") if s.startswith("v1,")
            ]
        else:
            library = False
    if library != d["suite_says"]:
        sys.exit(f"FAILED: {f.name}: standardwebhooks says {library}, the suite said {d['suite_says']}")
    agreed += 1
print(f"{agreed} passed, 0 failed (standardwebhooks agrees with the suite on every delivery)")
