"""Ledger service: projections of the event log — household incomes by benefit type, aggregates, indicators, audit."""
