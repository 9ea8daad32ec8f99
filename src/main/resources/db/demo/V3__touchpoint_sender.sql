-- Who sent each touchpoint (the team member's email): the Salesforce User with that email owns its Task.
ALTER TABLE touchpoint ADD COLUMN sender_email VARCHAR(255);
-- an activity's person is found by key
CREATE INDEX touchpoint_person ON touchpoint (person_id);
