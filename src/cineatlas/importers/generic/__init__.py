"""Any list of awards (CSV or spreadsheet), described by a small mapping file.

    cineatlas import generic aides-region.xlsx --mapping my-region.toml

A Region's (or any funder's) own published list loads without code: the mapping file (TOML or
YAML) says which column holds which field, what the published labels mean (stage, format,
genre, aid type, gender, yes/no, funder level), the constants of the list (funder, its level
of government and the territory it governs, currency, fiscal year…) and how the file is
written (delimiter, decimal separator, date order, sheet). The mapping is checked before the
file is read, with messages naming the mapping file, the key and the fix.

- `schema`: the mapping file's sections and options, and the fields (`FIELDS`);
- `kinds`: the kinds of field in one table (`KINDS`: how a column is read, a constant
  checked, labels looked up);
- `labels`: canonical values and the usual published labels; `cells`: cell readers;
- `mapping` and `checks`: finding, reading and checking a mapping file;
- `header`: the mapped labels found among the file's columns;
- `places`: a beneficiary's territory, a funder's governed territory;
- `importer`: `GenericImporter` (parse); `emit`: the good rows -> the store's tables.

The commented example `mappings/example-region.toml` and docs/importers/generic.md describe
the format.
"""

from cineatlas.importers.generic.cells import date_cells, fiscal_year, postal_code, tidy
from cineatlas.importers.generic.importer import GenericImporter
from cineatlas.importers.generic.kinds import KINDS, VALUE_FIELDS, Kind
from cineatlas.importers.generic.labels import (
    AID_TYPES,
    CURRENCY_SIGNS,
    DEFAULT_LABELS,
    FORMATS,
    FUNDER_LEVELS,
    GENDERS,
    GENRES,
    STAGES,
    currency_code,
)
from cineatlas.importers.generic.mapping import SHIPPED, MappingFile, find_mapping, load_mapping
from cineatlas.importers.generic.places import governed_territory, locate
from cineatlas.importers.generic.schema import (
    FIELD_BY_NAME,
    FIELDS,
    IDENTIFYING,
    OPTIONS_HELP,
    PLACE_FIELDS,
    SECTIONS,
    SOURCE_KEYS,
    MappedField,
)

__all__ = [
    "AID_TYPES", "CURRENCY_SIGNS", "DEFAULT_LABELS", "FIELDS", "FIELD_BY_NAME", "FORMATS",
    "FUNDER_LEVELS", "GENDERS", "GENRES", "IDENTIFYING", "KINDS", "OPTIONS_HELP", "PLACE_FIELDS",
    "SECTIONS", "SHIPPED", "SOURCE_KEYS", "STAGES", "VALUE_FIELDS", "GenericImporter", "Kind",
    "MappedField", "MappingFile", "currency_code", "date_cells", "find_mapping", "fiscal_year",
    "governed_territory", "load_mapping", "locate", "postal_code", "tidy",
]
