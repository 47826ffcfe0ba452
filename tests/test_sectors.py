"""Awards' sectors: cinema and audiovisual lines by default, every sector on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from indicator_data import award, both, tiny_store

from cineatlas.indicators import Cut
from cineatlas.indicators.cut import CutError


def test_indicators_take_cinema_lines_unless_asked_for_every_sector(tmp_path: Path) -> None:
    store = tiny_store(tmp_path, awards=[
        award("a", 100_00, "X-CA1a"),
        award("b", 7_00, "X-CA1a", sector="other"),
        award("c", 50_00, "X-CA1a", sector=None),
    ])
    with store:
        def total(cut: Cut) -> float:
            frame = both(store, "total_support", cut)
            return frame.filter(frame["territory_id"] == "X-RA")["value"].item()

        assert total(Cut(level="region")) == 100.0
        assert total(Cut(level="region", sectors=("other",))) == 7.0
        assert total(Cut(level="region", sectors=())) == 157.0


def test_an_unknown_sector_is_refused_with_the_known_ones() -> None:
    with pytest.raises(CutError, match="Unknown sector 'cinema'.*cinema-audiovisual, other"):
        Cut(sectors=("cinema",))


def test_an_importer_of_a_cinema_funder_marks_its_awards(tmp_path: Path) -> None:
    from cineatlas.ingest import import_file
    from cineatlas.store import Store

    csv = tmp_path / "telefilm.csv"
    csv.write_text(
        "Period,Quarter,Recipient Name,City,Province,Country,Title,Language,Genre,Date,"
        "Final Value,Original Value,Type,Purpose,Comments\n"
        "2015-2016,P1,Productions X inc.,Montréal,Québec,Canada,Un film,French,Drama,2015-06-01,"
        "1000.00,1000.00,Contribution,Production Program,\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        import_file("telefilm", csv, store=store)
        rows = store.frame("SELECT sector, sector_rule FROM awards").to_dicts()
    assert rows == [{"sector": "cinema-audiovisual", "sector_rule": "source"}]


def test_upgrading_a_store_classifies_the_awards_of_cinema_sources_only(tmp_path: Path) -> None:
    """Migration 0006: awards of a cinema funder's source become cinema and audiovisual; those
    of an SCDL file (every sector) stay unclassified until the file is imported again."""
    import duckdb

    from cineatlas.store import Store, migrations

    db = tmp_path / "v5.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                    "name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)")
        for version, name, sql in migrations():
            if version > 5:
                break
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, now()::TIMESTAMP)",
                        [version, name])
        for source, importer in (("tf", "telefilm"), ("sc", "scdl")):
            con.execute("INSERT INTO sources (source_id, importer, imported_at, rows_read, "
                        "rows_loaded, rows_quarantined) VALUES (?, ?, now()::TIMESTAMP, 1, 1, 0)",
                        [source, importer])
            con.execute("INSERT INTO awards (award_id, source_id, currency) VALUES (?, ?, 'EUR')",
                        [f"{source}-1", source])
    with Store(db) as store:
        rows = store.frame("SELECT award_id, sector, sector_rule FROM awards "
                           "ORDER BY award_id").to_dicts()
    assert rows == [{"award_id": "sc-1", "sector": None, "sector_rule": None},
                    {"award_id": "tf-1", "sector": "cinema-audiovisual", "sector_rule": "source"}]


def test_the_web_labels_every_sector_and_funder_level() -> None:
    """The pages label vocabulary codes (sectors, funder levels, publication statuses) in both
    languages: every code of the store's vocabularies has a label of its own in each."""
    from cineatlas.store.vocabularies import FUNDER_LEVELS, PUBLICATION_STATUSES, SECTORS
    from cineatlas.web import labels

    for lang in ("fr", "en"):
        page = labels.Labels(lang)
        assert set(page.FUNDER_LEVELS) == set(FUNDER_LEVELS)
        assert set(page.SECTORS) == set(SECTORS)
        assert all(page.value_label("funder_level", code) not in ("", code)
                   for code in FUNDER_LEVELS)
    assert set(labels.PUBLICATION) == set(PUBLICATION_STATUSES)
