"""Use cases of microcredit: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from policy import funds as policy_funds
from policy.verdicts import YearlyCap
from services.funds.common import get_or_404, known_household, ordered, paid_for_year, record_payment, registered_entity
from services.funds.lineage.schemas import IncomePaymentOut
from services.funds.lineage.service import income_payment
from services.funds.microcredit import repository
from services.funds.microcredit.models import Loan
from services.funds.microcredit.schemas import LoanIn, LoanOut, LoanReturnIn, OverdueIn, RepaymentIn
from shared.auth import Principal, ensure_readable, ensure_writable
from shared.errors import enforce
from shared.events.funds import LoanGranted, LoanMarkedOverdue, LoanRepaid, LoanReturnPaid
from shared.events.income import BenefitType, Lineage
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import Conflict, InvalidInput


def loan_out(loan: Loan) -> LoanOut:
    return LoanOut.model_validate(loan)


async def grant_loan(*, session: AsyncSession, principal: Principal, data: LoanIn) -> LoanOut:
    household = await known_household(session, data.household_id, principal=principal)
    ensure_writable(principal, region=household.village_code)
    enforce(
        policy_funds.r11_microcredit(
            use=data.use,
            entity_id=data.entity_id,
            responsibility_stated=bool((data.poverty_responsibility or "").strip()),
            guaranteed_return_fen_per_year=data.guaranteed_return_fen_per_year,
        )
    )
    if data.interest_subsidy_bp > data.annual_rate_bp:
        raise InvalidInput("贴息不能超过利率", detail_en="the interest subsidy exceeds the rate", field="interest_subsidy_bp")
    entity_id = (await registered_entity(session, data.entity_id, principal=principal)).id if data.use == "entrusted" else None
    loan = Loan(
        id=new_id(),
        household_id=household.id,
        village_code=household.village_code,
        bank=data.bank,
        principal_fen=data.principal_fen,
        term_months=data.term_months,
        annual_rate_bp=data.annual_rate_bp,
        interest_subsidy_bp=data.interest_subsidy_bp,
        granted_on=data.granted_on,
        use=data.use,
        entity_id=entity_id,
        poverty_responsibility=data.poverty_responsibility if entity_id else None,
        guaranteed_return_fen_per_year=data.guaranteed_return_fen_per_year if entity_id else None,
        repaid_fen=0,
    )
    session.add(loan)
    await session.flush()
    emit(
        session,
        LoanGranted(
            loan_id=loan.id,
            household_id=household.id,
            village_code=household.village_code,
            bank=loan.bank,
            principal_fen=loan.principal_fen,
            term_months=loan.term_months,
            annual_rate_bp=loan.annual_rate_bp,
            interest_subsidy_bp=loan.interest_subsidy_bp,
            granted_on=loan.granted_on,
            use=data.use,
            entity_id=entity_id,
            guaranteed_return_fen_per_year=loan.guaranteed_return_fen_per_year,
        ),
    )
    return loan_out(loan)


async def _loan_for_write(session: AsyncSession, principal: Principal, loan_id: str, *, entity_may_write: bool = False) -> Loan:
    loan = await get_or_404(session, Loan, loan_id, "贷款", lock=True)
    ensure_readable(principal, region=loan.village_code, entity_id=loan.entity_id, what="贷款")
    ensure_writable(principal, region=loan.village_code, entity_id=loan.entity_id if entity_may_write else None)
    return loan


async def get_loan(*, session: AsyncSession, principal: Principal, loan_id: str) -> LoanOut:
    loan = await get_or_404(session, Loan, loan_id, "贷款")
    ensure_readable(principal, region=loan.village_code, entity_id=loan.entity_id, what="贷款")
    return loan_out(loan)


async def repay_loan(*, session: AsyncSession, principal: Principal, loan_id: str, data: RepaymentIn) -> LoanOut:
    loan = await _loan_for_write(session, principal, loan_id)
    outstanding = loan.principal_fen - loan.repaid_fen
    if data.amount_fen > outstanding:
        raise InvalidInput(
            f"还款超过未还本金 {outstanding} 分",
            detail_en=f"repayment exceeds the outstanding {outstanding} fen",
            field="amount_fen",
            outstanding_fen=outstanding,
        )
    ordered(loan.granted_on, data.paid_on, "paid_on")
    loan.repaid_fen += data.amount_fen
    if loan.repaid_fen == loan.principal_fen:
        loan.overdue_since = None
    await session.flush()
    emit(
        session,
        LoanRepaid(
            loan_id=loan.id,
            household_id=loan.household_id,
            amount_fen=data.amount_fen,
            paid_on=data.paid_on,
            outstanding_fen=loan.principal_fen - loan.repaid_fen,
        ),
    )
    return loan_out(loan)


async def mark_loan_overdue(*, session: AsyncSession, principal: Principal, loan_id: str, data: OverdueIn) -> LoanOut:
    loan = await _loan_for_write(session, principal, loan_id)
    if loan.repaid_fen >= loan.principal_fen:
        raise Conflict("贷款已还清", detail_en="the loan is repaid", code="loan_repaid")
    ordered(loan.granted_on, data.overdue_since, "overdue_since")
    loan.overdue_since = data.overdue_since
    await session.flush()
    emit(
        session,
        LoanMarkedOverdue(
            loan_id=loan.id, household_id=loan.household_id, overdue_since=data.overdue_since, outstanding_fen=loan.principal_fen - loan.repaid_fen
        ),
    )
    return loan_out(loan)


async def pay_loan_return(*, session: AsyncSession, principal: Principal, loan_id: str, data: LoanReturnIn) -> IncomePaymentOut:
    loan = await _loan_for_write(session, principal, loan_id, entity_may_write=True)
    if loan.use != "entrusted" or not loan.entity_id:
        raise InvalidInput("户贷户用的贷款没有经营主体收益", detail_en="only a loan entrusted to an entity pays returns", field="loan_id")
    ordered(loan.granted_on, data.paid_on, "paid_on")
    year = data.year or data.paid_on.year
    paid = await paid_for_year(session, year=year, benefit_type=BenefitType.equity_dividend, loan_id=loan.id)
    enforce(policy_funds.r11_microcredit(returns=YearlyCap(loan.guaranteed_return_fen_per_year or 0, paid, data.amount_fen, year)))
    household = await known_household(session, loan.household_id)
    line_id, income = record_payment(
        session,
        household=household,
        benefit_type=BenefitType.equity_dividend,
        amount_fen=data.amount_fen,
        occurred_on=data.paid_on,
        lineage=Lineage(loan_id=loan.id, entity_id=loan.entity_id),
        period_year=year,
    )
    await session.flush()
    emit(session, LoanReturnPaid(line_id=line_id, loan_id=loan.id, entity_id=loan.entity_id, income=income))
    return await income_payment(session=session, principal=principal, line_id=line_id)


async def list_loans(*, session: AsyncSession, principal: Principal, page: PageParams) -> Page[LoanOut]:
    return await paginate(session, repository.visible_loans(principal), key=col(Loan.id), params=page, to_item=LoanOut.model_validate)
