-- A rule may classify what it places (issue 18): the application type it
-- gives (common.v1.ApplicationType number), winning over the channel's;
-- NULL keeps the channel's choice (or talep).
ALTER TABLE routing_rules ADD COLUMN application_type BIGINT;
