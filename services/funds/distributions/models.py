"""Tables of distributions: each shares its API fields through a ``*Base`` (see ``services/funds/base.py``)."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.funds.base import FundsTable, basis_points, code, created, fen, key, payment_fen, ref
from shared.bounds import BasisPoints, PaymentFen, PaymentFenOrZero


class DistributionBase(SQLModel):
    """What a distribution holds and answers; the request (``DistributionIn``) names a source and a period instead."""

    project_id: str | None = ref(index=True, default=None)
    asset_id: str | None = ref(index=True, default=None)
    agreement_id: str | None = ref(default=None)
    entity_id: str | None = ref(index=True, default=None)
    village_code: str = code(index=True)
    period: str = Field(max_length=24)  # the label: 2026, 2026-H1, 2026-Q3, 2026-07 or start~end
    period_start: date
    period_end: date
    total_fen: PaymentFen = fen(of=PaymentFen)
    poor_households_fen: PaymentFenOrZero = fen(of=PaymentFenOrZero)
    poor_share_bp: BasisPoints
    rule: str = Field(max_length=4, description="the rule that set the floor: R9, R10 or R3")
    guidance_fund: bool = False
    benefit_type: str = Field(max_length=20)
    paid_on: date
    # proposed → approved → reversed (by an approved reversal), or proposed → withdrawn. The row stays.
    status: str = Field("proposed", max_length=12)
    proposed_by: str = Field(max_length=120)
    approved_by: str | None = Field(default=None, max_length=120)
    withdrawn_by: str | None = Field(default=None, max_length=120)
    withdrawal_reason: str | None = Field(default=None, sa_type=Text)
    reversal_id: str | None = ref(default=None, description="the reversal proposed or approved for this distribution")
    # The village notice (公示, services/oversight): held → released when it closes with no upheld objection, or
    # blocked (an objection upheld) until a correction; cancelled when withdrawn or reversed while held.
    release: str | None = Field(
        default=None,
        max_length=10,
        description="held, released, blocked or cancelled while a village notice gates it; null: paid at approval (no notice window)",
    )


class Distribution(DistributionBase, FundsTable, table=True):
    __tablename__ = "distribution"
    __table_args__ = (
        payment_fen("total_fen"),
        CheckConstraint("poor_households_fen >= 0 AND poor_households_fen <= total_fen", name="poor_households_fen_bounded"),
        basis_points("poor_share_bp"),
        CheckConstraint("period_end >= period_start", name="period_ordered"),
    )

    id: str = key()
    # "project:<id>" or "asset:<id>": the standing distributions of one source never overlap in time.
    source_key: str = Field(max_length=45, index=True)
    # The split as proposed, {household_id: [units, fen]}: the approver approves exactly this.
    split: dict[str, list[int]] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = created()


class Reversal(FundsTable, table=True):
    """A correction of an approved distribution or income line: proposed with a reason, approved by another person."""

    __tablename__ = "reversal"
    __table_args__ = (UniqueConstraint("target_kind", "target_id", name="uq_reversal_target"),)

    id: str = key()
    target_kind: str = Field(max_length=20)  # "distribution" | "income_line"
    target_id: str = ref()
    village_code: str = code(index=True)
    entity_id: str | None = ref(default=None)
    reason: str = Field(sa_type=Text)
    status: str = Field("proposed", max_length=12)
    proposed_by: str = Field(max_length=120)
    approved_by: str | None = Field(default=None, max_length=120)
    created_at: datetime = created()
