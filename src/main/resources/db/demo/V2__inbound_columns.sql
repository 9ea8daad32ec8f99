-- What an inbound job writes besides the mapped columns: whether a person's Salesforce record was
-- deleted (onDelete: flag), whether the address lacks a part, the Salesforce Id a list was imported with,
-- and sequences for the keys of rows that first appear in Salesforce.
ALTER TABLE person ADD COLUMN sf_deleted BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE person ADD COLUMN address_incomplete BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE person ADD COLUMN salesforce_id VARCHAR(18);
ALTER TABLE company ADD COLUMN sf_deleted BOOLEAN DEFAULT FALSE NOT NULL;
CREATE SEQUENCE person_ids START WITH 1000001;
CREATE SEQUENCE company_ids START WITH 1000001;
-- an inbound job finds the row of a record not linked yet by email
CREATE INDEX person_email ON person (email);
