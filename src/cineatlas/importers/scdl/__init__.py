"""SCDL « subventions »: the French standard for publishing the subsidies a public body grants.

    cineatlas import scdl subventions.csv

The Socle commun des données locales (SCDL) « subventions » (OpenDataFrance; décret 2017-779,
arrêté du 17 novembre 2017) is a Frictionless Table Schema. This importer reads version 2.1.1
(16 fields), the draft next version (40 fields: idSubvention, exerciceBudgetaire, dispositif,
montantDemande, cofinancement…) and files written with the long French labels of the first
versions (SCDL 1.x). Each field is declared once (`schema.FIELDS`); a test checks the
declarations against both published schemas.

Cells are validated as the standard says, columns matched by label, not position. Only what
makes a row unusable is an error; every other deviation loads the row with a warning and the
value as interpreted. See docs/importers/scdl.md.

The package, one module per concern:

- `schema`: the fields of each version; `labels`: their long French labels (SCDL 1.x);
- `lines`, `cells`: reading the lines (delimiter, wrapped tables, cells split by an unquoted
  delimiter joined back where one reading only fits);
- `header`: which column holds which field, the header's problems;
- `checks`: the cells' checks; `explain`: what a tolerated value was read as;
- `importer`: the importer the pipeline calls; `emit`: rows -> organisations, schemes, awards;
- `funders`: the funders' level and governed territory (`importers.public_bodies`);
- `classifier`, `sectors`: each line's sector (cinema and audiovisual or other) and its rule.

Writing SCDL is an export (`cineatlas export scdl`, `cineatlas.exports.scdl`), which reads
the standard's declaration here.
"""

from cineatlas.importers.scdl.checks import nature_aid_type, siret_parts, status_awarded
from cineatlas.importers.scdl.header import Layout, read_header
from cineatlas.importers.scdl.importer import ScdlImporter
from cineatlas.importers.scdl.schema import (
    CINEATLAS_CODES,
    CUSTOM_CHECK_CODES,
    DRAFT,
    ESSENTIAL,
    FIELDS,
    ORDER,
    V2_1_1,
    VERSIONS,
    ScdlField,
    fields,
    label_key,
)

__all__ = [
    "CINEATLAS_CODES", "CUSTOM_CHECK_CODES", "DRAFT", "ESSENTIAL", "FIELDS", "ORDER", "V2_1_1",
    "VERSIONS", "Layout", "ScdlField", "ScdlImporter", "fields", "label_key", "nature_aid_type",
    "read_header", "siret_parts", "status_awarded",
]
