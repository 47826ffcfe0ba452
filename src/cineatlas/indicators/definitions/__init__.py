"""Indicator declarations, one module per theme of the catalogue."""
