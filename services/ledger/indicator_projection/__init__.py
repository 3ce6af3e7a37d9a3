"""The policy indicators kept by the consumer (issue #17 item 5): a county's indicators without scanning its log per request.

``fold.apply`` is the consumer's (and the replay's) share: each batch's rows update
``models``' tables — the light facts the indicators read as the log said them (villages, projects,
entities, distributions, channels …), and for the facts that grow with households and members
(households, labourers, training, jobs, contracts, lease-backs, loans, sessions) each thing's
*runs*: the days on which it counts for a key of an indicator, with dated counters per village.
``read`` answers a village from a few indexed reads and a township, county or the city from one
grouped read over its villages. Semantics: docs/indicators.md §7.
"""
