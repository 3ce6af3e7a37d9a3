"""Subsidies and policy income paid to households, split by the agreed ratio on transferred land (R15)."""
