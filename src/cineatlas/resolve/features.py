"""The records resolution compares, read from the store: one row per organisation, work or
person with the keys and the context that tell two records apart or together."""

from __future__ import annotations

import re

import polars as pl

from cineatlas.store import Store
from cineatlas.text import company_key, name_key

#: Words a company's name is spelt with or without, not which company it is: left out of its
#: core name ('Productions Microclimat' and 'Microclimat Films Inc.' share the core
#: 'microclimat'). Words that name another activity (distribution, studio, media,
#: international…) are kept: 'Diaphana Distribution' is not 'Diaphana Films'.
GENERIC_WORDS = frozenset("""
    film films production productions prod prods pictures picture inc incorporated ltd ltee
    limited llc corp corporation co cie company compagnie sarl sas sasu sa eurl scop sci
    sec senc lp llp gp ulc
    les le la l des de du d et and the of a an en au aux
    """.split())

#: Words an acronym leaves out ('Saskatchewan Motion Picture Industry Association' is SMPIA).
_ACRONYM_SKIP = frozenset("les le la l des de du d et and the of a an en au aux inc".split())
#: A partnership's name followed by the body acting for it: "Films Christal, s.e.c. (Les),
#: agissant par l'intermédiaire de son commandité, Les Films Christal Inc" is the partnership.
_ACTING = re.compile(r"[,;]?\s+(agissant par|acting (?:through|by|for))\b.*$",
                     re.IGNORECASE | re.DOTALL)
#: An acronym given in parentheses after a name: '(SMPIA)', '(fava)'.
_ACRONYM = re.compile(r"\(\s*([A-Za-z]{3,8})\s*\)")

_DIGITS = re.compile(r"\D")
#: A Canadian numbered company ('9012-6640 Québec inc.', '6710875 Canada Inc.'): its number is
#: the registry's, a strong key.
_NUMBERED = re.compile(r"^\s*(\d[\d\s-]{5,10}\d)\s+(quebec|canada|ontario|alberta|"
                       r"nova scotia|british columbia|manitoba|saskatchewan|new brunswick)\b")
#: SQL: a name key's words, sorted and unique, joined by spaces: 'BA Mounib (Mounib Ben
#: Abbes)' and 'Mounib BEN ABBES (BA Mounib)' are one person key.
_WORDS = "array_to_string(list_sort(list_distinct(string_split({}, ' '))), ' ')"
_NUMBER_WORDS = re.compile(r"^(\d+|i{1,3}|iv|vi{0,3}|ix|x{1,3})$")


def acronym(name: str | None) -> str | None:
    """The name's own acronym, given in parentheses: lower case, when its letters begin the
    initials of the name's words ('smpia' in 'Saskatchewan Media Production Industry
    Association (SMPIA) Inc.', 'fava' in 'Film And Video Arts Society Alberta (fava)'); None
    otherwise ('(LTH)' in 'Eye Steel (LTH) Productions Inc.' marks another company)."""
    text = _ACTING.sub("", name or "")
    m = _ACRONYM.search(text)
    if not m:
        return None
    letters = "".join(w[0] for w in name_key(_ACRONYM.sub(" ", text)).split())
    return m[1].lower() if letters.startswith(m[1].lower()) else None


def clean_name(name: str | None) -> str | None:
    """The name without the body acting for a partnership and without its own acronym."""
    if not name:
        return name
    text = _ACTING.sub("", name)
    if acronym(text):
        text = _ACRONYM.sub(" ", text, count=1)
    return text.strip(" ,;") or name


def initials(name: str | None) -> str | None:
    """The initials of a name's words but articles and 'and' ('smpia' for 'Saskatchewan
    Motion Picture Industry Association'); None under three letters."""
    words = [w for w in name_key(clean_name(name)).split() if w not in _ACRONYM_SKIP]
    letters = "".join(w[0] for w in words)
    return letters if len(letters) >= 3 else None


#: 'X FILMS ET Y FILMS': two companies credited under one name.
_JOINT = re.compile(r"\s+(?:et|and|&)\s+", re.IGNORECASE)


def joint_key(name: str | None) -> str | None:
    """For a name joining two or more companies ('LABYRINTHE FILMS ET ATCHAFALAYA FILMS'),
    their company keys sorted: the same companies named in another order give the same
    key. None unless every part has two words or more ('Mille et Une Films' is one name)."""
    parts = _JOINT.split(name or "")
    if len(parts) < 2 or any(len(name_key(p).split()) < 2 for p in parts):
        return None
    return "+".join(sorted(company_key(p) for p in parts))


