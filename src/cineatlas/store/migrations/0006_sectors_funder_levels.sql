-- Sectors of awards and levels of funders (issue 11).
-- A subsidies file of a département holds every sector (sport, social, culture…): each award
-- says whether it is a cinema and audiovisual line, and which rule decided it. Funders that
-- are public bodies say which level of government they are and which territory they govern.
-- Vocabularies: cineatlas.store.vocabularies (SECTORS, SECTOR_RULES, FUNDER_LEVELS).

ALTER TABLE awards ADD COLUMN sector VARCHAR;        -- cinema-audiovisual | other; NULL = not classified
ALTER TABLE awards ADD COLUMN sector_rule VARCHAR;   -- the rule that decided the sector ('source': the whole source is cinema and audiovisual)

ALTER TABLE organisations ADD COLUMN funder_level VARCHAR;          -- european | national | provincial | regional | departmental | metropolitan | intercommunal | communal | other; NULL = not a public funder or unknown
ALTER TABLE organisations ADD COLUMN governed_territory_id VARCHAR; -- the territory a public body governs (a département's FR-D44), when known

-- Awards loaded before this version come from sources that are cinema and audiovisual as a
-- whole, except SCDL files, which hold every sector: those stay unclassified (NULL) until
-- they are imported again, when the classifier gives each line its sector.
UPDATE awards SET sector = 'cinema-audiovisual', sector_rule = 'source'
WHERE source_id IN (SELECT source_id FROM sources WHERE importer <> 'scdl');
