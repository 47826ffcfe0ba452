-- cineatlas store, schema version 4: the CNC's agreed films (importer cnc-films-agrees).
-- A film agreed by the CNC is a `works` row (keyed by its VISA); these tables hold what the
-- agreement publishes. Financing facts are published without amounts: amount_minor is NULL
-- (unknown), never 0. See docs/data-model.md and docs/importers/cnc-films-agrees.md.

CREATE TABLE film_approvals (           -- one row per agreed film and year (agrément)
    approval_id        VARCHAR PRIMARY KEY,   -- '<source>/<row>'
    work_id            VARCHAR NOT NULL,
    visa               VARCHAR NOT NULL,      -- the CNC's VISA number, as published
    year               INTEGER NOT NULL,      -- the year of the list (its sheet)
    sheet              VARCHAR,               -- the sheet the row was read from
    row_number         BIGINT,                -- row across the workbook (see quarantine)
    line_number        BIGINT,                -- row in its sheet, as a spreadsheet shows it
    title              VARCHAR NOT NULL,      -- as published that year
    budget_minor       BIGINT,                -- devis, euro cents; NULL = not published
    currency           VARCHAR NOT NULL,      -- 'EUR'
    genre              VARCHAR,               -- fiction | documentary | animation | other
    genre_raw          VARCHAR,
    french_initiative  BOOLEAN,               -- EOF (film d'initiative française); NULL = unknown
    rank               INTEGER,               -- 1 = first film of its director(s), 2 = second, 3 = third or later
    coproduction       BOOLEAN,               -- more than one country in NATIONALITE; NULL = not published
    french_share       DOUBLE,                -- France's share of the co-production, percent
    nationality_raw    VARCHAR,
    published_facts    VARCHAR[],             -- the financing facts the year's list publishes (kinds of work_financing)
    source_id          VARCHAR NOT NULL,
    fictitious         BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE work_credits (              -- who made a work: directors (people), producers (organisations)
    approval_id      VARCHAR NOT NULL,
    work_id          VARCHAR NOT NULL,
    role             VARCHAR NOT NULL,    -- director | producer
    position         INTEGER NOT NULL,    -- order in the published cell, from 1
    person_id        VARCHAR,             -- for a director
    organisation_id  VARCHAR,             -- for a producer
    credit_as        VARCHAR NOT NULL,    -- the name as published ('LARTIGAU Eric', 'SAJ (TIERS FERME)')
    rank             INTEGER,             -- a director's rank for this film (1 = first film), when published per director
    mark             VARCHAR,             -- a producer's mark: tiers_ferme
    source_id        VARCHAR NOT NULL,
    fictitious       BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (approval_id, role, position)
);

CREATE TABLE work_countries (            -- nationality and co-production shares
    approval_id    VARCHAR NOT NULL,
    work_id        VARCHAR NOT NULL,
    position       INTEGER NOT NULL,
    country_code   VARCHAR,              -- ISO 3166-1 alpha-2; NULL when not recognised
    country_label  VARCHAR NOT NULL,     -- as published ('FRANCE', 'Fr', 'Belg')
    share_percent  DOUBLE,               -- NULL when not published
    source_id      VARCHAR NOT NULL,
    fictitious     BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (approval_id, position)
);

CREATE TABLE work_financing (            -- financing facts known without an amount
    approval_id    VARCHAR NOT NULL,
    work_id        VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    kind           VARCHAR NOT NULL,     -- advance_on_receipts | pay_tv | free_tv | sofica | tax_credit | regional_aid | parity_bonus
    position       INTEGER NOT NULL,     -- several channels of one kind: 1, 2...
    funder_id      VARCHAR,              -- organisations: the CNC, a channel, 'A Region (not named)'...
    funder_label   VARCHAR,              -- as published (a channel's spelling), else NULL
    timing         VARCHAR,              -- advance on receipts: before | after (avant / après réalisation)
    amount_minor   BIGINT,               -- NULL: the list publishes no amount
    currency       VARCHAR NOT NULL,
    source_id      VARCHAR NOT NULL,
    fictitious     BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (approval_id, kind, position)
);
