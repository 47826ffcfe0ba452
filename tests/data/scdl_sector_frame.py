"""How the hand-labelled SCDL sample (scdl-sector-sample.csv) was drawn: its rows and why.

    python tests/data/scdl_sector_frame.py ../shared/data     # prints file,row,sampled_as

- `all`: every line of the Maine-et-Loire and Vendée files (75 + 114);
- `keyword`: every Loire-Atlantique line whose beneficiary or object matches BROAD, a search
  much wider than the classifier's words (any 'cin', 'prod', 'anim', 'media', 'photo',
  'festival', 'radio', 'cult'…: it finds racing clubs and doctors too);
- `known-name`: every other line whose beneficiary is named like a CNC cinema or a festival
  of the Panorama of the three départements (articles, legal forms, 'cinéma', 'festival'
  aside);
- `same-siren`: every other line of a beneficiary (same SIREN) found so far;
- `random`: 400 of the remaining Loire-Atlantique lines, drawn with random.Random(SEED);
- `random-more`: 2,000 more of the remaining lines, drawn with random.Random(SEED_MORE) among
  those the first draw left. The two draws together are a simple random sample of 2,400 of the
  remaining lines (every set of 2,400 equally likely): one stratum when the sample is weighted.

The labels were then given by reading each line (tests/test_importer_scdl_departements.py
recomputes precision and recall from them; docs/importers/scdl.md says how they were given).
"""

from __future__ import annotations

import csv
import random
import re
import sys
import unicodedata
from pathlib import Path

SEED = 20261207
RANDOM_LINES = 400
SEED_MORE = 20270112
MORE_RANDOM_LINES = 2000
BROAD = re.compile(
    r"cin|film|audio|video|image|docu|metrage|projection|ecran|tele|\btv\b|realis|tournage"
    r"|camera|studio|clap|lumiere|movie|media|photo|festival|pellicule|\bplans?\b|bobine|toile"
    r"|regard|prod|anim|essai|picture|scene|radio|\bson\b|8 ?mm|super ?8|numerique|web|cult")
_ASIDE = {"cinema", "cine", "salle", "le", "la", "les", "l", "ass", "assoc", "association",
          "de", "du", "des", "d", "festival"}
DEPARTEMENTS = ("44", "49", "85")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def key(text: str) -> str:
    return " ".join(w for w in re.sub(r"[^a-z0-9]+", " ", fold(text)).split() if w not in _ASIDE)


def lines(data: Path) -> list[tuple[str, int, str, str, str]]:
    """(file, row, beneficiary, object or whole line, SIREN) of the three files."""
    folder = data / "scdl" / "collectivites"
    out = []
    with (folder / "loire-atlantique-subventions-associations.csv").open(
            encoding="utf-8-sig", newline="") as handle:
        for row, cells in enumerate(list(csv.reader(handle, delimiter=";"))[1:], start=2):
            out.append(("LA", row, cells[4], cells[6], cells[5][:9]))
    with (folder / "maine-et-loire-conventions.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        next(reader)
        row = 2
        for cells in reader:
            out.append(("ML", row, cells[5], cells[7], re.sub(r"\D", "", cells[6])[:9]))
            row += sum(cell.count("\n") for cell in cells) + 1
    raw = (folder / "vendee-conventions-2018.csv").read_bytes().split(b"\r\n")
    for row, data_line in enumerate(raw[1:], start=2):
        if data_line.strip():
            out.append(("VE", row, "", "", ""))
    return out


def known_names(data: Path) -> set[str]:
    names = set()
    with (data / "cnc" / "etablissements-cinematographiques-2022.csv").open(
            encoding="utf-8-sig", newline="") as handle:
        for venue in csv.DictReader(handle, delimiter=";"):
            if venue["code INSEE"][:2] in DEPARTEMENTS:
                names.add(key(venue["nom"]))
    with (data / "festivals" / "festivals-global-festivals-_-pl.csv").open(
            encoding="utf-8-sig", newline="") as handle:
        for festival in csv.DictReader(handle, delimiter=";"):
            if (festival["code_insee_commune"] or "")[:2] in DEPARTEMENTS:
                names.add(key(festival["nom_du_festival"]))
    return names


def frame(data: Path) -> dict[tuple[str, int], str]:
    """(file, row) -> why the line is in the sample."""
    every = lines(data)
    names = known_names(data)
    why: dict[tuple[str, int], str] = {}
    for file, row, name, objet, _ in every:
        if file != "LA":
            why[(file, row)] = "all"
        elif BROAD.search(fold(f"{name} {objet}")):
            why[(file, row)] = "keyword"
        elif key(name) in names:
            why[(file, row)] = "known-name"
    sirens = {siren for file, row, _, _, siren in every if (file, row) in why and siren}
    for file, row, _, _, siren in every:
        if (file, row) not in why and file == "LA" and siren in sirens:
            why[(file, row)] = "same-siren"
    rest = [(file, row) for file, row, *_ in every if (file, row) not in why]
    for chosen in random.Random(SEED).sample(rest, RANDOM_LINES):
        why[chosen] = "random"
    left = [line for line in rest if line not in why]
    for chosen in random.Random(SEED_MORE).sample(left, MORE_RANDOM_LINES):
        why[chosen] = "random-more"
    return why


def strata(data: Path) -> dict[str, int]:
    """How many lines of the three files each stratum stands for: its own lines, and for the
    random draws (one stratum, `random`) every line the searches did not find."""
    every = lines(data)
    why = frame(data)
    sizes = {"all": 0, "keyword": 0, "known-name": 0, "same-siren": 0, "random": 0}
    for file, row, *_ in every:
        reason = why.get((file, row), "random")
        sizes["random" if reason.startswith("random") else reason] += 1
    return sizes


if __name__ == "__main__":
    writer = csv.writer(sys.stdout)
    writer.writerow(["file", "row", "sampled_as"])
    for (file, row), reason in sorted(frame(Path(sys.argv[1])).items()):
        writer.writerow([file, row, reason])
