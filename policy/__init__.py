"""The rules of 韶扶组〔2018〕3号 that more than one service judges, each implemented once.

Pure: no FastAPI, no database, no clock; nothing here imports ``services`` or ``shared``. A
producing service calls a rule to refuse or describe a write; the ledger calls the same rule
to judge the facts it was told. Where a clause's code lives (one search finds it):

* ``policy.thresholds`` — the policy's numbers (R1, R3, R4, R7, R9/R10/R17) in one ``Thresholds``;
  ``policy.settings.thresholds()`` is the one settings object, overridable with ``FUPIN_POLICY_*``.
* ``policy.training`` — R7 (§3.2): ``r7_compliance``.
* ``policy.linkage`` — R18–R21 (§6): ``r18_direct_supply``, ``r19_showcase_window``,
  ``r20_ecommerce_station``, ``r21_cold_chain``, each judged over a span of days (``Span``), so a
  channel or a facility counts only while it is in force.
"""
