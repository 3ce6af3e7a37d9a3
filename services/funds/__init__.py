"""Funds service: fund sources and allocations, operating entities, three-rights projects, assets, distributions, land, lease-back, subsidies, microcredit."""
