-- A rule may give the category of what it places when the application came
-- with only its channel's default (e-mail, social media): NULL gives none.
ALTER TABLE routing_rules ADD COLUMN assigned_category TEXT;
