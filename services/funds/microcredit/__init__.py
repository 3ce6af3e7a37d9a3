"""Microcredit loans (R11): granted, repaid, overdue, and the returns an entrusted loan's entity pays."""