def numbered(name: str | None) -> str | None:
    """'9012-6640 quebec' for '9012-6640 Québec inc. (K-Films Amérique)', else None."""
    m = _NUMBERED.match(name_key(name).replace(" ", "  "))
    if not m:
        m = _NUMBERED.match(name_key(name))
    return f"{_DIGITS.sub('', m[1])} {m[2]}" if m else None


def numbers(core: str) -> str:
    """The numbers of a core name ('2', 'iii'): 'Gaumont Images 2' is not 'Gaumont Images'."""
    return " ".join(w for w in core.split() if _NUMBER_WORDS.match(w))


def core_words(name: str | None) -> list[str]:
    """The distinctive words of a name, in their order."""
    return [w for w in name_key(name).split() if w not in GENERIC_WORDS]


def core_name(name: str | None) -> str:
    """The distinctive words of a name, sorted and joined by spaces ('' when none)."""
    return " ".join(sorted(set(core_words(name))))


#: A word more frequent than this makes no block (all its records compared two by two would
#: be too many pairs, and too weak a clue): such records are compared in their other block.
BLOCK_LIMIT = 1000


def block_words(frame: pl.DataFrame) -> pl.Series:
    """The word each record is compared in the block of: its rarest distinctive word in the
    whole set (then the longest, then the first alphabetically); null when none, or when
    even the rarest is in more than BLOCK_LIMIT records."""
    words = (frame.select("member_id", pl.col("name").map_elements(
        lambda n: sorted(set(core_words(n))), pl.List(pl.Utf8)).alias("word"))
        .explode("word").filter(pl.col("word").is_not_null()))
    counted = words.with_columns(pl.len().over("word").alias("n"),
                                 pl.col("word").str.len_chars().alias("size"))
    best = (counted.sort(["member_id", "n", "size", "word"], descending=[False, False, True, False])
            .group_by("member_id", maintain_order=True).first()
            .with_columns(pl.when(pl.col("n") <= BLOCK_LIMIT).then(pl.col("word"))
                          .alias("core_first")))
    return frame.select("member_id").join(best, on="member_id", how="left")["core_first"]


def block_start(name: str | None) -> str | None:
    """The first 8 letters of the distinctive words joined, in their order: a second block,
    for names spelt with a typo ('RECTANGLE PRODCUTIONS')."""
    joined = "".join(core_words(name))
    return joined[:8] if len(joined) >= 5 else None


def siren_of(siren: str | None, siret: str | None) -> str | None:
    """The 9-digit SIREN, from the SIREN or the SIRET's first 9 digits."""
    for value, size in ((siren, 9), (siret, 14)):
        digits = _DIGITS.sub("", value or "")
        if len(digits) == size:
            return digits[:9]
    return None


