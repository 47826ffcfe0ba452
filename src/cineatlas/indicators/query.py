"""What an indicator's compute function receives: its subject rows, cut and keyed.

`Query.base` holds the subject's rows in the cut, each with `unit_id` (the territory at the
cut's level it falls in), `year` and, for money subjects, `amount` (integer minor units) and
`currency`. `Query.covered` keeps the rows whose needed fields are known. Indicators group
by `Query.keys` (unit, then year when the cut is by year, then currency for money).

Every subject's base rows carry their provenance (`PROVENANCE`): `source_id` and
`fictitious`, from which each result's `fictitious` flag and `sources` are computed (compute.py).
A subject whose rows join several tables ORs their `fictitious` into one column and keeps each
joined table's source in a column of its own ending in `source_id` (`with_provenance_of`): a
figure is fictitious when any of its input rows is, and lists every source it rests on. A base
without them is refused (`ProvenanceError`), so a new subject gets the flag by construction.
"""

from __future__ import annotations

from functools import cached_property

import ibis
import ibis.expr.types as ir

from cineatlas.errors import AtlasError
from cineatlas.indicators.cut import Cut
from cineatlas.indicators.engine import Engine
from cineatlas.indicators.registry import Indicator
from cineatlas.store.vocabularies import BUDGET_CLASS_BOUNDS

#: Award columns indicators may read (fewer columns: smaller expressions, faster compilation).
AWARD_COLUMNS = ("award_id", "source_id", "funder_id", "scheme_id", "beneficiary_id", "work_id",
                 "decision_date", "fiscal_year", "amount_minor", "currency", "aid_type", "stage",
                 "format", "genre", "first_work", "second_work", "director_gender",
                 "beneficiary_territory_id", "beneficiary_country_code", "sector", "commission_id",
                 "fictitious")
#: Columns of the publication subject's rows.
_PUBLICATION_COLUMNS = ("unit_id", "year", "funder_key", "funder_level", "funder_name", "data",
                        "source_id", "fictitious")
#: The territory of the CNC's agreed films: the agreement is French, the list names no place.
FILMS_TERRITORY = "FR"
#: Financing facts of agreed films that indicators read as yes / no (film_approvals'
#: published_facts says whether the film's list publishes them).
FILM_FACTS = ("regional_aid", "parity_bonus", "sofica", "tax_credit")
#: Subjects whose rows carry money (and so a currency key).
MONEY_SUBJECTS = {"awards": "amount_minor", "conventions": "region_amount_minor"}
#: Columns every subject's base rows carry: where each row comes from, and whether it is
#: fictitious (demo data). Further columns ending in `source_id` are sources too.
PROVENANCE = ("source_id", "fictitious")


class ProvenanceError(AtlasError):
    """An indicator's base rows that do not say where they come from (a bug in a subject)."""


def source_columns(rows: ir.Table) -> list[str]:
    """The columns of `rows` naming a source: `source_id`, then any `<table>_source_id`."""
    return ["source_id", *sorted(c for c in rows.columns
                                 if c.endswith("_source_id") and c != "source_id")]


def with_provenance_of(rows: ir.Table, prefix: str) -> ir.Table:
    """`rows`, joined to another table whose `source_id` and `fictitious` were renamed
    `{prefix}_source_id` and `{prefix}_fictitious`, with one `fictitious` (either row's) and
    the other source kept as `{prefix}_source_id`."""
    other = rows[f"{prefix}_fictitious"].fill_null(False)
    return rows.mutate(fictitious=rows.fictitious.fill_null(False) | other).drop(
        f"{prefix}_fictitious")


def check_provenance(rows: ir.Table, indicator: Indicator) -> ir.Table:
    """`rows`, once checked to carry `PROVENANCE`; a ProvenanceError naming what is missing."""
    missing = [c for c in PROVENANCE if c not in rows.columns]
    if missing:
        raise ProvenanceError(
            f"The base rows of indicator {indicator.id!r} (subject {indicator.subject!r}) lack "
            f"{', '.join(missing)}: every subject's rows must carry {' and '.join(PROVENANCE)} "
            "so that each figure says whether it rests on fictitious rows and which sources "
            "(cineatlas.indicators.query, PROVENANCE).")
    return rows



def count_where(condition: ir.BooleanValue) -> ir.IntegerScalar:
    """Number of rows where `condition` holds (0, not NULL, when none does or it is NULL)."""
    return ibis.ifelse(condition, 1, 0).sum().fill_null(0).cast("int64")


