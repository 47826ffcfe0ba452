-- cineatlas store, schema version 10: resolved entities (issue 14).
-- The same company, film or person met in several sources (or twice in one) is one entity.
-- Resolution (cineatlas.resolve, `cineatlas resolve`, run after every import) gives EVERY
-- record of organisations, works and people its entity: a record alone is its own entity
-- (probability 1, evidence {"rule": "alone"}). This table is derived, not owned by a source:
-- it is rebuilt whole by each resolution. See docs/data-model.md and docs/resolution.md.

CREATE TABLE entity_members (
    kind         VARCHAR NOT NULL,   -- organisation | work | person
    member_id    VARCHAR NOT NULL,   -- the record's id in organisations, works or people
    entity_id    VARCHAR NOT NULL,   -- the resolved entity: a stable id shared by its members
    probability  DOUBLE NOT NULL,    -- the match probability that put it in its cluster (1 for a key or alone)
    evidence     JSON,               -- why: the rule (key | model | override | alone), the keys, the compared fields
    PRIMARY KEY (kind, member_id)
);
