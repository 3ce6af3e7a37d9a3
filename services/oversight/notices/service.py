"""Use cases of notices: opened from funds' facts, closed by the clock, superseded by corrections; read in scope or in public."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from services.oversight import domain
from services.oversight.cases.models import Case
from services.oversight.known.models import KnownVillage
from services.oversight.known.service import posted_names
from services.oversight.notices.models import Notice
from services.oversight.notices.postings import REGISTRY_KINDS, Posting
from services.oversight.notices.schemas import NoticeLineOut, NoticeOut, PostedLine, PostedObjection, PublicNotice
from shared.auth import Principal, ensure_readable, visible
from shared.events.oversight import NoticeClosedV2, NoticeOpenedV2
from shared.ids import new_id
from shared.labels import LABELS
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import NotFound

STATUS_ZH = {
    "open": "公示中",
    "released": "公示期满无异议，已放款",
    "blocked": "异议成立，暂停放款",
    "superseded": "已由更正取代",
    "posted": "仅公示（未设公示期）",
}
# A registry notice holds no money: its outcomes say what they mean for the registry.
REGISTRY_STATUS_ZH = STATUS_ZH | {"released": "公示期满无异议", "blocked": "异议成立，待登记更正"}


def status_zh(kind: str, status: str) -> str:
    return (REGISTRY_STATUS_ZH if kind in REGISTRY_KINDS else STATUS_ZH)[status]


def _span(window_seconds: int) -> str:
    days, rest = divmod(window_seconds, 86400)
    return f"{days} 天" if not rest else (f"{days} 天 {rest // 3600} 小时" if days else f"{window_seconds // 60} 分钟")


def window_note(gated: bool, window_seconds: int, kind: str = "distribution") -> str:
    if kind in REGISTRY_KINDS:
        if not window_seconds:
            return "公示期为 0：未设公示期，本公示仅供知晓与监督；登记变动已于登记时生效。"
        return f"公示期 {_span(window_seconds)}：登记变动已于登记时生效；期内可提出异议，异议成立的，由登记机关更正。"
    if not gated:
        return "公示期为 0：未设公示闸门，款项已于审批时发放，本公示仅供知晓与监督。"
    return f"公示期 {_span(window_seconds)}：期满且无成立的异议后方可发放款项。"


async def _existing(session: AsyncSession, posting: Posting, fact_id: str | None) -> Notice | None:
    """The notice a redelivered fact already opened: by its subject for the money kinds, by the fact for the registry's."""
    if posting.informational:
        stmt = select(Notice).where(col(Notice.fact_id) == fact_id)
    else:
        stmt = select(Notice).where(col(Notice.subject_id) == posting.subject_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def _superseded_one(session: AsyncSession, posting: Posting) -> Notice | None:
    """The latest superseded or blocked notice of the same thing (source and period; the household, for the registry)."""
    stmt = select(Notice).where(col(Notice.source_key) == posting.source_key, col(Notice.status).in_(("superseded", "blocked")))
    if not posting.informational:
        stmt = stmt.where(col(Notice.period) == posting.period, col(Notice.title) == posting.title)
    return (await session.execute(stmt.order_by(col(Notice.opened_at).desc()).limit(1))).scalar_one_or_none()


async def open_notice(session: AsyncSession, posting: Posting, *, opened_at: datetime, fact_id: str | None = None) -> Notice | None:
    """One notice per thing posted (a redelivered fact finds it and changes nothing); the window runs from the fact's time.

    A window runs (status ``open``) when it is longer than 0; money is held (``gated``) only for the kinds that pay.
    """
    if posting.source_key is None or await _existing(session, posting, fact_id) is not None:
        return None
    runs = domain.is_gated(posting.window)
    gated = posting.held and runs and not posting.informational
    window_seconds = int(posting.window.total_seconds()) if runs else 0
    posted = {
        "kind": posting.kind,
        "village_code": posting.village_code,
        "period": posting.period,
        "benefit_type": posting.benefit_type,
        "rule": posting.rule,
        "total_fen": posting.total_fen,
        "lines": posting.lines,
        "lineage": posting.lineage,
        "gated": gated,
        "window_seconds": window_seconds,
    }
    if posting.informational:
        posted["title"] = posting.title
    earlier = await _superseded_one(session, posting)
    notice = Notice(
        id=new_id(),
        code=await _fresh_code(session),
        kind=posting.kind,
        subject_id=posting.subject_id,
        fact_id=fact_id if posting.informational else None,
        village_code=posting.village_code,
        source_key=posting.source_key,
        period=posting.period,
        title=posting.title,
        rule=posting.rule,
        benefit_type=posting.benefit_type,
        total_fen=posting.total_fen,
        household_count=len(posting.lines),
        lines=posting.lines,
        lineage=posting.lineage,
        gated=gated,
        window_seconds=window_seconds,
        opened_at=opened_at,
        closes_at=domain.closes_at(opened_at, posting.window) if runs else opened_at,
        status="open" if runs and (gated or posting.informational) else "posted",
        digest=domain.digest(posted),
        supersedes_notice_id=earlier.id if earlier else None,
    )
    session.add(notice)
    await session.flush()
    emit(
        session,
        NoticeOpenedV2(
            notice_id=notice.id,
            code=domain.display_code(notice.code),
            kind=posting.kind,  # type: ignore[arg-type]  # one of the contract's kinds, by the postings module
            subject_id=notice.subject_id,
            village_code=notice.village_code,
            title=notice.title,
            total_fen=notice.total_fen,
            household_count=notice.household_count,
            gated=gated,
            window_seconds=notice.window_seconds,
            opened_at=notice.opened_at,
            closes_at=notice.closes_at,
            digest=notice.digest,
            supersedes_notice_id=notice.supersedes_notice_id,
        ),
    )
    return notice


async def _fresh_code(session: AsyncSession) -> str:
    while True:
        code = domain.verification_code()
        if (await session.execute(select(col(Notice.id)).where(col(Notice.code) == code))).first() is None:
            return code


def _closed(notice: Notice, outcome: str, *, at: datetime, upheld: tuple[str, ...] = ()) -> NoticeClosedV2:
    return NoticeClosedV2(
        notice_id=notice.id,
        kind=notice.kind,  # type: ignore[arg-type]  # the row holds one of the contract's kinds
        subject_id=notice.subject_id,
        village_code=notice.village_code,
        outcome=outcome,  # type: ignore[arg-type]  # released, blocked or superseded, by the callers below
        upheld_objection_ids=list(upheld),
        closed_at=at,
    )


async def close_if_due(session: AsyncSession, notice: Notice, *, now: datetime) -> bool:
    """Close an open notice whose window has ended once every objection to it is decided; True when it closed."""
    if notice.status != "open":
        return False
    cases = (await session.execute(select(col(Case.id), col(Case.status)).where(col(Case.notice_id) == notice.id, col(Case.kind) == "objection"))).all()
    verdict = domain.notice_verdict(now=now, closes_at=notice.closes_at, objections=[domain.CaseState(i, s) for i, s in cases])
    if not verdict.closes:
        return False
    assert verdict.outcome is not None
    notice.status, notice.closed_at = verdict.outcome, now
    await session.flush()
    emit(session, _closed(notice, verdict.outcome, at=now, upheld=verdict.upheld))
    return True


async def close_due(session: AsyncSession, *, now: datetime, limit: int = 200) -> list[str]:
    """Close the open notices whose window has ended (rows locked, so two sweepers never close one twice)."""
    stmt = select(Notice).where(col(Notice.status) == "open", col(Notice.closes_at) <= now).order_by(col(Notice.closes_at)).limit(limit)
    closed = []
    for notice in (await session.execute(stmt.with_for_update(skip_locked=True))).scalars():
        if await close_if_due(session, notice, now=now):
            closed.append(notice.id)
    return closed


async def supersede(session: AsyncSession, *, subject_id: str, reason: str, at: datetime, kinds: tuple[str, ...] | None = None) -> None:
    """A correction (withdrawal, reversal, a registry change) of what a notice posted: an open or blocked notice is superseded and says why.

    A money notice already released or posted and then corrected (reversed) keeps its status and says so.
    """
    stmt = select(Notice).where(col(Notice.subject_id) == subject_id)
    if kinds is not None:
        stmt = stmt.where(col(Notice.kind).in_(kinds))
    for notice in (await session.execute(stmt.order_by(col(Notice.opened_at)).with_for_update())).scalars():
        if notice.status in ("open", "blocked"):
            notice.status, notice.closed_at = "superseded", notice.closed_at or at
            notice.superseded_reason = reason
            await session.flush()
            emit(session, _closed(notice, "superseded", at=at))
        elif notice.superseded_reason is None and notice.kind not in REGISTRY_KINDS:
            notice.superseded_reason = reason
            await session.flush()


async def mark_released(session: AsyncSession, *, subject_id: str) -> None:
    notice = (await session.execute(select(Notice).where(col(Notice.subject_id) == subject_id))).scalar_one_or_none()
    if notice is not None and not notice.released:
        notice.released = True
        await session.flush()


# ---- reading --------------------------------------------------------------------------------


async def _public(session: AsyncSession, notice: Notice) -> tuple[PublicNotice, dict[str, str], int]:
    names = await posted_names(session, [line["household_id"] for line in notice.lines])
    cases = list((await session.execute(select(Case).where(col(Case.notice_id) == notice.id, col(Case.kind) == "objection").order_by(Case.id))).scalars())
    village = await session.get(KnownVillage, notice.village_code)
    public = PublicNotice(
        code=domain.display_code(notice.code),
        kind=notice.kind,  # type: ignore[arg-type]  # the row holds one of the answer's codes (the table's CHECK, the contract it came from)
        title=notice.title,
        village_code=notice.village_code,
        village_name=village.name if village else None,
        period=notice.period,
        benefit_type=notice.benefit_type,  # type: ignore[arg-type]  # the row holds one of the answer's codes (the table's CHECK, the contract it came from)
        rule=notice.rule,
        rule_text=domain.RULE_TEXT.get(notice.rule or ""),
        total_fen=notice.total_fen,
        household_count=notice.household_count,
        lines=[
            PostedLine(name=names[line["household_id"]], units=line["units"], amount_fen=line["amount_fen"], note=line.get("note")) for line in notice.lines
        ],
        lineage=notice.lineage,
        gated=notice.gated,
        window_seconds=notice.window_seconds,
        window_note=window_note(notice.gated, notice.window_seconds, notice.kind),
        opened_at=notice.opened_at,
        closes_at=notice.closes_at,
        closed_at=notice.closed_at,
        status=notice.status,  # type: ignore[arg-type]  # the row holds one of the answer's codes (the table's CHECK, the contract it came from)
        status_zh=status_zh(notice.kind, notice.status),
        released=notice.released,
        objections=[
            PostedObjection(
                category=c.category,  # type: ignore[arg-type]  # the row holds one of the answer's codes (the table's CHECK, the contract it came from)
                category_zh=LABELS["category"].get(c.category, (c.category, ""))[0],
                status=c.status,  # type: ignore[arg-type]  # the row holds one of the answer's codes (the table's CHECK, the contract it came from)
                raised_on=c.raised_at.date(),
                resolution_reason=c.resolution_reason,
                resolved_on=c.resolved_on,
            )
            for c in cases
        ],
        digest=notice.digest,
    )
    return public, names, sum(1 for c in cases if c.status in domain.OPEN_STATUSES)


async def public_notice(session: AsyncSession, *, code: str) -> PublicNotice:
    notice = (await session.execute(select(Notice).where(col(Notice.code) == domain.normalise_code(code)))).scalar_one_or_none()
    if notice is None:
        raise NotFound("公示不存在", detail_en="no notice has this verification code", field="code")
    return (await _public(session, notice))[0]


async def notice_out(session: AsyncSession, notice: Notice) -> NoticeOut:
    public, names, open_count = await _public(session, notice)
    return NoticeOut(
        **public.model_dump(exclude={"lines"}),
        lines=[
            NoticeLineOut(
                household_id=line["household_id"], name=names[line["household_id"]], units=line["units"], amount_fen=line["amount_fen"], note=line.get("note")
            )
            for line in notice.lines
        ],
        id=notice.id,
        subject_id=notice.subject_id,
        source_key=notice.source_key,
        supersedes_notice_id=notice.supersedes_notice_id,
        superseded_reason=notice.superseded_reason,
        open_objections=open_count,
    )


async def get_notice(*, session: AsyncSession, principal: Principal, notice_id: str) -> NoticeOut:
    notice = await session.get(Notice, notice_id)
    if notice is None:
        raise NotFound("公示不存在", detail_en="not found")
    ensure_readable(principal, region=notice.village_code, what="公示")
    return await notice_out(session, notice)


async def list_notices(*, session: AsyncSession, principal: Principal, page: PageParams, status: str | None, subject_id: str | None) -> Page[NoticeOut]:
    stmt = select(Notice).where(visible(principal, region=col(Notice.village_code)))
    if status:
        stmt = stmt.where(col(Notice.status) == status)
    if subject_id:
        stmt = stmt.where(col(Notice.subject_id) == subject_id)
    rows = await paginate(session, stmt, key=col(Notice.id), params=page, to_item=lambda n: n)
    return Page[NoticeOut](items=[await notice_out(session, n) for n in rows.items], next_cursor=rows.next_cursor)
