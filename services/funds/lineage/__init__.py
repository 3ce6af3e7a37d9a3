"""Lineage both ways: each household's income lines with what paid them, and each fund's reach down to households."""
