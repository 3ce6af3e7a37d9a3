"""check constraints mirroring the input bounds

Revision ID: a69ecb736a25
Revises: 6246bec35e56
Create Date: 2026-12-01 18:51:10.600987
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a69ecb736a25"
down_revision: str | None = "6246bec35e56"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The input bounds (services/market/domain.py, shared/bounds.py) as the database keeps them;
    # the values are written out: a revision never changes with the code.
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_delivery_amount_within_bounds"), "amount_fen BETWEEN 0 AND 10000000000")
        batch_op.create_check_constraint(op.f("ck_delivery_filled_within_delivery"), "filled_milli BETWEEN 0 AND quantity_milli")
        batch_op.create_check_constraint(op.f("ck_delivery_floor_price_within_bounds"), "floor_price_fen BETWEEN 1 AND 100000000")
        batch_op.create_check_constraint(op.f("ck_delivery_market_price_within_bounds"), "market_price_fen BETWEEN 0 AND 100000000")
        batch_op.create_check_constraint(op.f("ck_delivery_paid_price_within_bounds"), "paid_price_fen BETWEEN 0 AND 100000000")
        batch_op.create_check_constraint(op.f("ck_delivery_quantity_within_bounds"), "quantity_milli BETWEEN 1 AND 10000000000")
    with op.batch_alter_table("direct_supply_channel", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_direct_supply_channel_period_in_order"), "period_start <= period_end")
        batch_op.create_check_constraint(op.f("ck_direct_supply_channel_volume_within_bounds"), "volume_milli BETWEEN 1 AND 10000000000")
    with op.batch_alter_table("order_contract", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_order_contract_delivered_within_contract"), "delivered_milli BETWEEN 0 AND quantity_milli")
        batch_op.create_check_constraint(op.f("ck_order_contract_floor_price_within_bounds"), "floor_price_fen BETWEEN 1 AND 100000000")
        batch_op.create_check_constraint(op.f("ck_order_contract_quantity_within_bounds"), "quantity_milli BETWEEN 1 AND 10000000000")
        batch_op.create_check_constraint(op.f("ck_order_contract_settled_not_negative"), "settled_fen >= 0")
        batch_op.create_check_constraint(op.f("ck_order_contract_term_in_order"), "starts_on <= ends_on")
    with op.batch_alter_table("order_fill", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_order_fill_quantity_within_bounds"), "quantity_milli BETWEEN 1 AND 10000000000")
    with op.batch_alter_table("partner_order", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_partner_order_total_not_negative"), "total_fen >= 0")
    with op.batch_alter_table("partner_order_line", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_partner_order_line_amount_not_negative"), "amount_fen >= 0")
        batch_op.create_check_constraint(op.f("ck_partner_order_line_filled_within_line"), "filled_milli BETWEEN 0 AND quantity_milli")
        batch_op.create_check_constraint(op.f("ck_partner_order_line_line_no_within_bounds"), "line_no BETWEEN 1 AND 10000")
        batch_op.create_check_constraint(op.f("ck_partner_order_line_quantity_within_bounds"), "quantity_milli BETWEEN 1 AND 10000000000")
        batch_op.create_check_constraint(op.f("ck_partner_order_line_unit_price_within_bounds"), "unit_price_fen BETWEEN 0 AND 100000000")


def downgrade() -> None:
    with op.batch_alter_table("partner_order_line", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_partner_order_line_amount_not_negative"), type_="check")
        batch_op.drop_constraint(op.f("ck_partner_order_line_filled_within_line"), type_="check")
        batch_op.drop_constraint(op.f("ck_partner_order_line_line_no_within_bounds"), type_="check")
        batch_op.drop_constraint(op.f("ck_partner_order_line_quantity_within_bounds"), type_="check")
        batch_op.drop_constraint(op.f("ck_partner_order_line_unit_price_within_bounds"), type_="check")
    with op.batch_alter_table("partner_order", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_partner_order_total_not_negative"), type_="check")
    with op.batch_alter_table("order_fill", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_order_fill_quantity_within_bounds"), type_="check")
    with op.batch_alter_table("order_contract", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_order_contract_delivered_within_contract"), type_="check")
        batch_op.drop_constraint(op.f("ck_order_contract_floor_price_within_bounds"), type_="check")
        batch_op.drop_constraint(op.f("ck_order_contract_quantity_within_bounds"), type_="check")
        batch_op.drop_constraint(op.f("ck_order_contract_settled_not_negative"), type_="check")
        batch_op.drop_constraint(op.f("ck_order_contract_term_in_order"), type_="check")
    with op.batch_alter_table("direct_supply_channel", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_direct_supply_channel_period_in_order"), type_="check")
        batch_op.drop_constraint(op.f("ck_direct_supply_channel_volume_within_bounds"), type_="check")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_delivery_amount_within_bounds"), type_="check")
        batch_op.drop_constraint(op.f("ck_delivery_filled_within_delivery"), type_="check")
        batch_op.drop_constraint(op.f("ck_delivery_floor_price_within_bounds"), type_="check")
        batch_op.drop_constraint(op.f("ck_delivery_market_price_within_bounds"), type_="check")
        batch_op.drop_constraint(op.f("ck_delivery_paid_price_within_bounds"), type_="check")
        batch_op.drop_constraint(op.f("ck_delivery_quantity_within_bounds"), type_="check")
