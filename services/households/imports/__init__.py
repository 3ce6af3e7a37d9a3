"""Bulk import of villages, households and members from the offices' spreadsheets (CSV or .xlsx), all or nothing."""
