-- cineatlas store, schema version 5: commission sessions as published, and people credited on awards.
-- See docs/data-model.md (commissions, commission_members, award_people).

ALTER TABLE commissions ADD COLUMN session_date DATE;        -- the day the commission met, when published
ALTER TABLE commissions ADD COLUMN url VARCHAR;              -- the page publishing its results
ALTER TABLE commissions ADD COLUMN reference VARCHAR;        -- the publisher's (or compiler's) identifier

ALTER TABLE commission_members ADD COLUMN substitute BOOLEAN;  -- sits as a substitute (suppléant·e); NULL when not said
ALTER TABLE commission_members ADD COLUMN reference VARCHAR;   -- the member's identifier as published for this seat

ALTER TABLE people ADD COLUMN reference VARCHAR;             -- the person's identifier as published (first met)

ALTER TABLE schemes ADD COLUMN parent_scheme_id VARCHAR;     -- the fund a sub-scheme (volet, call) belongs to

ALTER TABLE awards ADD COLUMN commission_id VARCHAR;         -- the session that decided the award, when known
ALTER TABLE awards ADD COLUMN reference VARCHAR;             -- the award's identifier as published

CREATE TABLE award_people (
    award_id    VARCHAR NOT NULL,
    person_id   VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,   -- talent (a creator the award names) | director | author | producer | other
    reference   VARCHAR,            -- the person's identifier as published on this award
    source_id   VARCHAR NOT NULL,
    fictitious  BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (award_id, person_id, role)
);
