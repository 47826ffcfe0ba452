"""What the fictitious French funders do: their schemes, volumes, amounts and habits.

Scheme names echo the kind of schemes French funders run (so the demo reads like an atlas)
but every one carries "(fictif)": no invented award is attributed to a real scheme.
Amounts are in euros; the generator turns them into integer cents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

YEARS = (2019, 2020, 2021, 2022, 2023, 2024)
CONVENTION_PERIODS = ((2020, 2022), (2023, 2025))
AXES = ("writing_development", "creation_production", "diffusion", "image_education",
        "heritage", "other")
#: Which convention axis an award's stage falls under.
STAGE_AXIS = {
    "writing": "writing_development", "development": "writing_development",
    "production": "creation_production", "post_production": "creation_production",
    "distribution": "diffusion", "promotion": "diffusion", "operation": "diffusion",
}
ILE_DE_FRANCE = "FR-R11"
NATIONAL = "FR"

#: Activity by year (2020: lockdowns; 2021: recovery), and the cinemas' emergency aid.
YEAR_FACTOR = {2019: 1.0, 2020: 0.9, 2021: 1.1, 2022: 1.05, 2023: 1.08, 2024: 1.1}
OPERATION_YEAR_FACTOR = {2020: 1.6, 2021: 1.35}
#: Amounts rise a little each year.
INFLATION = 0.02

#: Share of a regional fund's beneficiaries based in Île-de-France (Paris producers who shoot
#: in the Region), by stage. The CNC's shares are in CNC_PARIS_SHARE.
REGION_PARIS_SHARE = {"writing": 0.12, "development": 0.3, "production": 0.45,
                      "post_production": 0.4, "distribution": 0.5, "promotion": 0.0,
                      "operation": 0.0}
CNC_PARIS_SHARE = {"producer": 0.68, "author": 0.55, "distributor": 0.85, "studio": 0.5,
                   "festival": 0.15, "cinema": 0.12}

#: Director gender: P(female), P(mixed) by format (P(male) is the rest); the female share
#: rises by FEMALE_TREND a year. NULL (not published) is drawn separately.
DIRECTOR_GENDER = {"feature": (0.27, 0.07), "short": (0.42, 0.08), "series": (0.33, 0.15),
                   "tv_film": (0.36, 0.06), "web": (0.45, 0.1)}
DOCUMENTARY_FEMALE = 0.45
FEMALE_TREND = 0.012


@dataclass(frozen=True)
class SchemeSpec:
    """One support scheme of a fictitious funder."""

    key: str
    name: str
    stage: str
    #: who receives it: producer | author | distributor | studio | festival | cinema
    beneficiary: str
    #: expected awards a year (CNC: absolute; a Region: for the largest Region)
    per_year: float
    #: (min, max) euros by format ('*' for any format)
    amounts: Mapping[str, tuple[int, int]]
    #: format and genre weights; no formats = the award funds no work (a festival, a cinema)
    formats: Mapping[str, float] = field(default_factory=dict)
    genres: Mapping[str, float] = field(default_factory=dict)
    award_rate: float = 0.3
    aid_type: str = "grant"
    aid_type_raw: str = "Subvention"
    #: only some Regions run it
    optional: bool = False
    sessions: int = 4
    commission: str = "Commission"
    languages: tuple[str, ...] = ("fr",)

    def amount_range(self, fmt: str | None) -> tuple[int, int]:
        return self.amounts.get(fmt or "*", self.amounts["*"])


_FICTION_MIX = {"fiction": 0.72, "documentary": 0.15, "animation": 0.1, "experimental": 0.03}

CNC_SCHEMES = (
    SchemeSpec("ecriture", "Aide à l'écriture de scénarios (fictif)", "writing", "author", 95,
               {"*": (6_000, 15_000)}, {"feature": 1.0}, _FICTION_MIX, 0.08, sessions=3,
               commission="Commission d'aide à l'écriture"),
    SchemeSpec("developpement", "Aide au développement de longs métrages (fictif)", "development",
               "producer", 130, {"*": (15_000, 50_000)}, {"feature": 1.0}, _FICTION_MIX, 0.3),
    SchemeSpec("avance-avant", "Avance sur recettes avant réalisation (fictif)", "production",
               "producer", 58, {"*": (150_000, 700_000)}, {"feature": 1.0},
               {"fiction": 0.8, "documentary": 0.12, "animation": 0.08}, 0.1,
               "repayable_advance", "Avance sur recettes", sessions=5,
               commission="Commission de l'avance sur recettes"),
    SchemeSpec("avance-apres", "Avance sur recettes après réalisation (fictif)", "post_production",
               "producer", 26, {"*": (50_000, 200_000)}, {"feature": 1.0},
               {"fiction": 0.7, "documentary": 0.25, "experimental": 0.05}, 0.2,
               "repayable_advance", "Avance sur recettes", sessions=3,
               commission="Commission de l'avance sur recettes"),
    SchemeSpec("cinemas-du-monde", "Aide aux cinémas du monde (fictif)", "production", "producer",
               52, {"*": (50_000, 250_000)}, {"feature": 1.0},
               {"fiction": 0.78, "documentary": 0.17, "animation": 0.05}, 0.15, sessions=4,
               languages=("es", "ar", "pt", "fa", "en", "tr", "ro", "vi", "ka", "wo")),
    SchemeSpec("innovation", "Fonds d'aide à l'innovation audiovisuelle (fictif)", "development",
               "producer", 160, {"*": (10_000, 40_000)},
               {"series": 0.5, "tv_film": 0.3, "feature": 0.2},
               {"fiction": 0.4, "documentary": 0.35, "animation": 0.25}, 0.15),
    SchemeSpec("courts-metrages", "Contribution à la production de courts métrages (fictif)",
               "production", "producer", 85, {"*": (20_000, 90_000)}, {"short": 1.0},
               {"fiction": 0.62, "documentary": 0.13, "animation": 0.17, "experimental": 0.08},
               0.1),
    SchemeSpec("documentaire", "Aide sélective au documentaire de création (fictif)",
               "production", "producer", 420, {"*": (20_000, 150_000)},
               {"tv_film": 0.6, "series": 0.4}, {"documentary": 1.0}, 0.5, sessions=6),
    SchemeSpec("distribution", "Aide sélective à la distribution (fictif)", "distribution",
               "distributor", 125, {"*": (15_000, 150_000)}, {"feature": 1.0}, _FICTION_MIX,
               0.4),
    SchemeSpec("festivals", "Soutien aux festivals de cinéma (fictif)", "promotion", "festival",
               115, {"*": (5_000, 80_000)}, award_rate=0.6, sessions=2),
    SchemeSpec("exploitation", "Aide sélective aux petites et moyennes salles (fictif)",
               "operation", "cinema", 360, {"*": (5_000, 150_000)}, award_rate=0.7, sessions=3),
    SchemeSpec("createurs-video", "Fonds d'aide aux créateurs vidéo sur Internet (fictif)",
               "production", "studio", 62, {"*": (10_000, 50_000)}, {"web": 1.0},
               {"fiction": 0.45, "documentary": 0.3, "animation": 0.15, "experimental": 0.1},
               0.12, sessions=3),
    SchemeSpec("jeu-video", "Fonds d'aide au jeu vidéo (fictif)", "development", "studio", 82,
               {"*": (30_000, 200_000)}, {"game": 1.0}, {"other": 1.0}, 0.3, sessions=3),
)

REGION_SCHEMES = (
    SchemeSpec("ecriture", "Aide à l'écriture (fictif)", "writing", "author", 48,
               {"*": (3_000, 8_000), "feature": (5_000, 15_000)},
               {"feature": 0.45, "short": 0.2, "series": 0.2, "tv_film": 0.15},
               {"fiction": 0.6, "documentary": 0.25, "animation": 0.1, "experimental": 0.05},
               0.2, sessions=3, commission="Comité de lecture"),
    SchemeSpec("developpement", "Aide au développement (fictif)", "development", "producer", 42,
               {"*": (10_000, 50_000)}, {"feature": 0.45, "series": 0.3, "tv_film": 0.25},
               {"fiction": 0.5, "documentary": 0.35, "animation": 0.15}, 0.35),
    SchemeSpec("longs-metrages", "Aide à la production de longs métrages (fictif)", "production",
               "producer", 26, {"*": (100_000, 600_000)}, {"feature": 1.0},
               {"fiction": 0.75, "documentary": 0.15, "animation": 0.1}, 0.3),
    SchemeSpec("courts-metrages", "Aide à la production de courts métrages (fictif)",
               "production", "producer", 42, {"*": (10_000, 60_000)}, {"short": 1.0},
               {"fiction": 0.6, "documentary": 0.15, "animation": 0.15, "experimental": 0.1},
               0.25),
    SchemeSpec("documentaires", "Aide à la production de documentaires (fictif)", "production",
               "producer", 46, {"*": (15_000, 80_000), "feature": (30_000, 150_000)},
               {"tv_film": 0.7, "series": 0.2, "feature": 0.1}, {"documentary": 1.0}, 0.4),
    SchemeSpec("animation", "Aide à la production d'animation (fictif)", "production",
               "producer", 13,
               {"*": (80_000, 400_000), "short": (20_000, 80_000), "feature": (200_000, 600_000)},
               {"series": 0.5, "short": 0.35, "feature": 0.15}, {"animation": 1.0}, 0.35,
               optional=True),
    SchemeSpec("fiction-tv", "Aide à la production de fiction audiovisuelle (fictif)",
               "production", "producer", 19, {"*": (80_000, 350_000)},
               {"tv_film": 0.5, "series": 0.5}, {"fiction": 1.0}, 0.4, optional=True),
    SchemeSpec("numerique", "Aide à la création numérique et au jeu vidéo (fictif)",
               "development", "studio", 13, {"*": (10_000, 80_000), "game": (30_000, 150_000)},
               {"web": 0.6, "game": 0.4},
               {"fiction": 0.5, "documentary": 0.2, "animation": 0.2, "experimental": 0.1}, 0.3,
               optional=True, sessions=2),
    SchemeSpec("diffusion", "Aide à la distribution (fictif)", "distribution", "distributor", 7,
               {"*": (5_000, 40_000)}, {"feature": 1.0}, _FICTION_MIX, 0.5, optional=True,
               sessions=2),
    SchemeSpec("festivals", "Aide aux festivals et manifestations (fictif)", "promotion",
               "festival", 32, {"*": (3_000, 80_000)}, award_rate=0.75, sessions=2),
    SchemeSpec("exploitation", "Aide à l'exploitation cinématographique (fictif)", "operation",
               "cinema", 26, {"*": (5_000, 120_000)}, award_rate=0.85, sessions=2),
)

#: Beneficiary pools: (patterns name in names.py or 'people', organisation kind weights,
#: base size, size for the largest Region, Île-de-France multiplier, population exponent of
#: the commune weights: > 1 concentrates them in large cities).
POOLS = {
    "producer": ("PRODUCER_PATTERNS", {"company": 1.0}, 25, 110, 5.0, 1.45),
    "author": ("people", {"individual": 1.0}, 30, 150, 4.0, 1.2),
    "distributor": ("DISTRIBUTOR_PATTERNS", {"company": 1.0}, 2, 6, 12.0, 1.45),
    "studio": ("STUDIO_PATTERNS", {"company": 0.85, "association": 0.15}, 4, 25, 3.0, 1.35),
    "festival": ("FESTIVAL_PATTERNS", {"association": 0.9, "public_body": 0.1}, 6, 40, 1.0, 0.9),
    "cinema": ("CINEMA_PATTERNS", {"company": 0.55, "association": 0.3, "public_body": 0.15},
               10, 110, 1.0, 0.85),
}

#: Commission members: profession weights (elected officials are added for Regions).
PROFESSIONS = {"author": 0.2, "director": 0.2, "producer": 0.2, "distributor": 0.07,
               "exhibitor": 0.08, "technician": 0.08, "actor": 0.07, "other": 0.1}
