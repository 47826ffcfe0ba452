"""Generated sample files (fictitious), for benchmarks, tests and trying importers at scale."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

SCDL_COLUMNS = (
    "nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire",
    "idBeneficiaire", "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement",
    "datesPeriodeVersement", "idRAE", "notificationUE", "pourcentageSubvention", "dispositifAide",
)

_FUNDERS = ("Région Exemple-sur-Loire (fictive)", "Département du Val Fictif",
            "Ville de Fictiville")
_SYLLABLES = ("ba", "lo", "mi", "ra", "te", "su", "no", "vé", "ca", "dor", "lin", "mar", "pel",
              "zu")
_KINDS = ("Films", "Productions", "Images", "Studio", "Association", "Compagnie")
_OBJECTS = ("Aide à l'écriture", "Aide au développement", "Aide à la production",
            "Soutien au festival", "Aide à la diffusion", "Fonctionnement")
_SCHEMES = ("Fonds d'aide à la création", "Aide aux festivals", "Aide à la diffusion", "")


def luhn_complete(prefix: str) -> str:
    """Append the digit that makes `prefix` pass the Luhn check (as SIRET numbers do)."""
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return prefix + str((10 - total % 10) % 10)


def write_scdl_sample(path: str | Path, rows: int, *, seed: int = 0) -> Path:
    """Write a valid SCDL v2.1.1 subsidies CSV of `rows` fictitious awards."""
    rng = np.random.default_rng(seed)
    path = Path(path)
    funder_ids = [luhn_complete(f"2{rng.integers(10**11, 10**12 - 1)}") for _ in _FUNDERS]
    pool = 5_000
    names = [
        f"{_KINDS[rng.integers(len(_KINDS))]} "
        + "".join(_SYLLABLES[j] for j in rng.integers(len(_SYLLABLES), size=3)).capitalize()
        for _ in range(pool)
    ]
    sirets = [luhn_complete(f"{rng.integers(10**12, 10**13 - 1)}") for _ in range(pool)]
    rnas = [f"W{rng.integers(10**8, 10**9 - 1):09d}" for _ in range(pool)]
    funder = rng.integers(len(_FUNDERS), size=rows)
    who = rng.integers(pool, size=rows)
    day = rng.integers(0, 365 * 6, size=rows)
    start = np.datetime64("2018-01-01") + day.astype("timedelta64[D]")
    end = start + rng.integers(30, 400, size=rows).astype("timedelta64[D]")
    cents = (rng.lognormal(mean=9.5, sigma=1.2, size=rows) * 100).astype(np.int64) + 100
    share = np.round(rng.uniform(0.05, 1.0, size=rows), 2)
    frame = pl.DataFrame({
        "nomAttribuant": np.asarray(_FUNDERS)[funder],
        "idAttribuant": np.asarray(funder_ids)[funder],
        "dateConvention": start.astype(str),
        "referenceDecision": [f"DEL-{i:07d}" for i in range(rows)],
        "nomBeneficiaire": np.asarray(names)[who],
        "idBeneficiaire": np.asarray(sirets)[who],
        "rnaBeneficiaire": np.where(rng.random(rows) < 0.3, np.asarray(rnas)[who], ""),
        "objet": np.asarray(_OBJECTS)[rng.integers(len(_OBJECTS), size=rows)],
        "montant": [f"{c // 100}.{c % 100:02d}" for c in cents.tolist()],
        "nature": np.where(rng.random(rows) < 0.9, "aide en numéraire", "aide en nature"),
        "conditionsVersement": np.where(rng.random(rows) < 0.7, "unique", "échelonné"),
        "datesPeriodeVersement": np.char.add(np.char.add(start.astype(str), "/"), end.astype(str)),
        "idRAE": "",
        "notificationUE": np.where(rng.random(rows) < 0.1, "oui", "non"),
        "pourcentageSubvention": share.astype(str),
        "dispositifAide": np.asarray(_SCHEMES)[rng.integers(len(_SCHEMES), size=rows)],
    })
    frame.write_csv(path)
    return path
