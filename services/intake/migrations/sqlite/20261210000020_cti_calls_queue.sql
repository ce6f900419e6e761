-- The queue a call came in on (call.offered's queue, else the number
-- dialled), published with the call's end for the reports' call figures.
ALTER TABLE cti_calls ADD COLUMN queue TEXT;
