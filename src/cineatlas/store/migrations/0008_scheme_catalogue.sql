-- cineatlas store, schema version 8: the scheme catalogue (issue 13).
-- A scheme (dispositif) is described with the fields of Etalab's "schéma des dispositifs
-- d'aides" (v0.2.0) plus what cinema needs. Every catalogue field a row fills has its source in
-- scheme_field_sources: a field nobody published stays NULL (unknown). Lists are NULL when
-- unknown, never empty. Vocabularies: cineatlas.store.vocabularies (SCHEME_*, APPLICANTS…).
-- See docs/data-model.md (schemes, scheme_bodies, scheme_dates, scheme_documents,
-- scheme_field_sources) and docs/schemes.md.

ALTER TABLE schemes ADD COLUMN reference VARCHAR;              -- the publisher's identifier (dispositif-aide `id`)
ALTER TABLE schemes ADD COLUMN promise VARCHAR;                -- promesse: the scheme in a few words
ALTER TABLE schemes ADD COLUMN description VARCHAR;            -- description, as published
ALTER TABLE schemes ADD COLUMN eligibility VARCHAR;            -- eligibilite: the eligibility criteria, as published
ALTER TABLE schemes ADD COLUMN criteria VARCHAR;               -- the selection criteria, as published
ALTER TABLE schemes ADD COLUMN aid_types VARCHAR[];            -- types_aides (financement, accompagnement, information…)
ALTER TABLE schemes ADD COLUMN targets VARCHAR[];              -- cibles: professionnels | particuliers | associations | secteur public
ALTER TABLE schemes ADD COLUMN parent_programmes VARCHAR[];    -- programmes_parents, as published
ALTER TABLE schemes ADD COLUMN geographic_eligibility VARCHAR[]; -- eligibilite_geographique, COG codes as the standard writes them (REG-75, DEP-33, COM-33063, PAYS-99100)
ALTER TABLE schemes ADD COLUMN geographic_exclusions VARCHAR[];  -- eligibilite_geographique_exclusions
ALTER TABLE schemes ADD COLUMN territorial_condition VARCHAR;  -- a territorial condition in words (shooting in the region, company based there…)
ALTER TABLE schemes ADD COLUMN opens_at TIMESTAMP;             -- date_ouverture
ALTER TABLE schemes ADD COLUMN closes_at TIMESTAMP;            -- date_cloture
ALTER TABLE schemes ADD COLUMN updated_at TIMESTAMP;           -- date_mise_a_jour, as published
ALTER TABLE schemes ADD COLUMN stages VARCHAR[];               -- the stages it supports (awards.stage codes)
ALTER TABLE schemes ADD COLUMN formats VARCHAR[];              -- the formats it takes (works.format codes)
ALTER TABLE schemes ADD COLUMN genres VARCHAR[];               -- the genres it takes (works.genre codes)
ALTER TABLE schemes ADD COLUMN applicants VARCHAR[];           -- who may apply (APPLICANTS codes)
ALTER TABLE schemes ADD COLUMN work_ranks VARCHAR[];           -- the works it takes: first | second | later
ALTER TABLE schemes ADD COLUMN amount_min_minor BIGINT;        -- published minimum, minor units of `currency`
ALTER TABLE schemes ADD COLUMN amount_max_minor BIGINT;        -- published maximum
ALTER TABLE schemes ADD COLUMN amount_typical_minor BIGINT;    -- published typical amount
ALTER TABLE schemes ADD COLUMN currency VARCHAR;               -- of the amounts above
ALTER TABLE schemes ADD COLUMN commission_name VARCHAR;        -- the commission that decides, as published

-- The bodies that run a scheme and their roles (the standard's `porteurs`).
CREATE TABLE scheme_bodies (
    scheme_id        VARCHAR NOT NULL,
    name             VARCHAR NOT NULL,   -- as published
    siren            VARCHAR,            -- 9 digits, when published
    organisation_id  VARCHAR,            -- the organisation it is in the store, when known
    role             VARCHAR NOT NULL,   -- SCHEME_BODY_ROLES (financeur, instructeur, porteur, …)
    source_id        VARCHAR NOT NULL,
    fictitious       BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (scheme_id, name, role)
);

-- Dated events of a scheme: calls' deadlines, commission sessions, openings and closings.
CREATE TABLE scheme_dates (
    scheme_id   VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,    -- SCHEME_DATE_KINDS: deadline | session | opening | closing | results
    date        DATE NOT NULL,
    title       VARCHAR,             -- as published ("Session 2 — dépôt des dossiers")
    url         VARCHAR,             -- where it is published
    source_id   VARCHAR NOT NULL,
    fictitious  BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (scheme_id, kind, date)
);

-- Documents about a scheme: official texts, rules, published award lists, minutes.
CREATE TABLE scheme_documents (
    scheme_id       VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,  -- SCHEME_DOCUMENT_KINDS: official_text | rules | award_list | minutes | application_figures
    title           VARCHAR NOT NULL,
    url             VARCHAR,
    published_from  INTEGER,           -- first year covered (award lists), when said
    source_id       VARCHAR NOT NULL,
    fictitious      BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (scheme_id, kind, title)
);

-- Where each catalogue field of a scheme comes from. One row per (scheme, field, source):
-- `locator` says where in the source ("$.aids[12]", "row 5", a URL), `rule` how the value was
-- read: published (as written), name (read from the scheme's published name by a documented
-- rule), funder (the funder's level or territory), decisions (observed in the decisions).
CREATE TABLE scheme_field_sources (
    scheme_id   VARCHAR NOT NULL,
    field       VARCHAR NOT NULL,   -- a column of schemes, or bodies | dates | documents
    source_id   VARCHAR NOT NULL,
    locator     VARCHAR,
    rule        VARCHAR NOT NULL,   -- published | name | funder | decisions
    fictitious  BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (scheme_id, field, source_id)
);
