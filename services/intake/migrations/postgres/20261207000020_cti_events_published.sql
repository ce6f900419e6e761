-- A replayed IVR record publishes nothing: published_at marks the event
-- whose application the bus acknowledged (a replay answers as the first
-- time and nothing more); publishing_until is the lease of the one request
-- publishing it now, so concurrent replays on any replica wait for it, and
-- a request that died mid-publish leaves the event to the next retry.
ALTER TABLE cti_events ADD COLUMN published_at BIGINT;
ALTER TABLE cti_events ADD COLUMN publishing_until BIGINT;
