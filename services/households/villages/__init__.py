"""Villages: registration, categories and pairing (§1.2), helpers, the region filters of every list."""
