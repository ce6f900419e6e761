-- The citizen's own Message-ID an e-mail about their e-mailed application
-- answers (In-Reply-To / References), so the acknowledgement and the answer
-- land in the citizen's thread. Personal data: cleared with the recipient
-- and the text once the delivery is final. (Social messages keep their
-- conversation's address, as JSON, in the existing recipient column.)
ALTER TABLE notify_deliveries ADD COLUMN in_reply_to TEXT;
