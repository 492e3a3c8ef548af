-- A client can decline a request ("this isn't for me" / "not now"), with an optional note;
-- the link closes and the agency is told.
ALTER TABLE access_requests ADD COLUMN declined_at INTEGER;
ALTER TABLE access_requests ADD COLUMN decline_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE access_requests ADD COLUMN decline_note TEXT NOT NULL DEFAULT '';

-- Mail to clients comes from the agency: its name on the From line (at Latchkey's sending
-- address) and Reply-To the staff member who sent the request.
ALTER TABLE outbox ADD COLUMN from_name TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN reply_to TEXT NOT NULL DEFAULT '';
