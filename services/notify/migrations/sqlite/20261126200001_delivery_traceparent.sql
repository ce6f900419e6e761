-- The W3C trace context of the case event a delivery was recorded for, so
-- the send (possibly much later, after quiet hours or retries) continues the
-- application's trace and the SMS provider's request carries it. Ids and
-- flags only, never personal data.
ALTER TABLE notify_deliveries ADD COLUMN traceparent TEXT;
