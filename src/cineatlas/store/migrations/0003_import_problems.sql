-- cineatlas store, schema version 3: every problem an import found, row by row.
-- The import report keeps a sample (the first 1,000) and complete counts; this table keeps
-- them all, so that every problem stays findable (`cineatlas problems --source ID`).
-- Messages and values are scrubbed of e-mails and phones, like the quarantine's reasons.

CREATE TABLE import_problems (
    source_id   VARCHAR NOT NULL,
    row_number  BIGINT,             -- data row as a spreadsheet shows it (header = row 1); NULL: the whole file
    field       VARCHAR,            -- the column (expected label) concerned; NULL: the whole row
    code        VARCHAR NOT NULL,   -- problem type, e.g. 'invalid-amount' (see `cineatlas.problems`)
    severity    VARCHAR NOT NULL,   -- error (row quarantined) | warning (row loaded)
    message     VARCHAR,
    value       VARCHAR             -- the cell as written, when the problem is about one
);
