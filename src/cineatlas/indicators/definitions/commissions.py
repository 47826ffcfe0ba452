"""Commissions as the publisher gives them, session by session: how many members sit, whether a
president is named, how often the same people sit again (renewal), members whose name is also
among the talents the same scheme funds (a name match to check), and the money the sessions
award (amount per project, beneficiaries' concentration).

The territory is the funder's: the territory it governs when known (the CNC counts for the
country, FR), else where it is based — never the beneficiary's, which the commission results do
not publish (CNC Talent's beneficiaries have no address: the beneficiary-placed indicators such
as `beneficiary_hhi` cannot see these awards, hence the `commission_beneficiary_*` ones here).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cineatlas.indicators.definitions import beneficiaries
from cineatlas.indicators.definitions.governance import known
from cineatlas.indicators.query import Query, count_where
from cineatlas.indicators.registry import indicator

_TERRITORY_FR = ("Le territoire est celui du financeur qui réunit la commission : celui qu'il "
                 "administre (le CNC compte pour la France, FR ; une Région pour sa région), "
                 "sinon celui de son siège.")
_TERRITORY_EN = ("The territory is that of the funder holding the commission: the one it governs "
                 "(the CNC counts for France, FR; a Region for its region), else where it is "
                 "based.")
_SESSION_FR = ("Une commission est une session quand le financeur publie ses sessions (le CNC : "
               "une par date) ; sinon une commission et une année.")
_SESSION_EN = ("A commission is a session when the funder publishes its sessions (the CNC: one "
               "per date); otherwise a commission and year.")
_COMPOSITION_FR = ("Une session dont aucun membre n'est publié (CNC Talent, 19 octobre 2018) a une "
                   "composition inconnue : elle n'est pas comptée, et abaisse la couverture (n "
                   "compte les sessions, covered celles dont la composition est publiée).")
_COMPOSITION_EN = ("A session that publishes no member (CNC Talent, 19 October 2018) has an "
                   "unknown composition: it is not counted, and lowers the coverage (n counts the "
                   "sessions, covered those whose composition is published).")
_PERSON_FR = ("Une personne est reconnue à son nom tel que l'importateur l'identifie (CNC : les "
              "lettres du nom, sans casse, accents, espaces ni traits d'union, les mentions de "
              "rôle retirées) : deux graphies qui diffèrent d'une lettre (« Missica » / "
              "« Missika ») comptent pour deux personnes.")
_PERSON_EN = ("A person is recognised by their name as the importer identifies it (CNC: the "
              "letters of the name, without case, accents, spaces or hyphens, role marks "
              "removed): two spellings differing by a letter ('Missica' / 'Missika') count as "
              "two people.")
_YEARS_FR = ("Par année, on compte les sessions de l'année seulement ; sur une période, toutes "
             "celles de la période.")
_YEARS_EN = ("By year, only the sessions of that year count; over a period, all of the period's.")


def _pair(a: ir.Value, b: ir.Value) -> ir.StringValue:
    """One join key from two columns (joins on one column only)."""
    return a.cast("string").concat("|", b.cast("string"))


def median(rows: ir.Table, keys: list[str], column: str) -> ir.Table:
    """(keys, median): the exact median of `column` (an integer) per group — the middle value,
    or the mean of the two middle values — computed the same way on every backend."""
    rows = rows.filter(rows[column].notnull())
    ordered = ibis.window(group_by=keys, order_by=[rows[column]])
    rows = rows.mutate(_rank=ibis.row_number().over(ordered),
                       _n=rows[column].count().over(ibis.window(group_by=keys)))
    middle = rows.filter((rows._rank == (rows._n - 1) // 2) | (rows._rank == rows._n // 2))
    return middle.group_by(keys).aggregate(median=middle[column].cast("float64").mean())


def _series(q: Query, rows: ir.Table, scheme: str, funder: str) -> ir.Table:
    """`rows` plus `series`: the scheme a row belongs to, as a fund — its parent scheme when it
    is part of one (CNC Talent's *Aide à la création* belongs to the fund) — else the funder."""
    s = q.table("schemes").select(s_id="scheme_id", s_parent="parent_scheme_id")
    rows = rows.left_join(s, rows[scheme] == s.s_id)
    series = ibis.coalesce(rows.s_parent, rows[scheme],
                           ibis.literal("funder:").concat(rows[funder]))
    return rows.mutate(series=series).drop("s_id", "s_parent")


# -- sessions -------------------------------------------------------------------------------

@indicator(
    id="commission_members_per_session",
    theme="governance",
    title_fr="Membres par session de commission",
    title_en="Members per commission session",
    definition_fr="Nombre moyen de membres (sièges, présidence comprise) des sessions dont la "
                  "composition est publiée ; la médiane, le minimum et le maximum à côté.",
    definition_en="Mean number of members (seats, the chair included) of the sessions whose "
                  "composition is published; the median, minimum and maximum beside it.",
    formula="Σ sièges ÷ nombre de sessions (composition publiée)",
    unit="ratio",
    subject="sessions",
    needs=("seats",),
    extras={"median": ("nombre médian de membres par session",
                       "median number of members per session"),
            "min_seats": ("plus petite session (membres)", "smallest session (members)"),
            "max_seats": ("plus grande session (membres)", "largest session (members)")},
    caveats_fr=(_TERRITORY_FR, _SESSION_FR, _COMPOSITION_FR,
                "Chaque personne publiée compte, présidence et suppléant·es compris ; une "
                "personne publiée deux fois pour une même session compte une fois."),
    caveats_en=(_TERRITORY_EN, _SESSION_EN, _COMPOSITION_EN,
                "Every person published counts, the chair and substitutes included; a person "
                "published twice for one session counts once."),
    check="SELECT c.session_date, c.year, c.name, count(m.person_id) AS seats,\n"
          "       count(*) FILTER (WHERE m.role = 'chair') AS chairs\n"
          "FROM commissions c LEFT JOIN commission_members m USING (commission_id)\n"
          "GROUP BY ALL ORDER BY c.session_date, c.year, c.name",
)
def commission_members_per_session(q: Query) -> ir.Table:
    rows = q.base
    covered = known(q)
    grouped = rows.group_by(q.keys).aggregate(
        numerator=rows.seats.sum(where=covered).cast("float64"),
        denominator=count_where(covered).cast("float64"),
        min_seats=rows.seats.min().cast("int64"),
        max_seats=rows.seats.max().cast("int64"),
    )
    out = q.share(grouped).left_join(median(rows, q.keys, "seats"), q.keys)
    return out.drop(*(f"{k}_right" for k in q.keys if f"{k}_right" in out.columns))


@indicator(
    id="commission_chair_share",
    theme="governance",
    title_fr="Part des sessions dont la présidence est publiée",
    title_en="Share of sessions with a published chair",
    definition_fr="Parmi les sessions dont la composition est publiée, part de celles qui "
                  "nomment un·e président·e (titulaire ou suppléant·e).",
    definition_en="Among the sessions whose composition is published, share of those naming a "
                  "chair (in title or substitute).",
    formula="nombre de sessions avec présidence ÷ nombre de sessions (composition publiée)",
    unit="share",
    subject="sessions",
    needs=("has_chair",),
    caveats_fr=(_TERRITORY_FR, _SESSION_FR, _COMPOSITION_FR,
                "Une session sans présidence publiée n'en a pas forcément eu aucune : la "
                "publication ne la nomme pas (CNC Talent : 7 sessions sur 34, dont celle sans "
                "aucun membre publié)."),
    caveats_en=(_TERRITORY_EN, _SESSION_EN, _COMPOSITION_EN,
                "A session without a published chair may still have had one: the publication "
                "names none (CNC Talent: 7 sessions of 34, one of them with no member "
                "published at all)."),
    check="SELECT c.session_date, c.year, c.name,\n"
          "       bool_or(m.role = 'chair') AS has_chair, count(m.person_id) AS seats\n"
          "FROM commissions c LEFT JOIN commission_members m USING (commission_id)\n"
          "GROUP BY ALL ORDER BY c.session_date, c.year, c.name",
)
def commission_chair_share(q: Query) -> ir.Table:
    rows = q.base
    covered = known(q)
    grouped = rows.group_by(q.keys).aggregate(
        numerator=count_where(covered & rows.has_chair.fill_null(False)).cast("float64"),
        denominator=count_where(covered).cast("float64"),
    )
    return q.share(grouped)


# -- renewal --------------------------------------------------------------------------------

@indicator(
    id="commission_member_sessions",
    theme="governance",
    title_fr="Nombre de sessions où siège chaque membre (renouvellement)",
    title_en="Number of sessions each member sits (renewal)",
    definition_fr="Répartition des membres des commissions selon le nombre de sessions où ils "
                  "siègent : pour chaque nombre de sessions, part des membres qui y ont siégé "
                  "autant de fois, et part des sièges qu'ils occupent.",
    definition_en="Distribution of commission members by the number of sessions they sit: for "
                  "each number of sessions, share of the members who sat that many times, and "
                  "share of the seats they hold.",
    formula="membres ayant siégé k fois ÷ membres ; seat_share = k × membres (k) ÷ sièges",
    unit="share",
    subject="commissions",
    category=("nombre de sessions où le membre a siégé (k, en texte ; colonne sessions pour "
              "trier)", "number of sessions the member sat (k, as text; the sessions column to "
              "sort)"),
    extras={"sessions": ("k, le nombre de sessions (entier)", "k, the number of sessions "
                                                               "(integer)"),
            "seats": ("sièges occupés par ces membres (k × membres)",
                      "seats these members hold (k × members)"),
            "seat_share": ("part des sièges occupés par ces membres",
                           "share of the seats these members hold")},
    caveats_fr=(_TERRITORY_FR, _SESSION_FR, _PERSON_FR, _YEARS_FR,
                "Lire le renouvellement : la part des sièges occupés par des membres ayant siégé "
                "k fois ou plus est la somme des seat_share des lignes ≥ k (CNC Talent "
                "2017–2024 : 74 membres pour 274 sièges). Voir aussi commission_newcomer_share.",
                "Une personne qui siège dans les commissions de plusieurs financeurs du "
                "territoire compte toutes ses sessions."),
    caveats_en=(_TERRITORY_EN, _SESSION_EN, _PERSON_EN, _YEARS_EN,
                "Reading renewal: the share of seats held by members who sat k times or more is "
                "the sum of the seat_share of the rows ≥ k (CNC Talent 2017–2024: 74 members for "
                "274 seats). See also commission_newcomer_share.",
                "A person sitting on the commissions of several funders of the territory counts "
                "all their sessions."),
    check="SELECT p.full_name, count(DISTINCT m.commission_id) AS sessions,\n"
          "       min(c.session_date) AS first_session, max(c.session_date) AS last_session\n"
          "FROM commission_members m JOIN commissions c USING (commission_id)\n"
          "JOIN people p USING (person_id)\n"
          "GROUP BY p.person_id, p.full_name ORDER BY sessions DESC, p.full_name",
)
def commission_member_sessions(q: Query) -> ir.Table:
    rows = q.base
    per = rows.group_by([*q.keys, "person_id"]).aggregate(
        sessions=rows.commission_id.nunique().cast("int64"))
    counts = per.group_by([*q.keys, "sessions"]).aggregate(members=per.count().cast("int64"))
    totals = per.group_by(q.keys).aggregate(denominator=per.count().cast("float64"),
                                            all_seats=per.sessions.sum().cast("float64"))
    out = counts.inner_join(totals, q.keys)
    seats = out.sessions * out.members
    out = out.select(*q.keys, category=out.sessions.cast("string"), sessions=out.sessions,
                     numerator=out.members.cast("float64"), denominator=out.denominator,
                     seats=seats.cast("int64"),
                     seat_share=(seats.cast("float64") / out.all_seats).cast("float64"))
    return q.share(out)


def _first_seats(q: Query) -> ir.Table:
    """(seat_key, newcomer, after_first) for every seat of the store: `newcomer` when it is the
    person's first session of its series (the scheme as a fund), `after_first` when its session
    is not the series' first one. Sessions are ordered by year then date (an undated session at
    the start of its year)."""
    c = q.table("commissions")
    c = c.select(k_id="commission_id", k_funder="funder_id", k_scheme="scheme_id",
                 order=(ibis.coalesce(c.year, c.session_date.year()).cast("int64") * 10_000
                        + ibis.coalesce(c.session_date.month() * 100 + c.session_date.day(), 0)
                        .cast("int64")))
    c = _series(q, c, "k_scheme", "k_funder")
    m = q.table("commission_members")
    seats = m.inner_join(c, m.commission_id == c.k_id)
    by_person = ibis.window(group_by=[seats.person_id, seats.series])
    by_series = ibis.window(group_by=[seats.series])
    seats = seats.mutate(first_own=seats.order.min().over(by_person),
                         first_series=seats.order.min().over(by_series))
    return seats.select(seat_key=_pair(seats.commission_id, seats.person_id),
                        newcomer=seats.order == seats.first_own,
                        after_first=seats.order > seats.first_series)


@indicator(
    id="commission_newcomer_share",
    theme="governance",
    title_fr="Taux de renouvellement : part des sièges tenus par de nouveaux membres",
    title_en="Renewal rate: share of seats held by new members",
    definition_fr="Parmi les sièges des sessions qui ne sont pas la première session publiée de "
                  "leur dispositif, part de ceux tenus par une personne qui siège pour la "
                  "première fois dans ce dispositif.",
    definition_en="Among the seats of sessions that are not the first published session of their "
                  "scheme, share of those held by a person sitting on that scheme for the first "
                  "time.",
    formula="sièges de nouveaux membres ÷ sièges (hors première session publiée du dispositif)",
    unit="share",
    subject="commissions",
    needs=("after_first",),
    caveats_fr=(_TERRITORY_FR, _SESSION_FR, _PERSON_FR,
                "« Pour la première fois » se juge sur toutes les sessions du dispositif dans la "
                "base, avant la période demandée comprise ; la première session publiée n'a pas "
                "de passé connu : ses sièges ne sont pas comptés (ils abaissent la couverture).",
                "Le dispositif est pris comme fonds : les volets d'un fonds (CNC Talent, aide à "
                "la création ou à la chaîne) sont un seul dispositif ; une commission sans "
                "dispositif compte pour son financeur.",
                "Les sessions sont ordonnées par année puis par date ; deux sessions sans date "
                "d'une même année sont prises comme simultanées.",
                "1 = chaque session est entièrement renouvelée ; 0 = toujours les mêmes "
                "personnes."),
    caveats_en=(_TERRITORY_EN, _SESSION_EN, _PERSON_EN,
                "'For the first time' is judged on every session of the scheme in the store, "
                "before the period asked included; the first published session has no known "
                "past: its seats are not counted (they lower the coverage).",
                "The scheme is taken as a fund: the parts of a fund (CNC Talent, creation or "
                "channel aid) are one scheme; a commission without a scheme counts for its "
                "funder.",
                "Sessions are ordered by year then date; two undated sessions of one year are "
                "taken as simultaneous.",
                "1 = each session is entirely renewed; 0 = always the same people."),
)
def commission_newcomer_share(q: Query) -> ir.Table:
    seats = q.base.mutate(seat_key=_pair(q.base.commission_id, q.base.person_id))
    flags = _first_seats(q)
    seats = seats.left_join(flags, seats.seat_key == flags.seat_key).drop("seat_key",
                                                                           "seat_key_right")
    after = ibis.ifelse(seats.after_first, True, ibis.null().cast("boolean"))
    rows = q.rebase(seats.mutate(after_first=after))
    covered = known(q)
    grouped = rows.group_by(q.keys).aggregate(
        numerator=count_where(covered & rows.newcomer).cast("float64"),
        denominator=count_where(covered).cast("float64"),
    )
    return q.share(grouped)


# -- name matches ---------------------------------------------------------------------------

_MATCH_FR = (
    "Une correspondance de nom n'est pas un conflit d'intérêts ni une faute : c'est un point à "
    "vérifier. Un membre peut avoir été aidé avant ou après son mandat, ou s'être retiré des "
    "délibérations sur son projet ; deux personnes différentes peuvent porter le même nom "
    "(homonymes).",
    "Règle : le nom normalisé de la personne (people.name_key : sans casse, accents ni "
    "ponctuation ; au CNC, les mentions « Président·e », « suppléant·e » retirées) est celui "
    "d'une personne créditée (award_people : talent, auteur, réalisateur…) sur une aide du même "
    "dispositif, pris comme fonds, à n'importe quelle date de la base. Deux graphies différentes "
    "ne correspondent pas (« Carminati » / « Carminatti »).",
    "La liste des correspondances, personne par personne, est l'indicateur "
    "commission_talent_matches, et la requête ci-dessous la redonne avec les titres et les dates.",
)
_MATCH_EN = (
    "A name match is neither a conflict of interest nor a fault: it is a point to check. A "
    "member may have been funded before or after their term, or have left the room when their "
    "project was discussed; two different people may share a name (homonyms).",
    "Rule: the person's normalised name (people.name_key: no case, accents or punctuation; at "
    "the CNC, the marks 'Président·e', 'suppléant·e' removed) is that of a person credited "
    "(award_people: talent, author, director…) on an award of the same scheme, taken as a fund, "
    "at any date in the store. Two different spellings do not match ('Carminati' / "
    "'Carminatti').",
    "The list of matches, person by person, is the indicator commission_talent_matches, and the "
    "query below gives it again with titles and dates.",
)
_MATCH_CHECK = (
    "WITH seat AS (\n"
    "  SELECT p.name_key, p.full_name, m.commission_id, c.session_date, c.year,\n"
    "         coalesce(s.parent_scheme_id, c.scheme_id, 'funder:' || c.funder_id) AS series\n"
    "  FROM commission_members m JOIN commissions c USING (commission_id)\n"
    "  JOIN people p USING (person_id) LEFT JOIN schemes s ON s.scheme_id = c.scheme_id),\n"
    "credit AS (\n"
    "  SELECT p.name_key, p.full_name, ap.role, a.award_id, a.project_title, a.decision_date,\n"
    "         a.commission_id,\n"
    "         coalesce(s.parent_scheme_id, a.scheme_id, 'funder:' || a.funder_id) AS series\n"
    "  FROM award_people ap JOIN awards a USING (award_id) JOIN people p USING (person_id)\n"
    "  LEFT JOIN schemes s ON s.scheme_id = a.scheme_id)\n"
    "SELECT seat.full_name AS member, credit.full_name AS credited_as, credit.role,\n"
    "       credit.project_title, credit.decision_date AS funded_on,\n"
    "       list(DISTINCT seat.session_date ORDER BY seat.session_date) AS sat_on,\n"
    "       bool_or(seat.commission_id = credit.commission_id) AS same_session\n"
    "FROM seat JOIN credit USING (name_key, series)\n"
    "GROUP BY ALL ORDER BY member, funded_on"
)
_MATCH_EXTRAS = {"same_session": (
    "membres aidés par une session où ils siégeaient (même nom)",
    "members funded by a session they sat on (same name)")}


def _credits(q: Query) -> ir.Table:
    """People credited on awards (any date, every award of the store): name_key, series,
    award_id, the session that decided it and its year."""
    a = q.table("awards")
    a = a.select(c_award="award_id", c_funder="funder_id", c_scheme="scheme_id",
                 credit_session="commission_id",
                 credit_year=ibis.coalesce(a.fiscal_year, a.decision_date.year()).cast("int64"))
    a = _series(q, a, "c_scheme", "c_funder")
    ap = q.table("award_people").select(ap_award="award_id", ap_person="person_id")
    p = q.table("people").select(p_id="person_id", p_key="name_key")
    credits = ap.inner_join(a, ap.ap_award == a.c_award).inner_join(p, ap.ap_person == p.p_id)
    return credits.select(series=credits.series,
                          match_key=_pair(credits.p_key, credits.series),
                          session_key=_pair(credits.p_key, credits.credit_session),
                          award_id=credits.c_award, credit_year=credits.credit_year)


def _matched_seats(q: Query) -> ir.Table:
    """The seats of the cut, made the query's base, with the person's `name_key`, `full_name`,
    `match_key` (name and series), `matched` (someone of that name is credited on an award of
    the series), `same_session` (… on an award the seat's own session decided) and
    `credits_published` (TRUE when the series' awards name anyone; NULL otherwise: the funder
    publishes no list to match against, so a seat can be neither a match nor not one)."""
    seats = _series(q, q.base, "scheme_id", "funder_id")
    p = q.table("people").select(p_id="person_id", name_key="name_key", full_name="full_name")
    seats = seats.left_join(p, seats.person_id == p.p_id).drop("p_id")
    seats = seats.mutate(match_key=_pair(seats.name_key, seats.series),
                         session_key=_pair(seats.name_key, seats.commission_id))
    credits = _credits(q)
    by_series = credits.select(m_key="match_key").distinct()
    by_session = credits.select(s_key="session_key").distinct()
    seats = seats.left_join(by_series, seats.match_key == by_series.m_key)
    seats = seats.left_join(by_session, seats.session_key == by_session.s_key)
    listed = credits.select(l_series="series").distinct()
    seats = seats.left_join(listed, seats.series == listed.l_series)
    published = ibis.ifelse(seats.l_series.notnull(), True, ibis.null().cast("boolean"))
    return q.rebase(seats.mutate(matched=seats.m_key.notnull(),
                                 same_session=seats.s_key.notnull(),
                                 credits_published=published).drop("m_key", "s_key", "l_series"))


@indicator(
    id="commission_talent_match_share",
    theme="governance",
    title_fr="Membres dont le nom figure aussi parmi les talents aidés du même dispositif "
             "(correspondance à vérifier)",
    title_en="Members whose name also appears among the funded talents of the same scheme "
             "(a match to check)",
    definition_fr="Part des membres des commissions dont le nom est aussi celui d'une personne "
                  "créditée sur une aide du même dispositif. Correspondance de noms à vérifier, "
                  "non une accusation.",
    definition_en="Share of commission members whose name is also that of a person credited on "
                  "an award of the same scheme. A name match to check, not an accusation.",
    formula="membres dont le nom correspond ÷ membres (dispositifs qui publient les personnes "
            "créditées)",
    unit="share",
    subject="commissions",
    needs=("credits_published",),
    extras=_MATCH_EXTRAS,
    caveats_fr=(*_MATCH_FR, _TERRITORY_FR, _YEARS_FR,
                "Seuls comptent les sièges des dispositifs dont les aides nomment des personnes "
                "(CNC Talent : les talents) ; ailleurs il n'y a pas de liste à comparer : la "
                "valeur est inconnue (vide), pas 0, et la couverture le dit."),
    caveats_en=(*_MATCH_EN, _TERRITORY_EN, _YEARS_EN,
                "Only the seats of schemes whose awards name people count (CNC Talent: the "
                "talents); elsewhere there is no list to compare with: the value is unknown "
                "(empty), not 0, and the coverage says so."),
    check=_MATCH_CHECK,
)
def commission_talent_match_share(q: Query) -> ir.Table:
    seats = _matched_seats(q)
    covered = known(q)
    grouped = seats.group_by(q.keys).aggregate(
        numerator=seats.person_id.nunique(where=covered & seats.matched).cast("float64"),
        denominator=seats.person_id.nunique(where=covered).cast("float64"),
        same_session=seats.person_id.nunique(where=covered & seats.same_session).cast("int64"),
    )
    return q.share(grouped)


@indicator(
    id="commission_talent_matches",
    theme="governance",
    title_fr="Correspondances de noms entre membres et talents aidés (liste à vérifier)",
    title_en="Name matches between members and funded talents (a list to check)",
    definition_fr="Pour chaque membre dont le nom est aussi celui d'une personne créditée sur "
                  "une aide du même dispositif : le nombre de ces aides, les sessions où il ou "
                  "elle a siégé et les années. Une ligne par nom, à vérifier, jamais une "
                  "accusation.",
    definition_en="For each member whose name is also that of a person credited on an award of "
                  "the same scheme: the number of those awards, the sessions they sat and the "
                  "years. One row per name, to check, never an accusation.",
    formula="nombre d'aides du dispositif créditant ce nom",
    unit="count",
    subject="commissions",
    needs=("credits_published",),
    category=("le nom du membre, tel que publié", "the member's name, as published"),
    extras={"name_key": ("nom normalisé (règle de correspondance)",
                         "normalised name (the matching rule)"),
            "sessions_sat": ("sessions du dispositif concerné où ce nom a siégé (dans la "
                             "période)", "sessions of the matching scheme this name sat (in "
                                         "the period)"),
            "awards_same_session": ("aides créditant ce nom décidées par une session où il "
                                    "siégeait", "awards crediting this name decided by a session "
                                                "it sat on"),
            "first_seat_year": ("première année de siège", "first year of a seat"),
            "last_seat_year": ("dernière année de siège", "last year of a seat"),
            "first_award_year": ("première année d'aide", "first year of an award"),
            "last_award_year": ("dernière année d'aide", "last year of an award")},
    caveats_fr=(*_MATCH_FR, _TERRITORY_FR,
                "Les aides comptées sont toutes celles du dispositif dans la base, quelle que "
                "soit la période demandée ; les sièges, ceux de la période."),
    caveats_en=(*_MATCH_EN, _TERRITORY_EN,
                "The awards counted are all those of the scheme in the store, whatever the "
                "period asked; the seats, those of the period."),
    check=_MATCH_CHECK,
)
def commission_talent_matches(q: Query) -> ir.Table:
    seats = _matched_seats(q)
    seats = seats.filter(seats.matched)
    credits = _credits(q)
    pairs = seats.select(*q.keys, "name_key", "match_key").distinct()
    funded = pairs.inner_join(credits, pairs.match_key == credits.match_key)
    awards = funded.group_by([*q.keys, "name_key"]).aggregate(
        awards=funded.award_id.nunique().cast("int64"),
        first_award_year=funded.credit_year.min().cast("int64"),
        last_award_year=funded.credit_year.max().cast("int64"))
    same = seats.select(*q.keys, "name_key", "session_key").distinct()
    same = same.inner_join(credits, same.session_key == credits.session_key)
    same = same.group_by([*q.keys, "name_key"]).aggregate(
        awards_same_session=same.award_id.nunique().cast("int64"))
    sat = seats.group_by([*q.keys, "name_key"]).aggregate(
        category=seats.full_name.min(),
        sessions_sat=seats.commission_id.nunique().cast("int64"),
        first_seat_year=seats.year.min().cast("int64"),
        last_seat_year=seats.year.max().cast("int64"))
    join_keys = [*q.keys, "name_key"]
    out = sat.inner_join(awards, join_keys).left_join(same, join_keys)
    out = out.select(*q.keys, "category", "name_key", "sessions_sat",
                     awards_same_session=out.awards_same_session.fill_null(0),
                     first_seat_year=out.first_seat_year, last_seat_year=out.last_seat_year,
                     first_award_year=out.first_award_year, last_award_year=out.last_award_year,
                     value=out.awards.cast("float64"), numerator=out.awards.cast("float64"),
                     denominator=ibis.null().cast("float64"))
    return out


# -- the money the sessions award -----------------------------------------------------------

_AWARDS_FR = ("Seules comptent les aides décidées par une session de commission publiée "
              "(awards.commission_id connu), rangées dans le territoire du financeur (le CNC : "
              "FR) et l'année de la session.")
_AWARDS_EN = ("Only awards decided by a published commission session count (awards.commission_id "
              "known), placed in the funder's territory (the CNC: FR) and the session's year.")


def _session_awards(q: Query) -> ir.Table:
    """The awards of the cut decided by a commission session, placed by their funder's
    territory, made this query's base."""
    awards = q.cut_awards()
    return q.rebase(q._funder_territory(awards.filter(awards.commission_id.notnull())))


@indicator(
    id="commission_amount_per_project",
    theme="governance",
    title_fr="Montant par projet aidé en commission",
    title_en="Amount per project funded in commission",
    definition_fr="Montant moyen des aides décidées par les sessions de commission (un projet "
                  "= une aide), avec la médiane à côté, au centime près.",
    definition_en="Mean amount of the awards decided by commission sessions (a project = an "
                  "award), with the median beside it, to the cent.",
    formula="Σ montant ÷ nombre d'aides (montant connu) ; médiane des montants",
    unit="money",
    subject="awards",
    needs=("amount_minor",),
    extras={"median": ("montant médian (la valeur du milieu, ou la moyenne des deux du milieu)",
                       "median amount (the middle value, or the mean of the two middle ones)"),
            "projects": ("nombre d'aides comptées", "number of awards counted")},
    caveats_fr=(_AWARDS_FR,
                "Le numérateur est la somme exacte (en centimes) ; la moyenne et la médiane sont "
                "données en unités (euros), la médiane à un demi-centime près quand elle est la "
                "moyenne de deux montants.",
                "Un projet aidé deux fois (création puis pilote, nouvelle saison) compte pour "
                "deux aides.",
                "Une ligne par devise."),
    caveats_en=(_AWARDS_EN,
                "The numerator is the exact sum (in cents); mean and median are given in units "
                "(euros), the median to half a cent when it is the mean of two amounts.",
                "A project funded twice (creation then pilot, a new season) counts as two "
                "awards.",
                "One row per currency."),
)
def commission_amount_per_project(q: Query) -> ir.Table:
    _session_awards(q)
    rows = q.covered
    grouped = rows.group_by(q.keys).aggregate(
        total=rows.amount.sum(), projects=rows.count().cast("int64"))
    grouped = grouped.mutate(numerator=grouped.total.cast("float64") / 100,
                             denominator=grouped.projects.cast("float64"))
    out = q.share(grouped).drop("total")
    med = median(rows, q.keys, "amount")
    out = out.left_join(med, q.keys)
    out = out.mutate(median=out.median / 100)
    return out.drop(*(f"{k}_right" for k in q.keys if f"{k}_right" in out.columns))


_CONCENTRATION_FR = (_AWARDS_FR,
                     "Même calcul que beneficiary_hhi et beneficiary_top5_share, qui rangent une "
                     "aide dans le territoire de son bénéficiaire : les résultats des commissions "
                     "ne publient pas son adresse (CNC Talent), ces indicateurs ne voient donc pas "
                     "ces aides ; ici elles comptent pour le territoire du financeur.",
                     *beneficiaries._CONCENTRATION_CAVEATS_FR)
_CONCENTRATION_EN = (_AWARDS_EN,
                     "The same computation as beneficiary_hhi and beneficiary_top5_share, which "
                     "place an award in its beneficiary's territory: commission results do not "
                     "publish the beneficiary's address (CNC Talent), so those indicators cannot "
                     "see these awards; here they count for the funder's territory.",
                     *beneficiaries._CONCENTRATION_CAVEATS_EN)


@indicator(
    id="commission_beneficiary_top5_share",
    theme="governance",
    title_fr="Part des 5 premiers bénéficiaires des aides en commission",
    title_en="Top-5 beneficiaries' share of the awards made in commission",
    definition_fr="Part du montant décidé par les sessions de commission qui va aux 5 plus gros "
                  "bénéficiaires.",
    definition_en="Share of the money decided by commission sessions that goes to the 5 largest "
                  "beneficiaries.",
    formula="Σ montant (5 premiers bénéficiaires) ÷ Σ montant",
    unit="share",
    subject="awards",
    needs=("amount_minor", "beneficiary_id"),
    extras=beneficiaries._BENEFICIARIES,
    caveats_fr=_CONCENTRATION_FR,
    caveats_en=_CONCENTRATION_EN,
)
def commission_beneficiary_top5_share(q: Query) -> ir.Table:
    _session_awards(q)
    return beneficiaries.beneficiary_top5_share(q)


@indicator(
    id="commission_beneficiary_hhi",
    theme="governance",
    title_fr="Concentration des bénéficiaires des aides en commission (Herfindahl-Hirschman)",
    title_en="Concentration of the beneficiaries of awards made in commission "
             "(Herfindahl-Hirschman)",
    definition_fr="Somme des carrés des parts (en %) de chaque bénéficiaire dans le montant "
                  "décidé par les sessions de commission : de près de 0 à 10 000 (un seul "
                  "bénéficiaire).",
    definition_en="Sum of the squared shares (in %) of each beneficiary in the money decided by "
                  "commission sessions: from near 0 to 10,000 (a single beneficiary).",
    formula="HHI = Σ_b (100 × montant_b ÷ Σ montant)²",
    unit="index",
    subject="awards",
    needs=("amount_minor", "beneficiary_id"),
    extras=beneficiaries._BENEFICIARIES,
    caveats_fr=_CONCENTRATION_FR,
    caveats_en=_CONCENTRATION_EN,
)
def commission_beneficiary_hhi(q: Query) -> ir.Table:
    _session_awards(q)
    return beneficiaries.beneficiary_hhi(q)
