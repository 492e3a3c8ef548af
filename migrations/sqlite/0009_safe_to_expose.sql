-- Safe to expose: a crash-safe approval (intent written before any share at Meta), link
-- opens recorded at most once per visitor per hour, and the client's migration answers
-- kept as statements beside the agency's own record.

-- An approval attempt claims its flow with a lease the running process renews; a process
-- that dies leaves the lease to run out, and the recovery job finishes the attempt.
ALTER TABLE approval_flows ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE approval_flows ADD COLUMN lease_until INTEGER;
ALTER TABLE approval_flows ADD COLUMN finished_at INTEGER;
CREATE INDEX approval_flows_unfinished ON approval_flows(finished_at, lease_until);

-- The intent journal: one row per chosen asset, written in the transaction that claims
-- the attempt, before the first Graph call; `outcomes` is filled as Meta answers.
CREATE TABLE approval_items (
    id INTEGER PRIMARY KEY,
    flow_id INTEGER NOT NULL REFERENCES approval_flows(id),
    attempt INTEGER NOT NULL,
    asset_id TEXT NOT NULL,
    -- The asset as the picker offered it (JSON: kind, name, owner).
    asset TEXT NOT NULL,
    -- JSON list of outcomes once Meta answered; NULL while only intended.
    outcomes TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX approval_items_flow ON approval_items(flow_id, attempt);

-- A single-use link is approved by one flow at a time; it is used up only when that
-- flow recorded at least one grant.
ALTER TABLE access_requests ADD COLUMN approval_flow_id INTEGER;
-- The claim's lease, on the request row itself so that two concurrent claims are decided
-- by one row lock (a subquery on the flow would be read from a stale snapshot).
ALTER TABLE access_requests ADD COLUMN approval_until INTEGER;

-- At most one row per link, visitor and hour: a scanner or a reload storm cannot grow
-- the database. Rows older than two hours are purged by the job.
CREATE TABLE link_visits (
    request_id INTEGER NOT NULL REFERENCES access_requests(id),
    visitor TEXT NOT NULL,
    hour INTEGER NOT NULL,
    PRIMARY KEY (request_id, visitor, hour)
);
CREATE INDEX link_visits_hour ON link_visits(hour);

-- What the client said about their organisation's move to managed Meta accounts. Shown
-- to staff beside the agency's record; it never changes that record.
CREATE TABLE client_statements (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    client_id INTEGER NOT NULL REFERENCES clients(id),
    request_id INTEGER NOT NULL REFERENCES access_requests(id),
    person_id TEXT NOT NULL,
    person_name TEXT NOT NULL,
    status TEXT NOT NULL,
    day INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX client_statements_client ON client_statements(agency_id, client_id, id);
