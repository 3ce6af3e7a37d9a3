"""Distributions of profit and asset income (R3, R9, R10, R17) under maker-checker, and the corrections: withdrawal of a proposal, reversal of what was paid."""
