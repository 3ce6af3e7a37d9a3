"""The rules of 韶扶组〔2018〕3号 that more than one service judges, each implemented once.

Pure: no FastAPI, no database, no clock; nothing here imports ``services`` (only the code tables
of ``shared.regions``). A producing service calls a rule to refuse a write (``shared.errors.enforce``
raises its first breach); the ledger calls the same rule to judge the facts it was told. Each rule
is one function named after its id, returning a ``policy.verdicts.Outcome`` (or, for R7 and
R18–R21, the verdict types of their modules). Where a clause's code lives (one search finds it):

* ``policy.thresholds`` — the policy's numbers (R1, R3, R4, R7, R9/R10/R17) in one ``Thresholds``;
  ``policy.settings.thresholds()`` is the one settings object, overridable with ``FUPIN_POLICY_*``.
* ``policy.funds`` — R1, R9, R10, R11, R14, R15, R16, R17 (§1.1, §4, §5) and the poor households'
  floor of a distribution.
* ``policy.employment`` — R13 (§5.2). ``policy.market`` — R12 (§5.1).
* ``policy.training`` — R7 (§3.2): ``r7_compliance``; R8 (§3.3): ``r8_course``.
* ``policy.linkage`` — R18–R21 (§6): ``r18_direct_supply``, ``r19_showcase_window``,
  ``r20_ecommerce_station``, ``r21_cold_chain``, each judged over a span of days (``Span``), so a
  channel or a facility counts only while it is in force.
* ``policy.periods`` — period labels (``2026-H1``) and the days they cover.
"""
