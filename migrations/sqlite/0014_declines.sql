-- A client can decline a request ("this isn't for me" / "not now"), with an optional note;
-- the link closes and the agency is told.
ALTER TABLE access_requests ADD COLUMN declined_at INTEGER;
ALTER TABLE access_requests ADD COLUMN decline_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE access_requests ADD COLUMN decline_note TEXT NOT NULL DEFAULT '';
