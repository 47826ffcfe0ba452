"""CNC agreed films: « Production cinématographique — liste des films agréés », the whole
workbook (one sheet per year).

    cineatlas import cnc-films-agrees films-agrees-2003-2019.xlsx

Each yearly sheet's header is found by its labels and its columns are matched by meaning
(`workbook`), so a later edition with renamed or added columns imports the same way. Each row
becomes a work (VISA as identifier) with its agreement of the year (`film_approvals`: budget in
euro cents, genre, French initiative, rank, co-production), its directors (people) and
producers (organisations) in `work_credits`, its countries and shares (`work_countries`) and
its financing facts (`work_financing`: advance on receipts, TV pre-sales by channel, SOFICA,
tax credit, regional aid, parity bonus), published without amounts: the amounts are NULL
(unknown), the regional aid's funder is "a Region, not named". See
docs/importers/cnc-films-agrees.md.
"""

from cineatlas.importers.cnc_films_agrees.importer import CncFilmsAgreesImporter

__all__ = ["CncFilmsAgreesImporter"]
