-- cineatlas store, schema version 1.
-- Every data table carries source_id (provenance) and fictitious (TRUE for demo rows).
-- Money is exact: *_minor columns hold integer minor units (cents) of `currency`.
-- Unknown is NULL, never 0. The data model is documented in docs/data-model.md.

CREATE TABLE sources (
    source_id          VARCHAR PRIMARY KEY,   -- e.g. 'telefilm:telefilm-contributions-2009-2018'
    importer           VARCHAR NOT NULL,      -- registered importer name
    title              VARCHAR,
    file_name          VARCHAR,
    sha256             VARCHAR,
    size_bytes         BIGINT,
    options            JSON,                  -- importer options, canonical JSON; 'input_sha256': digests of the other files read (the generic importer's mapping)
    imported_at        TIMESTAMP NOT NULL,
    cineatlas_version  VARCHAR,
    encoding           VARCHAR,
    delimiter          VARCHAR,
    rows_read          BIGINT NOT NULL,
    rows_loaded        BIGINT NOT NULL,
    rows_quarantined   BIGINT NOT NULL,
    publisher          VARCHAR,
    licence            VARCHAR,
    url                VARCHAR,
    fictitious         BOOLEAN NOT NULL DEFAULT FALSE,
    report             JSON                   -- the import report (counts, problem summary); problem values and messages scrubbed of e-mails and phones
);

CREATE TABLE quarantine (
    source_id    VARCHAR NOT NULL,
    row_number   BIGINT NOT NULL,   -- data row as a spreadsheet shows it: the header is row 1
    line_number  BIGINT,            -- physical line where the record starts
    content      JSON,              -- original cells, {column: text}; e-mails and phones redacted
    reasons      JSON NOT NULL,     -- list of {field, code, message, severity, value}; e-mails and phones redacted
    PRIMARY KEY (source_id, row_number)
);

CREATE TABLE territories (
    territory_id     VARCHAR PRIMARY KEY,   -- 'FR', 'FR-R84', 'FR-D69', 'FR-C69123', 'CA', 'CA-QC', 'CA-QC-R06', ...
    level            VARCHAR NOT NULL,      -- country | region | department | commune | province | qc_region | municipality | metropolis | state
    code             VARCHAR NOT NULL,      -- official code at that level (INSEE, ISO 3166-2, SGC, MAMH)
    name             VARCHAR NOT NULL,
    name_key         VARCHAR NOT NULL,      -- lower case, no accents, for matching
    country_code     VARCHAR NOT NULL,      -- ISO 3166-1 alpha-2
    parent_id        VARCHAR,               -- next level up (commune -> department -> region -> country)
    region_id        VARCHAR,               -- region / province this territory lies in (itself for regions)
    metropolis_id    VARCHAR,               -- the metropolis (level 'metropolis') it belongs to, if any
    population       BIGINT,                -- NULL when unknown
    population_year  INTEGER,
    population_source VARCHAR,
    area_km2         DOUBLE,
    density          DOUBLE,                -- inhabitants per km²
    density_class    VARCHAR,               -- dense | intermediate | rural | remote_rural (see docs)
    overseas         BOOLEAN,               -- France: outre-mer
    latitude         DOUBLE,                -- a representative point (inside the outline)
    longitude        DOUBLE,
    source_id        VARCHAR NOT NULL,
    fictitious       BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE territory_aliases (
    alias_key     VARCHAR NOT NULL,   -- normalised alternative name, code, postal code or abbreviation (city_of: a territory id)
    kind          VARCHAR NOT NULL,   -- name | former_name | abbreviation | code | former_code | postal_code | city_of (docs/territories.md)
    territory_id  VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    PRIMARY KEY (alias_key, kind, territory_id)
);

CREATE TABLE territory_outlines (
    territory_id  VARCHAR PRIMARY KEY,
    geojson       VARCHAR NOT NULL,   -- simplified GeoJSON geometry (WGS 84)
    tolerance     DOUBLE,             -- simplification tolerance, degrees
    source_id     VARCHAR NOT NULL
);

CREATE TABLE organisations (
    organisation_id  VARCHAR PRIMARY KEY,
    name             VARCHAR NOT NULL,
    name_key         VARCHAR NOT NULL,     -- normalised name, to match across sources
    kind             VARCHAR,              -- public_body | company | association | individual | other
    is_funder        BOOLEAN NOT NULL DEFAULT FALSE,
    siren            VARCHAR,              -- France: 9 digits
    siret            VARCHAR,              -- France: 14 digits
    rna              VARCHAR,              -- France: associations, W + 9 digits
    city             VARCHAR,              -- as published
    territory_id     VARCHAR,              -- where it is based (commune / municipality when known)
    country_code     VARCHAR,
    source_id        VARCHAR NOT NULL,
    fictitious       BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE people (
    person_id   VARCHAR PRIMARY KEY,
    full_name   VARCHAR NOT NULL,
    name_key    VARCHAR NOT NULL,
    gender      VARCHAR,            -- female | male | other; NULL when not published
    source_id   VARCHAR NOT NULL,
    fictitious  BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE works (
    work_id      VARCHAR PRIMARY KEY,
    title        VARCHAR NOT NULL,
    title_key    VARCHAR NOT NULL,
    language     VARCHAR,
    format       VARCHAR,           -- feature | short | series | tv_film | web | game | other
    genre        VARCHAR,           -- fiction | documentary | animation | experimental | other
    source_id    VARCHAR NOT NULL,
    fictitious   BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE schemes (
    scheme_id    VARCHAR PRIMARY KEY,
    funder_id    VARCHAR,
    name         VARCHAR NOT NULL,
    name_key     VARCHAR NOT NULL,
    stage        VARCHAR,           -- default stage of the awards it makes, when it has one
    level        VARCHAR,           -- national | regional | departmental | local | european | other
    url          VARCHAR,
    source_id    VARCHAR NOT NULL,
    fictitious   BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE awards (
    award_id                 VARCHAR PRIMARY KEY,
    source_id                VARCHAR NOT NULL,
    row_number               BIGINT,          -- row in the source file (header = row 1)
    funder_id                VARCHAR,
    scheme_id                VARCHAR,
    beneficiary_id           VARCHAR,
    work_id                  VARCHAR,
    project_title            VARCHAR,         -- title or object of the award as published
    decision_date            DATE,
    fiscal_year              INTEGER,         -- first calendar year of the funder's fiscal year
    fiscal_period            VARCHAR,         -- as published, e.g. '2009-2010'
    amount_minor             BIGINT,          -- amount awarded (final value), minor units; NULL = unknown
    currency                 VARCHAR NOT NULL,
    original_amount_minor    BIGINT,          -- amount first decided, when a final value differs
    requested_amount_minor   BIGINT,          -- amount applied for, when published
    aid_type                 VARCHAR,         -- grant | repayable_advance | investment | loan | contribution | in_kind | mixed | other
    aid_type_raw             VARCHAR,
    stage                    VARCHAR,         -- writing | development | production | post_production | distribution | promotion | operation
    format                   VARCHAR,         -- feature | short | series | tv_film | web | game | other
    genre                    VARCHAR,         -- fiction | documentary | animation | experimental | other
    genre_detail             VARCHAR,         -- published genre label, normalised
    language                 VARCHAR,
    first_work               BOOLEAN,
    second_work              BOOLEAN,
    director_gender          VARCHAR,         -- female | male | mixed | other; NULL when not published
    beneficiary_territory_id VARCHAR,
    beneficiary_country_code VARCHAR,
    fictitious               BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE commissions (
    commission_id  VARCHAR PRIMARY KEY,
    funder_id      VARCHAR,
    scheme_id      VARCHAR,
    name           VARCHAR NOT NULL,
    year           INTEGER,
    source_id      VARCHAR NOT NULL,
    fictitious     BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE commission_members (
    commission_id       VARCHAR NOT NULL,
    person_id           VARCHAR NOT NULL,
    role                VARCHAR,        -- chair | vice_chair | member | reader | observer
    profession          VARCHAR,        -- author | director | producer | distributor | exhibitor | technician | actor | elected_official | civil_servant | other
    is_elected_official BOOLEAN,
    gender              VARCHAR,        -- as published
    source_id           VARCHAR NOT NULL,
    fictitious          BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (commission_id, person_id)
);

CREATE TABLE conventions (
    convention_id        VARCHAR NOT NULL,
    region_id            VARCHAR NOT NULL,   -- territory_id of the Region
    period_start         INTEGER NOT NULL,
    period_end           INTEGER NOT NULL,
    year                 INTEGER NOT NULL,
    axis                 VARCHAR NOT NULL,   -- writing_development | creation_production | diffusion | image_education | heritage | other
    basis                VARCHAR NOT NULL,   -- committed | actual
    region_amount_minor  BIGINT,
    cnc_amount_minor     BIGINT,
    state_amount_minor   BIGINT,             -- State (DRAC) money, when separate from the CNC
    other_amount_minor   BIGINT,             -- other partners (Departments, cities, ...)
    other_partners       VARCHAR,
    currency             VARCHAR NOT NULL,
    source_id            VARCHAR NOT NULL,
    fictitious           BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (convention_id, year, axis, basis)
);

CREATE TABLE application_stats (
    funder_id               VARCHAR,
    scheme_id               VARCHAR NOT NULL,
    year                    INTEGER NOT NULL,
    applications_received   BIGINT,
    applications_awarded    BIGINT,
    source_id               VARCHAR NOT NULL,
    fictitious              BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (scheme_id, year)
);

CREATE TABLE venues (
    venue_id              VARCHAR PRIMARY KEY,
    source_id             VARCHAR NOT NULL,
    row_number            BIGINT,
    reference             VARCHAR,          -- publisher's identifier (CNC 'N° auto')
    name                  VARCHAR NOT NULL,
    address               VARCHAR,          -- the venue's public street address
    territory_id          VARCHAR,          -- commune (arrondissement for Paris, Lyon, Marseille)
    year                  INTEGER,          -- year the figures describe
    screens               INTEGER,
    seats                 INTEGER,
    weeks_active          INTEGER,
    shows                 INTEGER,
    admissions            BIGINT,
    admissions_previous   BIGINT,
    art_et_essai          BOOLEAN,
    ae_category           VARCHAR,          -- A..E
    ae_labels             VARCHAR[],        -- RD (Recherche et Découverte), JP (Jeune Public), PR (Patrimoine et Répertoire)
    multiplex             BOOLEAN,
    itinerant             BOOLEAN,
    programmer            VARCHAR,
    urban_unit            VARCHAR,
    latitude              DOUBLE,
    longitude             DOUBLE,
    fictitious            BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE festivals (
    festival_id             VARCHAR PRIMARY KEY,
    source_id               VARCHAR NOT NULL,
    row_number              BIGINT,
    reference               VARCHAR,          -- publisher's identifier
    name                    VARCHAR NOT NULL,
    discipline              VARCHAR,
    is_cinema               BOOLEAN NOT NULL,
    cinema_subcategories    VARCHAR[],
    territory_id            VARCHAR,          -- commune
    scope                   VARCHAR,          -- envergure territoriale, normalised
    creation_year           INTEGER,
    creation_decade         VARCHAR,
    period                  VARCHAR,
    website                 VARCHAR,
    latitude                DOUBLE,
    longitude               DOUBLE,
    fictitious              BOOLEAN NOT NULL DEFAULT FALSE
);
