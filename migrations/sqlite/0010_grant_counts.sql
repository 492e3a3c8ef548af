-- The dashboard's totals without counting every grant on every page view: a count per
-- (agency, kind, mode, status), kept by triggers in the same transaction as every change
-- to a grant, whichever code path makes it.
CREATE TABLE grant_counts (
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    kind TEXT NOT NULL,
    mode TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (agency_id, kind, mode, status)
);

INSERT INTO grant_counts (agency_id, kind, mode, status, n)
SELECT agency_id, kind, mode, status, COUNT(*) FROM grants GROUP BY agency_id, kind, mode, status;

CREATE TRIGGER grant_counts_insert AFTER INSERT ON grants
BEGIN
    INSERT INTO grant_counts (agency_id, kind, mode, status, n)
    VALUES (NEW.agency_id, NEW.kind, NEW.mode, NEW.status, 1)
    ON CONFLICT (agency_id, kind, mode, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER grant_counts_delete AFTER DELETE ON grants
BEGIN
    UPDATE grant_counts SET n = n - 1
    WHERE agency_id = OLD.agency_id AND kind = OLD.kind AND mode = OLD.mode AND status = OLD.status;
END;

CREATE TRIGGER grant_counts_update AFTER UPDATE OF agency_id, kind, mode, status ON grants
WHEN OLD.agency_id IS NOT NEW.agency_id OR OLD.kind IS NOT NEW.kind
  OR OLD.mode IS NOT NEW.mode OR OLD.status IS NOT NEW.status
BEGIN
    UPDATE grant_counts SET n = n - 1
    WHERE agency_id = OLD.agency_id AND kind = OLD.kind AND mode = OLD.mode AND status = OLD.status;
    INSERT INTO grant_counts (agency_id, kind, mode, status, n)
    VALUES (NEW.agency_id, NEW.kind, NEW.mode, NEW.status, 1)
    ON CONFLICT (agency_id, kind, mode, status) DO UPDATE SET n = n + 1;
END;

-- The dashboard's pages in each order straight from an index, so a plan stays good even
-- on a connection that has not loaded the planner's statistics (SQLite loads them per
-- connection): the newest first, by asset and by due date, for the whole book and for one client.
CREATE INDEX grants_newest ON grants(agency_id, id);
CREATE INDEX grants_by_asset ON grants(agency_id, asset_name, id);
CREATE INDEX grants_by_due ON grants(agency_id, COALESCE(due_at, 9000000000000000000), id);
CREATE INDEX grants_client_by_asset ON grants(agency_id, client_id, asset_name, id);
CREATE INDEX grants_client_by_due ON grants(agency_id, client_id, COALESCE(due_at, 9000000000000000000), id);

-- The totals read grant_counts now; this index only tempted plans away from better ones.
DROP INDEX grants_totals;
