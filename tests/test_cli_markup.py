"""Data is never read as Rich markup, and never sends control sequences to the terminal: every
command prints hostile text verbatim (as text) on a terminal that would honour links."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_process import cineatlas, output
from conftest import find_shared_data

from cineatlas.store import Store

CLOSING = "[/x]"
LINK = "[link=http://evil.example]click[/link]"
STYLE = "[bold red]loud"
ESCAPE = "\x1b[31mred"
HOSTILE = (CLOSING, LINK, STYLE, ESCAPE)
OSC_8 = "\x1b]8;"  # a terminal hyperlink
SGR = re.compile(r"\x1b\[[0-9;]*m")  # Rich's own colours, on a colour terminal


def visible(text: str) -> str:
    """How the terminal must show `text`: ESC as the control picture ␛ (U+241B)."""
    return text.replace("\x1b", "\u241b")


@pytest.fixture
def hostile_store(tmp_path: Path) -> Path:
    """Territories, a source and a quarantined row, each holding the hostile texts."""
    folder = tmp_path / "[bold red]store"
    folder.mkdir()
    path = folder / "atlas.duckdb"
    with Store(path) as store:
        for i, text in enumerate(HOSTILE):
            store.con.execute(
                "INSERT INTO territories (territory_id, level, code, name, name_key, "
                "country_code, source_id) VALUES (?, 'region', ?, ?, 'x', 'FR', 'test')",
                [f"T{i}", str(i), text])
        store.record_source({"source_id": " ".join(HOSTILE), "importer": "toy",
                             "file_name": LINK, "imported_at": "2024-01-01 00:00:00",
                             "rows_read": 1, "rows_loaded": 0, "rows_quarantined": 1})
        reasons = [{"field": CLOSING, "code": "x", "message": f"{STYLE} {ESCAPE}",
                    "severity": "error"}]
        store.con.execute("INSERT INTO quarantine VALUES (?, 2, 2, ?, ?)",
                          [" ".join(HOSTILE), json.dumps({"a": LINK, "b": CLOSING}),
                           json.dumps(reasons)])
    return path


def check_terminal_output(text: str, *expected: str) -> None:
    assert OSC_8 not in text and ESCAPE not in text, repr(text)
    plain = " ".join(SGR.sub("", text).split())
    for item in expected:
        assert " ".join(visible(item).split()) in plain, f"{visible(item)!r} not in {plain!r}"


def run(tmp_path: Path, *args: str):
    return cineatlas(tmp_path, *args, FORCE_COLOR="1")


@pytest.mark.parametrize("command", [
    ["territories", "--level", "region"],
    ["sql", "SELECT name FROM territories ORDER BY territory_id"],
    ["sources"],
    ["quarantine"],
], ids=lambda c: c[0])
def test_table_commands_print_data_as_text(tmp_path: Path, hostile_store: Path,
                                           command: list[str]) -> None:
    result = run(tmp_path, *command, "--db", str(hostile_store))
    assert result.returncode == 0, output(result)
    expected = {"territories": HOSTILE, "sql": HOSTILE, "sources": (LINK,),
                "quarantine": (f"{CLOSING}: {STYLE} {ESCAPE}",)}[command[0]]
    check_terminal_output(result.stdout, *expected)


def test_sql_literals_with_markup(tmp_path: Path, hostile_store: Path) -> None:
    result = run(tmp_path, "sql", f"SELECT '{CLOSING}' AS a, '{LINK}' AS b, '{STYLE}' AS c, "
                 "chr(27) || '[31mred' AS d", "--db", str(hostile_store))
    assert result.returncode == 0, output(result)
    check_terminal_output(result.stdout, *HOSTILE)


def test_info_prints_a_path_with_markup_as_text(tmp_path: Path, hostile_store: Path) -> None:
    result = run(tmp_path, "info", "--db", str(hostile_store))
    assert result.returncode == 0, output(result)
    check_terminal_output(result.stdout, str(hostile_store))


def test_the_import_report_prints_data_as_text(tmp_path: Path, hostile_store: Path) -> None:
    source_id = " ".join(HOSTILE)
    result = run(tmp_path, "import", "scdl", str(find_shared_data("scdl/exemple_valide.csv")),
                 "--db", str(hostile_store), "--source-id", source_id)
    assert result.returncode == 0, output(result)
    check_terminal_output(result.stdout, source_id)


def test_error_messages_print_data_as_text(tmp_path: Path, hostile_store: Path) -> None:
    result = run(tmp_path, "sql", f"SELECT CAST('{CLOSING} {STYLE}' AS INTEGER)", "--db",
                 str(hostile_store))
    assert result.returncode == 1 and "Traceback" not in output(result), output(result)
    check_terminal_output(result.stderr, f"{CLOSING} {STYLE}")
    missing = hostile_store.parent / f"{STYLE}.csv"
    result = run(tmp_path, "import", "scdl", str(missing), "--db", str(hostile_store))
    assert result.returncode != 0 and "Traceback" not in output(result), output(result)
    check_terminal_output(result.stderr, STYLE)


def test_simulate_prints_a_scenario_title_as_text(tmp_path: Path) -> None:
    shipped = Path(__file__).parents[1] / "src/cineatlas/simulator/scenarios"
    text = (shipped / "conventions-2026-2028.toml").read_text(encoding="utf-8")
    title = f"{CLOSING} {LINK} {STYLE}"
    scenario = tmp_path / "hostile.toml"
    scenario.write_text(re.sub(r'(?m)^title = ".*"$', f'title = "{title}\\\\u001b[31mred"',
                               text, count=1), encoding="utf-8")
    result = run(tmp_path, "simulate", str(scenario))
    assert result.returncode == 0, output(result)
    check_terminal_output(result.stdout, f"{title}{ESCAPE}")
