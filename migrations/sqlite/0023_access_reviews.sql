-- Access reviews (issue 25): who at the agency holds what through Latchkey, confirmed by a
-- person at a time (the evidence clients and auditors ask for); owners may require one
-- every N days, with an e-mail when one is due.
CREATE TABLE access_reviews (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    confirmed_by_name TEXT NOT NULL,
    confirmed_by_email TEXT NOT NULL,
    people INTEGER NOT NULL,
    assets INTEGER NOT NULL,
    confirmed_at INTEGER NOT NULL
);
CREATE INDEX access_reviews_agency ON access_reviews (agency_id, confirmed_at);
ALTER TABLE agencies ADD COLUMN review_every_days INTEGER;
ALTER TABLE agencies ADD COLUMN review_reminded_at INTEGER;
-- Who sent an invitation: when they leave, their pending invitations stay valid only if the
-- person removing them says so.
ALTER TABLE auth_tokens ADD COLUMN invited_by INTEGER;
