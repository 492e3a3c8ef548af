-- The agency's Google Ads manager account (MCC) (issue 27): clients' Ads accounts are linked
-- to it. Its id (ten digits) and its name as Google gave it when the id was checked.
ALTER TABLE agencies ADD COLUMN google_ads_manager_id TEXT;
ALTER TABLE agencies ADD COLUMN google_ads_manager_name TEXT;
