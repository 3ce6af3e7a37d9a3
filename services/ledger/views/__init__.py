"""Read models for the consoles' screens: each screen in one request (issue #13, item 4).

``GET /ledger/v1/views/villages/{code}/households`` (a village's households with head, size, the
year's six-type income and per capita, paged) and ``GET /ledger/v1/views/counties/{code}/villages``
(each village of a county with its aggregates and its indicators side by side). Both read the
ledger's projections in a fixed number of statements, whatever the number of households on a page
or villages in a county, and judge nothing themselves: the figures come out of the same functions
as ``/households/{id}/income``, ``/aggregates`` and ``/indicators/villages/{code}``.
"""
