-- The latest warning sent about the agency's Meta connection ('' none, '14d', '3d', 'lost'),
-- so each is sent once per token; connecting a new token starts over.
ALTER TABLE agencies ADD COLUMN meta_warned TEXT NOT NULL DEFAULT '';
