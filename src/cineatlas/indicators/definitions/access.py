"""Indicator declarations (see catalogue.THEMES)."""