class Query:
    """The rows an indicator works on, for one engine and one cut."""

    def __init__(self, engine: Engine, indicator: Indicator, cut: Cut) -> None:
        self.engine = engine
        self.indicator = indicator
        self.cut = cut

    # -- keys -------------------------------------------------------------------------------
    @property
    def money(self) -> bool:
        return self.indicator.subject in MONEY_SUBJECTS

    @property
    def keys(self) -> list[str]:
        keys = ["unit_id"]
        if self.cut.by_year:
            keys.append("year")
        if self.money:
            keys.append("currency")
        return keys

    # -- tables -----------------------------------------------------------------------------
    def table(self, name: str) -> ir.Table:
        return self.engine.table(name)

    @cached_property
    def units(self) -> ir.Table:
        """Territories at the cut's level (restricted to the cut's territories)."""
        t = self.table("territories")
        units = t.filter(t.level == self.cut.level)
        if self.cut.territories:
            units = units.filter(units.territory_id.isin(self.cut.territories))
        return units.rename(unit_id="territory_id")

    def at_level(self, level: str | None = None) -> ir.Table:
        """(territory_id, unit_id): each territory and its ancestor at `level` (cut's level by
        default)."""
        c = self.engine.closure_table
        c = c.filter(c.ancestor_level == (level or self.cut.level))
        if self.cut.territories and level is None:
            c = c.filter(c.ancestor_id.isin(self.cut.territories))
        return c.select("territory_id", unit_id=c.ancestor_id)

    def place(self, rows: ir.Table, territory_column: str) -> ir.Table:
        """`rows` with `unit_id`, the territory at the cut's level of `territory_column`;
        rows outside every unit of the cut are dropped."""
        levels = self.at_level()
        return rows.inner_join(levels, rows[territory_column] == levels.territory_id).drop(
            "territory_id")

    def entity_of(self, rows: ir.Table, column: str, kind: str) -> ir.Table:
        """`rows` plus `entity`, the resolved entity of `column` (an id of `kind`:
        organisation, work or person): its `entity_members.entity_id`, else the record itself
        (a record resolution has not seen is its own entity)."""
        em = self.table("entity_members")
        em = em.filter(em.kind == kind).select(em_member="member_id", em_entity="entity_id")
        rows = rows.left_join(em, rows[column] == em.em_member)
        return rows.mutate(entity=ibis.coalesce(rows.em_entity, rows[column])).drop(
            "em_member", "em_entity")

    def years(self, rows: ir.Table) -> ir.Table:
        if self.cut.years is None:
            return rows
        first, last = self.cut.years
        return rows.filter(rows.year.between(first, last))

    # -- subjects ---------------------------------------------------------------------------
    @cached_property
    def base(self) -> ir.Table:
        """The subject's rows in the cut, placed in their unit (with their PROVENANCE)."""
        return check_provenance(getattr(self, f"_{self.indicator.subject}")(), self.indicator)

    @cached_property
    def covered(self) -> ir.Table:
        """`base` rows whose needed fields are all known."""
        rows = self.base
        for name in self.indicator.needs:
            rows = rows.filter(rows[name].notnull())
        return rows

    def _filter(self, rows: ir.Table, column: str, values: tuple[str, ...]) -> ir.Table:
        return rows.filter(rows[column].isin(values)) if values else rows

    def _awards(self) -> ir.Table:
        return self.place(self.cut_awards(), "beneficiary_territory_id")

    def _conventions(self) -> ir.Table:
        c = self.table("conventions")
        c = self.years(c.mutate(amount=c.region_amount_minor))
        c = self._filter(c, "axis", self.cut.axes)
        if self.cut.basis:
            c = c.filter(c.basis == self.cut.basis)
        return self.place(c, "region_id")

    def with_funder(self, rows: ir.Table) -> ir.Table:
        """`rows` (with `funder_id`) plus their funder's `funder_territory_id` — the territory
        it governs when known (the CNC: FR, a Région: its region), else where it is based — and
        `funder_level` (organisations.funder_level; NULL when unknown or not a public body)."""
        o = self.table("organisations")
        o = o.select(f_id=o.organisation_id,
                     funder_territory_id=ibis.coalesce(o.governed_territory_id, o.territory_id),
                     funder_level=o.funder_level)
        return rows.left_join(o, rows.funder_id == o.f_id).drop("f_id")

    def _funder_territory(self, rows: ir.Table) -> ir.Table:
        """`rows` placed by their funder's territory (see `with_funder`)."""
        return self.place(self.with_funder(rows), "funder_territory_id")

    def _by_funder(self, rows: ir.Table) -> ir.Table:
        """Rows of a funder's scheme (commissions, application counts), filtered by the cut's
        funders, schemes and years, placed by their funder's territory."""
        rows = self._filter(self._filter(rows, "funder_id", self.cut.funders), "scheme_id",
                            self.cut.schemes)
        return self._funder_territory(self.years(rows))

    def _commissions(self) -> ir.Table:
        """Commission members (seats), each with its commission; a seat is fictitious when
        it or its commission is, and rests on both sources."""
        c = self.table("commissions").rename(commission_source_id="source_id",
                                             commission_fictitious="fictitious")
        m = self.table("commission_members")
        rows = with_provenance_of(m.inner_join(c, "commission_id"), "commission")
        return self._by_funder(rows)

    def _sessions(self) -> ir.Table:
        """One row per commission (a session when the publisher gives sessions) with `seats`,
        its number of seats, and `has_chair`, whether one of them is the chair; both NULL when
        no seat is published (its composition is unknown, not empty). A session is fictitious
        when it or one of its seats is."""
        m = self.table("commission_members")
        per = m.group_by(seated_id=m.commission_id).aggregate(
            seats=m.count(), chairs=ibis.ifelse(m.role == "chair", 1, 0).sum(),
            seats_fictitious=ibis.ifelse(m.fictitious, 1, 0).max())
        c = self.table("commissions")
        rows = c.left_join(per, c.commission_id == per.seated_id)
        rows = rows.mutate(seats=rows.seats.cast("int64"),
                           has_chair=ibis.ifelse(rows.seats.notnull(), rows.chairs > 0,
                                                 ibis.null().cast("boolean")),
                           fictitious=rows.fictitious.fill_null(False)
                           | (rows.seats_fictitious.fill_null(0) == 1))
        return self._by_funder(rows.drop("seated_id", "chairs", "seats_fictitious"))

    def _applications(self) -> ir.Table:
        return self._by_funder(self.table("application_stats"))

    def _publication(self) -> ir.Table:
        """The public bodies responsible for each unit and what they publish. A body is a funder
        of known `funder_level`; it is responsible for a unit when the territory it governs
        (else its seat) is the unit or contains it. One row per body (`data` 'body'; per year of
        `published_records` when the cut is by year) and one per record it publishes (`data`
        'awards', 'commissions' or 'applications'), with `funder_key` (its normalised name: one
        body however many sources name it), `funder_level` and `funder_name`."""
        o = self.table("organisations")
        o = o.filter(o.funder_level.notnull())
        bodies = o.select(
            funder_id=o.organisation_id,
            funder_key=ibis.coalesce(o.name_key, o.organisation_id),
            funder_level=o.funder_level, funder_name=o.name,
            body_territory=ibis.coalesce(o.governed_territory_id, o.territory_id),
            source_id=o.source_id, fictitious=o.fictitious)
        c = self.engine.closure_table
        units = self.units.select(u_id="unit_id")
        above = c.inner_join(units, c.territory_id == units.u_id).select(
            unit_id=c.ancestor_id.cast("string"), u_id=units.u_id.cast("string"))
        bodies = bodies.inner_join(above, bodies.body_territory == above.unit_id).select(
            "funder_id", "funder_key", "funder_level", "funder_name", "source_id", "fictitious",
            unit_id="u_id")
        records = self.published_records()
        known = bodies.drop("source_id", "fictitious")
        records = records.inner_join(known, records.funder_id == known.funder_id).select(
            *_PUBLICATION_COLUMNS)
        if self.cut.by_year:  # every body in every year the store publishes anything in
            bodies = bodies.cross_join(self.publication_years())
        else:
            bodies = bodies.mutate(year=ibis.null().cast("int32"))
        bodies = bodies.mutate(data=ibis.literal("body", "string"))
        parts = [part.select(*(part[c].cast(part[c].type().copy(nullable=True))
                               for c in _PUBLICATION_COLUMNS)) for part in (bodies, records)]
        return parts[0].union(parts[1])

    def publication_years(self) -> ir.Table:
        """(year): the years of the cut in which the store holds any published record."""
        records = self.published_records()
        return records.filter(records.year.notnull()).select("year").distinct()

    def published_records(self) -> ir.Table:
        """Every record a funder publishes, in the cut's years: award rows (all sectors, an
        amended contract once), commission seats, application figures (a scheme and year with
        at least one of its counts). Columns funder_id, data, year, source_id, fictitious."""
        a = self.table("awards")
        a = a.filter(a.superseded_by.isnull())
        awards = a.select("funder_id", data=ibis.literal("awards", "string"),
                          year=ibis.coalesce(a.fiscal_year, a.decision_date.year()).cast("int32"),
                          source_id=a.source_id, fictitious=a.fictitious)
        c = self.table("commissions").select(k_id="commission_id", k_funder="funder_id",
                                             k_year="year")
        m = self.table("commission_members")
        m = m.inner_join(c, m.commission_id == c.k_id)
        seats = m.select(funder_id=m.k_funder, data=ibis.literal("commissions", "string"),
                         year=m.k_year.cast("int32"), source_id=m.source_id,
                         fictitious=m.fictitious)
        s = self.table("application_stats")
        s = s.filter(s.applications_received.notnull() | s.applications_awarded.notnull())
        stats = s.select("funder_id", data=ibis.literal("applications", "string"),
                         year=s.year.cast("int32"), source_id=s.source_id,
                         fictitious=s.fictitious)
        parts = [part.select(funder_id=part.funder_id.cast("string"), data=part.data,
                             year=part.year, source_id=part.source_id.cast("string"),
                             fictitious=part.fictitious.cast("boolean"))
                 for part in (awards, seats, stats)]  # one schema (nullability too)
        records = ibis.union(*parts)
        return self.years(records.filter(records.funder_id.notnull()))

    def _venues(self) -> ir.Table:
        return self.place(self.table("venues"), "territory_id")

    def _festivals(self) -> ir.Table:
        return self.place(self.table("festivals"), "territory_id")

    def _films(self) -> ir.Table:
        """One row per agreed film (film_approvals), in France: `year` is its list's year;
        `budget` its budget in euro cents (NULL when unknown or in another currency) and
        `budget_class`; each fact of FILM_FACTS a boolean, NULL when the film's list does not
        publish it; `advance_on_receipts` 'before', 'after', 'none' or NULL (not published);
        `producers`, its number of producers (NULL when none is named). At any level but
        `country` there is no row: the list names no place. A film is fictitious when its
        approval, one of its financing facts or one of its producer credits is; all three are
        written by the same import, so the approval's `source_id` names their source."""
        f = self.table("film_approvals")
        f = f.mutate(budget=ibis.ifelse(f.currency == "EUR", f.budget_minor, ibis.null()),
                     film_territory_id=ibis.literal(FILMS_TERRITORY))
        f = self.years(f.mutate(budget_class=_budget_class(f.budget)))
        f = self._filter(self._filter(f, "genre", self.cut.genres), "budget_class",
                         self.cut.budget_classes)
        f = self._filter(f, "rank", self.cut.film_ranks)
        facts = self.table("work_financing")
        flags = {kind: (facts.kind == kind) for kind in FILM_FACTS}
        flags |= {"asr_before": (facts.kind == "advance_on_receipts") & (facts.timing == "before"),
                  "asr_after": (facts.kind == "advance_on_receipts") & (facts.timing == "after"),
                  "asr_any": facts.kind == "advance_on_receipts"}
        facts = facts.group_by(fact_id="approval_id").aggregate(
            facts_fictitious=ibis.ifelse(facts.fictitious, 1, 0).max(),
            **{f"has_{name}": ibis.ifelse(flag, 1, 0).max() for name, flag in flags.items()})
        credits = self.table("work_credits")
        credits = credits.filter((credits.role == "producer") & credits.organisation_id.notnull())
        credits = credits.group_by(credit_id="approval_id").aggregate(
            producers=credits.organisation_id.nunique().cast("int64"),
            credits_fictitious=ibis.ifelse(credits.fictitious, 1, 0).max())
        f = f.left_join(facts, f.approval_id == facts.fact_id).drop("fact_id")
        f = f.left_join(credits, f.approval_id == credits.credit_id).drop("credit_id")

        def published(kind: str, value: ir.Value) -> ir.Value:
            return ibis.ifelse(f.published_facts.contains(kind), value, ibis.null())

        asr = ibis.cases((f.has_asr_before.fill_null(0) == 1, "before"),
                         (f.has_asr_after.fill_null(0) == 1, "after"),
                         (f.has_asr_any.fill_null(0) == 1, "unknown_timing"), else_="none")
        f = f.mutate(
            **{kind: published(kind, f[f"has_{kind}"].fill_null(0) == 1).cast("boolean")
               for kind in FILM_FACTS},
            advance_on_receipts=published("advance_on_receipts", asr).cast("string"),
            fictitious=f.fictitious.fill_null(False) | (f.facts_fictitious.fill_null(0) == 1)
            | (f.credits_fictitious.fill_null(0) == 1),
        )
        f = f.select("approval_id", "work_id", "visa", "year", "title", "budget", "currency",
                     "budget_class", "genre", "rank", "coproduction", "french_initiative",
                     "french_share", *FILM_FACTS, "advance_on_receipts", "producers",
                     "film_territory_id", "source_id", "fictitious")
        return self.place(f, "film_territory_id")

    # -- helpers for compute functions ------------------------------------------------------
    def per_population(self, grouped: ir.Table, scale: float = 1.0) -> ir.Table:
        """`grouped` (keys + numerator) with denominator = the unit's population and
        value = numerator / population × scale; units of unknown population get NULL."""
        units = self.units.select("unit_id", denominator=self.units.population.cast("float64"))
        out = grouped.inner_join(units, "unit_id")
        value = ibis.ifelse(out.denominator > 0, out.numerator * scale / out.denominator,
                            ibis.null())
        return out.mutate(value=value.cast("float64"))

    def share(self, grouped: ir.Table) -> ir.Table:
        """`grouped` (keys + numerator + denominator) with value = numerator / denominator."""
        value = ibis.ifelse(grouped.denominator != 0, grouped.numerator / grouped.denominator,
                            ibis.null())
        return grouped.mutate(value=value.cast("float64"))

    def materialise(self, rows: ir.Table) -> ir.Table:
        """`rows` computed now and read from memory afterwards: for an intermediate result an
        indicator reads several times (Ibis writes a table expression into the SQL of each
        use, so a long chain read three times is computed — and compiled — three times)."""
        return ibis.memtable(self.engine.execute(rows).to_arrow())

    def rebase(self, rows: ir.Table) -> ir.Table:
        """Make `rows` this query's `base` and return them: for an indicator that selects or
        places the subject's rows its own way (the access indicators keep one year of venues
        and count an arrondissement's cinemas in its city). `rows` must have `unit_id` and the
        cut's keys; `covered` and the coverage columns of the result are then computed on them,
        so that `n` counts the rows the value rests on. `rows` keep their PROVENANCE."""
        self.__dict__["base"] = check_provenance(rows, self.indicator)
        self.__dict__.pop("covered", None)
        return rows

    def cut_awards(self) -> ir.Table:
        """The awards of the cut (years and filters applied, with `year` and `amount`) before
        they are placed in a unit: for an indicator that places awards by another territory
        than the beneficiary's, e.g. `self.rebase(self._funder_territory(self.cut_awards()))`
        places them by their funder's territory (local initiative). Same rows as `_awards`
        before its `place`. Each contract counts once, at its final value: rows superseded by
        a later amendment are left out unless the cut includes them."""
        a = self.table("awards")
        if not self.cut.include_superseded:
            a = a.filter(a.superseded_by.isnull())
        a = a.select(*AWARD_COLUMNS,
                     year=ibis.coalesce(a.fiscal_year, a.decision_date.year().cast("int32")),
                     amount=a.amount_minor)
        a = self.years(a)
        for column, values in (("funder_id", self.cut.funders), ("scheme_id", self.cut.schemes),
                               ("stage", self.cut.stages), ("format", self.cut.formats),
                               ("genre", self.cut.genres), ("sector", self.cut.sectors)):
            a = self._filter(a, column, values)
        return a


def _budget_class(budget: ir.IntegerValue) -> ir.StringValue:
    """The budget class (vocabularies.BUDGET_CLASSES) of a budget in euro cents; NULL when
    the budget is unknown."""
    cases = [(budget < upper if lower == 0 else
              (budget >= lower) & (budget < upper) if upper is not None else budget >= lower,
              code) for code, (lower, upper) in BUDGET_CLASS_BOUNDS.items()]
    return ibis.cases(*cases, else_=ibis.null()).cast("string")