def organisations(store: Store) -> pl.DataFrame:
    """One row per organisation: keys (siren, rna, a numbered company's number, company_key,
    core, acronym and initials), place, years, the titles of the works it is funded or
    credited for and those works' co-production countries (two companies credited on one
    film are kept apart: see `co_credited`). Names are compared without the body acting for a
    partnership nor an acronym in parentheses (`clean_name`)."""
    frame = store.con.sql("""
        WITH named AS (
            SELECT beneficiary_id AS id, fiscal_year AS year, work_id, TRUE AS funded
            FROM awards WHERE beneficiary_id IS NOT NULL
            UNION ALL
            SELECT c.organisation_id, f.year, f.work_id, TRUE FROM work_credits c
            JOIN film_approvals f USING (approval_id) WHERE c.organisation_id IS NOT NULL
        ), ctx AS (
            SELECT n.id, min(n.year) AS first_year, max(n.year) AS last_year,
                   list(DISTINCT w.title_key ORDER BY w.title_key)
                       FILTER (WHERE w.title_key IS NOT NULL AND n.funded) AS titles
            FROM named n LEFT JOIN works w USING (work_id) GROUP BY n.id
        ), coproduced AS (
            SELECT n.id, list(DISTINCT c.country_code ORDER BY c.country_code) AS countries
            FROM named n JOIN work_countries c USING (work_id)
            WHERE c.country_code IS NOT NULL GROUP BY n.id
        )
        SELECT o.organisation_id AS member_id, split_part(o.organisation_id, '/', 1) AS source,
               o.name, o.name_key, o.siren, o.siret, o.rna, o.city, o.territory_id,
               t.region_id, o.country_code, coalesce(o.is_funder, FALSE) AS is_funder,
               ctx.first_year, ctx.last_year, coalesce(ctx.titles, []) AS titles,
               coalesce(cp.countries, []) AS work_countries
        FROM organisations o
        LEFT JOIN territories t ON t.territory_id = o.territory_id
        LEFT JOIN ctx ON ctx.id = o.organisation_id
        LEFT JOIN coproduced cp ON cp.id = o.organisation_id
        ORDER BY o.organisation_id
    """).pl()
    frame = frame.with_columns(
        pl.col("name").map_elements(acronym, pl.Utf8, skip_nulls=True).alias("acronym"),
        pl.col("name").map_elements(initials, pl.Utf8, skip_nulls=True).alias("initials"),
        pl.col("name").alias("published_name"),
        pl.col("name").map_elements(clean_name, pl.Utf8, skip_nulls=True).alias("name"))
    return frame.with_columns(
        pl.col("name").map_elements(company_key, pl.Utf8).alias("company_key"),
        pl.col("name").map_elements(core_name, pl.Utf8).alias("core"),
        pl.struct("siren", "siret").map_elements(
            lambda r: siren_of(r["siren"], r["siret"]), pl.Utf8).alias("siren9"),
        pl.col("city").map_elements(name_key, pl.Utf8).replace("", None).alias("city_key"),
        pl.col("name").map_elements(numbered, pl.Utf8).alias("numbered"),
        pl.col("name").map_elements(joint_key, pl.Utf8, skip_nulls=True).alias("joint"),
    ).with_columns(
        block_words(frame).alias("core_first"),
        pl.col("core").map_elements(numbers, pl.Utf8).alias("numbers"),
        pl.col("name").map_elements(block_start, pl.Utf8).alias("key_start"),
    ).with_columns(
        pl.when(pl.len().over("key_start") <= BLOCK_LIMIT).then(pl.col("key_start"))
        .alias("key_start"))


