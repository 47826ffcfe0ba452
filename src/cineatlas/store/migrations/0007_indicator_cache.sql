-- Indicator results kept in the store for the atlas' first pages (indicators/cache.py): per
-- (indicator, level), the ranked result of all years (by_year FALSE) or the result by year of
-- every territory (by_year TRUE), as Arrow IPC bytes, valid while `fingerprint` (the store's
-- sources and the indicator code) is the store's own.
CREATE TABLE indicator_cache (
    indicator   VARCHAR NOT NULL,
    level       VARCHAR NOT NULL,
    by_year     BOOLEAN NOT NULL,
    fingerprint VARCHAR NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    data        BLOB NOT NULL,
    PRIMARY KEY (indicator, level, by_year)
);
