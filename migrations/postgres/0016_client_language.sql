-- The client's language (issue 18): set by the agency on a request (NULL: the client's
-- browser decides), remembered per client for the next request and the client's e-mails,
-- and the language an approval ran in (for its receipt).
ALTER TABLE access_requests ADD COLUMN language TEXT;
ALTER TABLE clients ADD COLUMN language TEXT;
ALTER TABLE approval_flows ADD COLUMN language TEXT;