def works(store: Store, org_entity: pl.DataFrame) -> pl.DataFrame:
    """One row per work: VISA, title key, years, format, genre, the resolved organisations
    (beneficiaries, producers), the people (by name key) named on it and its countries (the
    co-production countries of an agreed film, its beneficiaries' countries) and its funders'
    country (`home`: a country in common other than both funders' own is a co-production)."""
    store.con.register("__org_entity", org_entity.to_arrow())
    try:
        frame = store.con.sql(f"""
            WITH orgs AS (
                SELECT a.work_id, e.entity_id FROM awards a
                JOIN __org_entity e ON e.member_id = a.beneficiary_id WHERE a.work_id IS NOT NULL
                UNION
                SELECT f.work_id, e.entity_id FROM work_credits c
                JOIN film_approvals f USING (approval_id)
                JOIN __org_entity e ON e.member_id = c.organisation_id
            ), named_people AS (
                SELECT a.work_id, p.name_key FROM award_people ap
                JOIN awards a USING (award_id) JOIN people p USING (person_id)
                WHERE a.work_id IS NOT NULL AND p.name_key <> ''
                UNION
                SELECT f.work_id, p.name_key FROM work_credits c
                JOIN film_approvals f USING (approval_id) JOIN people p USING (person_id)
                WHERE p.name_key <> ''
            ), persons AS (
                -- a person's words in any order; a 'person' named like the work is the
                -- publisher repeating the title, not a person
                SELECT n.work_id, {_WORDS.format("n.name_key")} AS name_key
                FROM named_people n JOIN works w USING (work_id)
                WHERE {_WORDS.format("n.name_key")} <> {_WORDS.format("coalesce(w.title_key, '')")}
            ), funding AS (
                SELECT work_id, list(DISTINCT funder_id ORDER BY funder_id) AS funders,
                       list(DISTINCT scheme_id ORDER BY scheme_id)
                           FILTER (WHERE scheme_id IS NOT NULL) AS schemes
                FROM awards WHERE work_id IS NOT NULL AND funder_id IS NOT NULL
                GROUP BY work_id
            ), titles AS (
                SELECT title_key, count(*) AS title_records FROM works
                WHERE title_key <> '' GROUP BY title_key
            ), years AS (
                SELECT work_id, fiscal_year AS year, funder_id, stage FROM awards
                WHERE work_id IS NOT NULL
                UNION ALL SELECT work_id, year, NULL, 'approval' FROM film_approvals
            ), countries AS (
                SELECT work_id, country_code FROM work_countries WHERE country_code IS NOT NULL
                UNION
                SELECT work_id, beneficiary_country_code FROM awards
                WHERE work_id IS NOT NULL AND beneficiary_country_code IS NOT NULL
            ), visas AS (
                SELECT work_id, min(visa) AS visa FROM film_approvals
                WHERE visa IS NOT NULL GROUP BY work_id
            )
            SELECT w.work_id AS member_id, split_part(w.work_id, '/', 1) AS source, w.title,
                   nullif(w.title_key, '') AS title_key, w.format, w.genre, v.visa,
                   (SELECT min(year) FROM years y WHERE y.work_id = w.work_id) AS first_year,
                   (SELECT max(year) FROM years y WHERE y.work_id = w.work_id) AS last_year,
                   coalesce((SELECT list(DISTINCT entity_id ORDER BY entity_id) FROM orgs o
                             WHERE o.work_id = w.work_id), []) AS orgs,
                   coalesce((SELECT list(DISTINCT name_key ORDER BY name_key) FROM persons p
                             WHERE p.work_id = w.work_id), []) AS people,
                   coalesce((SELECT list(DISTINCT country_code ORDER BY country_code)
                             FROM countries c WHERE c.work_id = w.work_id), []) AS countries,
                   coalesce((SELECT min(f.country_code) FROM awards a
                             JOIN organisations f ON f.organisation_id = a.funder_id
                             WHERE a.work_id = w.work_id),
                            CASE WHEN v.visa IS NOT NULL THEN 'FR' END) AS home,
                   coalesce(fu.funders, []) AS funders, coalesce(fu.schemes, []) AS schemes,
                   t.title_records,
                   length(replace(coalesce(w.title_key, ''), ' ', '')) AS title_letters
            FROM works w LEFT JOIN visas v USING (work_id)
            LEFT JOIN funding fu USING (work_id) LEFT JOIN titles t USING (title_key)
            ORDER BY w.work_id
        """).pl()
    finally:
        store.con.unregister("__org_entity")
    return frame.with_columns(
        pl.col("countries").list.set_difference(pl.concat_list(pl.col("home").fill_null("")))
        .list.sort().alias("abroad"))


def people(store: Store, work_entity: pl.DataFrame) -> pl.DataFrame:
    """One row per person: name key (its words in any order, see `_WORDS`), published
    reference and the resolved works named with them."""
    store.con.register("__work_entity", work_entity.to_arrow())
    try:
        return store.con.sql(f"""
            WITH named AS (
                SELECT ap.person_id, a.work_id FROM award_people ap JOIN awards a USING (award_id)
                UNION
                SELECT c.person_id, f.work_id FROM work_credits c
                JOIN film_approvals f USING (approval_id) WHERE c.person_id IS NOT NULL
            )
            SELECT p.person_id AS member_id, split_part(p.person_id, '/', 1) AS source,
                   p.full_name AS name, nullif({_WORDS.format("p.name_key")}, '') AS name_key,
                   p.reference,
                   coalesce((SELECT list(DISTINCT e.entity_id ORDER BY e.entity_id)
                             FROM named n JOIN __work_entity e ON e.member_id = n.work_id
                             WHERE n.person_id = p.person_id), []) AS works
            FROM people p ORDER BY p.person_id
        """).pl()
    finally:
        store.con.unregister("__work_entity")


def co_credited(store: Store) -> list[tuple[str, str]]:
    """Pairs of organisations credited together on one agreed film: the publisher names them
    as two producers, so they are two companies ('SBS FILMS' and 'SBS PRODUCTIONS' on one
    film), whatever their names share."""
    return store.con.execute("""
        SELECT DISTINCT a.organisation_id, b.organisation_id FROM work_credits a
        JOIN work_credits b ON a.approval_id = b.approval_id
         AND a.organisation_id < b.organisation_id
        WHERE a.organisation_id IS NOT NULL ORDER BY 1, 2
    """).fetchall()
