-- A conversation that never gives a phone number still becomes a case when
-- its window passes (reply channel NO_CONTACT): its held messages must say
-- where they came from (platform and account: the category and province of
-- the application) and what the platform told of the sender (display name,
-- a shared location). sender_name, latitude and longitude are personal
-- data, kept only while the message is held, like held_text, and erased
-- with it once the application is on the bus.
--
-- New state: expiring (the held messages of a conversation whose window
-- passed, claimed as application_id with its tracking_number, not yet
-- acknowledged by the bus; published once it is).
ALTER TABLE social_messages ADD COLUMN platform TEXT;
ALTER TABLE social_messages ADD COLUMN account_id TEXT;
ALTER TABLE social_messages ADD COLUMN sender_name TEXT;
ALTER TABLE social_messages ADD COLUMN latitude DOUBLE PRECISION;
ALTER TABLE social_messages ADD COLUMN longitude DOUBLE PRECISION;
CREATE INDEX social_messages_by_state ON social_messages (state, sent_at);
