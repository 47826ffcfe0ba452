"""The CNC's commission results (sessions, members, funded projects): `cnc-commissions`."""

from cineatlas.importers.cnc_commissions.importer import CncCommissionsImporter

__all__ = ["CncCommissionsImporter"]
