-- cineatlas store, schema version 2: amendments of a contract (docs/data-model.md, "Amendments").
-- A funder may re-disclose an amended contract as a new award row; these columns link the rows
-- of one contract so that it is counted once, at its final value.

-- The signing date of the contract an award amends, as the publisher's note names it
-- (Telefilm's "Amended contract signed 21-OCT-08"); NULL for an award that is no amendment.
ALTER TABLE awards ADD COLUMN amends_contract_date DATE;
-- The award (same source) this amendment amends: the row of that contract signed on that date.
ALTER TABLE awards ADD COLUMN amends_award_id VARCHAR;
-- The award holding the contract's final value, on every earlier row of an amended contract;
-- NULL on the row that counts (an award never amended, or a contract's last amendment).
ALTER TABLE awards ADD COLUMN superseded_by VARCHAR;
