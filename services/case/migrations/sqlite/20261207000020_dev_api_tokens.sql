-- API tokens `tekmerkez dev` mints for each run (its banner's "gRPC API
-- tokens for this run"): the next start revokes them before minting new
-- ones; tokens an admin issued are never touched.
ALTER TABLE api_tokens ADD COLUMN minted_by_dev BOOLEAN NOT NULL DEFAULT FALSE;
